//! A home for key material that stays out of swap and core dumps: [`Locked<T>`] keeps its
//! value alone on its own page-aligned heap pages, `mlock`ed (never written to swap) and
//! marked `MADV_DONTDUMP` (left out of any core file) on Linux and Android, and zeroes
//! the pages before giving them back.
//!
//! Limits: only the value's final home is protected. Where it was built (the stack, a
//! hash's buffers) it may have been copied before it moved in; those copies are zeroized
//! by their own `Zeroizing` wrappers, not locked. Locking can fail (`RLIMIT_MEMLOCK`
//! reached): the value is then kept anyway, unlocked.
//! Elsewhere nothing is locked yet.

use std::alloc::{self, Layout};
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

use zeroize::Zeroize;

/// A `T` on pages of its own, kept out of swap and core dumps where the platform allows.
pub(crate) struct Locked<T> {
    ptr: NonNull<T>,
    layout: Layout,
    /// Whether locking and the dump exclusion both worked (for the tests: Sesame goes on
    /// either way).
    #[cfg(test)]
    protected: bool,
}

// SAFETY: `Locked<T>` owns its `T` like a `Box<T>` does.
unsafe impl<T: Send> Send for Locked<T> {}
// SAFETY: shared access only hands out `&T`.
unsafe impl<T: Sync> Sync for Locked<T> {}

impl<T> Locked<T> {
    /// Moves `value` onto pages of its own and protects them.
    pub(crate) fn new(value: T) -> Self {
        let page = platform::page_size();
        let size = size_of::<T>().max(1).next_multiple_of(page);
        let layout = Layout::from_size_align(size, page.max(align_of::<T>()))
            .expect("a page-aligned layout of a few pages is valid");
        // SAFETY: `layout` has a non-zero size.
        let raw = unsafe { alloc::alloc_zeroed(layout) }.cast::<T>();
        let Some(ptr) = NonNull::new(raw) else {
            alloc::handle_alloc_error(layout)
        };
        // SAFETY: the pages are ours, `size` long, page-aligned and not yet in use.
        let _protected = unsafe { platform::protect(raw.cast(), size) };
        // SAFETY: `ptr` is valid for writes and aligned for `T`.
        unsafe { ptr.as_ptr().write(value) };
        Locked {
            ptr,
            layout,
            #[cfg(test)]
            protected: _protected,
        }
    }

    /// Whether the pages are both locked in memory and left out of core dumps.
    #[cfg(test)]
    fn is_protected(&self) -> bool {
        self.protected
    }
}

impl<T> Deref for Locked<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `ptr` holds an initialized `T` until `drop`.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> DerefMut for Locked<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` is unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> Drop for Locked<T> {
    fn drop(&mut self) {
        let raw = self.ptr.as_ptr().cast::<u8>();
        // SAFETY: the `T` is initialized and dropped exactly once, here; afterwards the
        // pages are plain bytes of ours, zeroed, unprotected and freed with their layout.
        unsafe {
            std::ptr::drop_in_place(self.ptr.as_ptr());
            std::slice::from_raw_parts_mut(raw, self.layout.size()).zeroize();
            platform::unprotect(raw.cast(), self.layout.size());
            alloc::dealloc(raw, self.layout);
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod platform {
    use std::ffi::c_void;

    use rustix::mm::{Advice, madvise, mlock, munlock};

    pub fn page_size() -> usize {
        rustix::param::page_size()
    }

    /// Locks the pages and leaves them out of core dumps; `true` when both worked.
    ///
    /// # Safety
    /// `ptr..ptr+len` must be whole pages owned by the caller.
    pub unsafe fn protect(ptr: *mut c_void, len: usize) -> bool {
        // SAFETY: per this function's contract.
        let no_dump = unsafe { madvise(ptr, len, Advice::LinuxDontDump) }.is_ok();
        // SAFETY: per this function's contract.
        let locked = unsafe { mlock(ptr, len) }.is_ok();
        no_dump && locked
    }

    /// Undoes [`protect`] before the pages go back to the allocator.
    ///
    /// # Safety
    /// As for [`protect`].
    pub unsafe fn unprotect(ptr: *mut c_void, len: usize) {
        // SAFETY: per this function's contract. Failures leave the pages locked or out of
        // dumps, which harms nothing.
        unsafe {
            let _ = munlock(ptr, len);
            let _ = madvise(ptr, len, Advice::LinuxDoDump);
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod platform {
    use std::ffi::c_void;

    pub fn page_size() -> usize {
        4096
    }

    pub unsafe fn protect(_ptr: *mut c_void, _len: usize) -> bool {
        false
    }

    pub unsafe fn unprotect(_ptr: *mut c_void, _len: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `VmFlags` of the mapping of `/proc/self/smaps` that holds `address`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn vm_flags(address: usize) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((start, end)) = range.split_once('-')
                && let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                )
            {
                inside = (start..end).contains(&address);
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return flags.split_whitespace().map(str::to_owned).collect();
            }
        }
        panic!("no mapping holds {address:#x}");
    }

    #[test]
    fn the_value_is_kept_and_dropped_once() {
        let drops = std::rc::Rc::new(());
        let mut locked = Locked::new(([7u8; 32], drops.clone()));
        assert_eq!(locked.0, [7; 32]);
        locked.0[0] = 9;
        assert_eq!(locked.0[0], 9);
        assert_eq!(std::rc::Rc::strong_count(&drops), 2);
        drop(locked);
        assert_eq!(std::rc::Rc::strong_count(&drops), 1);
    }

    /// Issue 12 finding 5: key pages are locked (`lo`: never swapped) and left out of core
    /// dumps (`dd`), as the kernel itself reports them. Where `RLIMIT_MEMLOCK` allows no
    /// locking at all the test says so instead of failing.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn key_pages_are_locked_and_left_out_of_core_dumps() {
        let key = Locked::new(zeroize::Zeroizing::new([0x5au8; 32]));
        let address = key.ptr.as_ptr() as usize;
        assert_eq!(address % platform::page_size(), 0, "page-aligned");
        let flags = vm_flags(address);
        assert!(flags.iter().any(|f| f == "dd"), "{flags:?}");
        if key.is_protected() {
            assert!(flags.iter().any(|f| f == "lo"), "{flags:?}");
        } else {
            eprintln!("mlock refused (RLIMIT_MEMLOCK?): flags {flags:?}");
        }
        assert_eq!(**key, [0x5a; 32]);
    }
}
