//! The clipboard: copying a code marked to stay out of clipboard histories, and clearing
//! it later (after the configured time, on lock, on quit) only if the clipboard still
//! holds what Sesame put there, so text the user copied meanwhile is left alone.
//!
//! Sesame remembers a salted SHA-256 of what it copied, never the code itself.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// The system clipboard, as Sesame uses it (a real one in the app, a fake in unit tests).
pub trait Board: Send + Sync {
    /// The text on the clipboard, if it holds text.
    fn read_text(&self) -> Option<String>;
    /// Puts `text` there, marked (where the platform has a way) to stay out of clipboard
    /// histories and cloud clipboards.
    fn write_secret(&self, text: &str) -> Result<(), String>;
    /// Empties the clipboard.
    fn clear(&self) -> Result<(), String>;
    /// Replaces the text with a single space, for a clipboard manager that ignores empty
    /// text, waiting (briefly) until the manager has taken it.
    fn write_placeholder(&self) -> Result<(), String>;
}

/// How long a clipboard manager gets to take back text after the clipboard was emptied.
const SETTLE: Duration = Duration::from_millis(300);

/// A salted hash of something Sesame copied: enough to recognise it, not to recover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

/// What Sesame copied last, and the clipboard to check it against.
pub struct Clipboard {
    board: OnceLock<Box<dyn Board>>,
    /// Random per process, so a fingerprint of a six-digit code is not a lookup table away.
    salt: [u8; 32],
    ours: Mutex<Option<Fingerprint>>,
}

impl Default for Clipboard {
    fn default() -> Self {
        let mut salt = [0u8; 32];
        // Without OS randomness the salt is zero: the hash still hides the code from a
        // casual look, and nothing else depends on it.
        let _ = getrandom::fill(&mut salt);
        Clipboard {
            board: OnceLock::new(),
            salt,
            ours: Mutex::new(None),
        }
    }
}

impl Clipboard {
    /// Connects the system clipboard (once, at start-up).
    pub fn connect(&self, board: Box<dyn Board>) {
        let _ = self.board.set(board);
    }

    fn fingerprint(&self, text: &str) -> Fingerprint {
        let mut hash = Sha256::new();
        hash.update(self.salt);
        hash.update(text.as_bytes());
        Fingerprint(hash.finalize().into())
    }

    fn ours(&self) -> std::sync::MutexGuard<'_, Option<Fingerprint>> {
        self.ours.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Copies `text` and remembers that it was Sesame's.
    pub fn copy(&self, text: &str) -> AppResult<Fingerprint> {
        let board = self
            .board
            .get()
            .ok_or_else(|| AppError::internal("There is no clipboard to copy to."))?;
        board
            .write_secret(text)
            .map_err(|e| AppError::internal(format!("Could not copy to the clipboard: {e}.")))?;
        let fingerprint = self.fingerprint(text);
        *self.ours() = Some(fingerprint);
        Ok(fingerprint)
    }

    /// Clears the clipboard if it still holds what Sesame copied last (and, with `only`,
    /// only if that is this copy). Returns whether it cleared.
    pub fn clear_if_ours(&self, only: Option<Fingerprint>) -> bool {
        let mut ours = self.ours();
        let Some(copied) = *ours else {
            return false;
        };
        if only.is_some_and(|o| o != copied) {
            return false;
        }
        let Some(board) = self.board.get() else {
            return false;
        };
        // Whatever happens now, Sesame no longer claims what is on the clipboard.
        *ours = None;
        let holds_ours = |board: &dyn Board| {
            board
                .read_text()
                .is_some_and(|text| self.fingerprint(&text) == copied)
        };
        if !holds_ours(board.as_ref()) {
            return false;
        }
        let _ = board.clear();
        // A clipboard manager that keeps the last text (xclipboard, parcellite) takes it
        // back when its owner lets go, and ignores an empty one: a space replaces the code.
        let step = SETTLE / 6;
        for _ in 0..6 {
            if holds_ours(board.as_ref()) {
                let _ = board.write_placeholder();
                break;
            }
            std::thread::sleep(step);
        }
        true
    }
}

/// The desktop clipboard (arboard): X11 and Wayland, macOS, Windows.
#[cfg(desktop)]
pub struct SystemBoard(Mutex<arboard::Clipboard>);

#[cfg(desktop)]
impl SystemBoard {
    /// Connects to the display's clipboard.
    pub fn open() -> Result<Self, String> {
        arboard::Clipboard::new()
            .map(|c| SystemBoard(Mutex::new(c)))
            .map_err(|e| e.to_string())
    }

    fn with<T>(&self, f: impl FnOnce(&mut arboard::Clipboard) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(desktop)]
impl Board for SystemBoard {
    fn read_text(&self) -> Option<String> {
        self.with(|c| c.get_text().ok())
    }

    fn write_secret(&self, text: &str) -> Result<(), String> {
        // Linux (X11, Wayland): the `x-kde-passwordManagerHint` type that KDE's Klipper and
        // most history managers honour; macOS: `org.nspasteboard.ConcealedType`; Windows:
        // out of clipboard history, cloud clipboard and monitoring.
        #[cfg(target_os = "macos")]
        use arboard::SetExtApple;
        #[cfg(target_os = "linux")]
        use arboard::SetExtLinux;
        #[cfg(windows)]
        use arboard::SetExtWindows;
        self.with(|c| {
            let set = c.set();
            #[cfg(any(target_os = "linux", target_os = "macos", windows))]
            let set = set.exclude_from_history();
            set.text(text.to_owned()).map_err(|e| e.to_string())
        })
    }

    fn clear(&self) -> Result<(), String> {
        self.with(|c| c.clear().map_err(|e| e.to_string()))
    }

    fn write_placeholder(&self) -> Result<(), String> {
        #[cfg(target_os = "linux")]
        use arboard::SetExtLinux;
        self.with(|c| {
            let set = c.set();
            // X11: serve it until the manager has taken it, so quitting right after
            // does not leave the manager nothing to take (and the code to fall back to).
            #[cfg(target_os = "linux")]
            let set = set
                .exclude_from_history()
                .wait_until(std::time::Instant::now() + Duration::from_secs(1));
            set.text(" ").map_err(|e| e.to_string())
        })
    }
}

/// The phones' clipboard (the Tauri plugin; it has no way to mark a copy sensitive).
#[cfg(mobile)]
pub struct SystemBoard(tauri::AppHandle);

#[cfg(mobile)]
impl SystemBoard {
    /// The plugin's clipboard.
    pub fn open(app: tauri::AppHandle) -> Self {
        SystemBoard(app)
    }
}

#[cfg(mobile)]
impl Board for SystemBoard {
    fn read_text(&self) -> Option<String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0.clipboard().read_text().ok()
    }

    fn write_secret(&self, text: &str) -> Result<(), String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0
            .clipboard()
            .write_text(text.to_owned())
            .map_err(|e| e.to_string())
    }

    fn clear(&self) -> Result<(), String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0.clipboard().clear().map_err(|e| e.to_string())
    }

    fn write_placeholder(&self) -> Result<(), String> {
        self.write_secret(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A clipboard in memory that, like a clipboard manager, may keep the text when told
    /// to clear.
    #[derive(Default, Clone)]
    struct Fake {
        text: Arc<Mutex<Option<String>>>,
        keeps_text_on_clear: bool,
    }

    impl Fake {
        fn text(&self) -> Option<String> {
            self.text.lock().unwrap().clone()
        }
        fn user_copies(&self, text: &str) {
            *self.text.lock().unwrap() = Some(text.to_owned());
        }
    }

    impl Board for Fake {
        fn read_text(&self) -> Option<String> {
            self.text()
        }
        fn write_secret(&self, text: &str) -> Result<(), String> {
            self.user_copies(text);
            Ok(())
        }
        fn clear(&self) -> Result<(), String> {
            if !self.keeps_text_on_clear {
                *self.text.lock().unwrap() = None;
            }
            Ok(())
        }
        fn write_placeholder(&self) -> Result<(), String> {
            self.user_copies(" ");
            Ok(())
        }
    }

    fn connected(fake: &Fake) -> Clipboard {
        let clipboard = Clipboard::default();
        clipboard.connect(Box::new(fake.clone()));
        clipboard
    }

    #[test]
    fn a_code_still_on_the_clipboard_is_cleared() {
        let fake = Fake::default();
        let clipboard = connected(&fake);
        clipboard.copy("123456").unwrap();
        assert!(clipboard.clear_if_ours(None));
        assert_eq!(fake.text(), None);
    }

    #[test]
    fn text_the_user_copied_after_the_code_is_left_alone() {
        let fake = Fake::default();
        let clipboard = connected(&fake);
        clipboard.copy("123456").unwrap();
        fake.user_copies("my own note");
        assert!(!clipboard.clear_if_ours(None));
        assert_eq!(fake.text().as_deref(), Some("my own note"));
    }

    #[test]
    fn the_user_copying_the_same_code_later_is_not_ours_once_sesame_let_go() {
        let fake = Fake::default();
        let clipboard = connected(&fake);
        clipboard.copy("123456").unwrap();
        assert!(clipboard.clear_if_ours(None));
        fake.user_copies("123456");
        assert!(
            !clipboard.clear_if_ours(None),
            "nothing is Sesame's any more"
        );
        assert_eq!(fake.text().as_deref(), Some("123456"));
    }

    #[test]
    fn a_timer_of_an_earlier_copy_does_not_clear_a_later_one() {
        let fake = Fake::default();
        let clipboard = connected(&fake);
        let first = clipboard.copy("111111").unwrap();
        clipboard.copy("222222").unwrap();
        assert!(!clipboard.clear_if_ours(Some(first)));
        assert_eq!(fake.text().as_deref(), Some("222222"));
        assert!(clipboard.clear_if_ours(None));
    }

    #[test]
    fn a_manager_that_keeps_the_text_gets_a_space_instead_of_the_code() {
        let fake = Fake {
            keeps_text_on_clear: true,
            ..Fake::default()
        };
        let clipboard = connected(&fake);
        clipboard.copy("123456").unwrap();
        assert!(clipboard.clear_if_ours(None));
        assert_eq!(fake.text().as_deref(), Some(" "));
    }

    #[test]
    fn what_is_remembered_is_a_salted_hash_not_the_code() {
        let clipboard = Clipboard::default();
        let other = Clipboard::default();
        let a = clipboard.fingerprint("123456");
        assert_eq!(a, clipboard.fingerprint("123456"));
        assert_ne!(
            a,
            other.fingerprint("123456"),
            "each process has its own salt"
        );
        assert!(!format!("{a:?}").contains("123456"));
    }
}
