//! Where the vault lives and how it is written: atomically, with the previous generation
//! kept, under a lock that keeps the app and the CLI from writing at once.
//!
//! A save writes `vault.tmp`, fsyncs it, hard-links the current `vault` to `vault.bak`
//! (through `vault.bak.tmp`, so `vault.bak` is always whole), renames `vault.tmp` over
//! `vault` and fsyncs the folder. At every instant `vault` holds either the old or the new
//! generation. Writers hold an exclusive lock on `vault.lock`, readers a shared one.
//!
//! A re-key (a password set, changed or removed) makes `vault.bak` a copy of the new
//! generation instead, so no file on disk still opens with the old password. `vault.tmp`
//! is created new (0600), never through a symbolic link, and a folder other users can
//! write to is refused.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::error::VaultError;

/// Environment variable naming the folder that holds the vault.
pub const HOME_ENV: &str = "SESAME_HOME";
/// How long to wait for another process's lock by default.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(10);

/// The files of one vault folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultPaths {
    /// The folder.
    pub dir: PathBuf,
    /// The vault itself.
    pub vault: PathBuf,
    /// The previous generation.
    pub backup: PathBuf,
    /// Where a save is written before it replaces the vault.
    pub temp: PathBuf,
    /// The lock file.
    pub lock: PathBuf,
}

impl VaultPaths {
    /// The files in `dir`.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        VaultPaths {
            vault: dir.join("vault"),
            backup: dir.join("vault.bak"),
            temp: dir.join("vault.tmp"),
            lock: dir.join("vault.lock"),
            dir,
        }
    }

    /// `$SESAME_HOME`, else the platform data folder (`~/.local/share/sesame` on Linux).
    /// The CLI and the app share it.
    pub fn default_location() -> Result<Self, VaultError> {
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::in_dir(PathBuf::from(home)));
        }
        let dirs =
            directories::ProjectDirs::from("", "", "sesame").ok_or_else(|| VaultError::Io {
                action: "find a data folder for",
                path: PathBuf::from("the vault"),
                source: std::io::Error::other(format!("no home folder is known; set {HOME_ENV}")),
            })?;
        Ok(Self::in_dir(dirs.data_dir()))
    }

    /// Creates the folder (0700 on Unix) if needed. An existing folder that other users
    /// can write to is refused ([`VaultError::UnsafeFolder`]): they could swap the files in it.
    pub fn create_dir(&self) -> Result<(), VaultError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir).map_err(|source| VaultError::Io {
            action: "create the folder",
            path: self.dir.clone(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&self.dir)
                .map_err(io("inspect the folder", &self.dir))?
                .permissions()
                .mode();
            if mode & 0o022 != 0 {
                return Err(VaultError::UnsafeFolder {
                    path: self.dir.clone(),
                    mode: mode & 0o7777,
                });
            }
        }
        Ok(())
    }
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> VaultError {
    let path = path.to_owned();
    move |source| VaultError::Io {
        action,
        path,
        source,
    }
}

/// Reads the vault file, or `NotFound`.
pub fn read_vault(paths: &VaultPaths) -> Result<Vec<u8>, VaultError> {
    match fs::read(&paths.vault) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(VaultError::NotFound {
            path: paths.vault.clone(),
        }),
        Err(e) => Err(io("read", &paths.vault)(e)),
    }
}

/// What becomes of `vault.bak` when the vault is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backup {
    /// `vault.bak` becomes the generation being replaced (every ordinary save).
    KeepPrevious,
    /// `vault.bak` becomes a copy of the new generation: after a re-key (a password set,
    /// changed or removed) no file is left that opens with the old password.
    SameAsNew,
}

/// Replaces the vault with `bytes` atomically; `backup` says what `vault.bak` holds after.
/// The caller must hold the exclusive lock.
pub fn write_vault(paths: &VaultPaths, bytes: &[u8], backup: Backup) -> Result<(), VaultError> {
    write_new_private(&paths.temp, bytes)?;
    match backup {
        Backup::KeepPrevious => {
            if paths.vault.exists() {
                keep_previous_generation(paths)?;
            }
        }
        Backup::SameAsNew => {
            // The backup first: if we stop between the two renames, the vault is still the
            // old generation (the change did not happen) and nothing opens with a password
            // the vault no longer has once it did.
            let staging = paths.dir.join("vault.bak.tmp");
            write_new_private(&staging, bytes)?;
            fs::rename(&staging, &paths.backup).map_err(io("back up", &paths.backup))?;
            sync_dir(&paths.dir)?;
        }
    }
    fs::rename(&paths.temp, &paths.vault).map_err(io("replace", &paths.vault))?;
    sync_dir(&paths.dir)
}

/// Writes `bytes` to a new file at `path` (0600 on Unix) and flushes it. A regular file
/// left there by an interrupted save is removed first; anything else (a symbolic link, a
/// folder) is refused with [`VaultError::UnsafeFile`] and left alone: the file is created
/// with `create_new`, which never follows a link.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => {
            fs::remove_file(path).map_err(io("remove the leftover", path))?;
        }
        Ok(_) => {
            return Err(VaultError::UnsafeFile {
                path: path.to_owned(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("inspect", path)(e)),
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            // Something appeared there since we looked: not ours.
            VaultError::UnsafeFile {
                path: path.to_owned(),
            }
        } else {
            io("write", path)(e)
        }
    })?;
    file.write_all(bytes).map_err(io("write", path))?;
    file.sync_all().map_err(io("flush", path))
}

fn keep_previous_generation(paths: &VaultPaths) -> Result<(), VaultError> {
    let staging = paths.dir.join("vault.bak.tmp");
    let _ = fs::remove_file(&staging);
    if fs::hard_link(&paths.vault, &staging).is_err() {
        // File systems without hard links: copy, then flush the copy.
        let bytes = fs::read(&paths.vault).map_err(io("back up", &paths.vault))?;
        write_new_private(&staging, &bytes)?;
    }
    fs::rename(&staging, &paths.backup).map_err(io("back up", &paths.backup))
}

/// Flushes a folder's entries (the renames) to disk. A no-op where folders can't be opened.
fn sync_dir(dir: &Path) -> Result<(), VaultError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io("flush the folder", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Shared (readers) or exclusive (writers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Many readers at once.
    Shared,
    /// One writer, no readers.
    Exclusive,
}

/// A held lock on `vault.lock`; released when dropped.
#[derive(Debug)]
pub struct VaultLock {
    _file: File,
    /// How it is held.
    pub mode: LockMode,
}

/// Takes the vault lock, waiting up to `wait` for another process to let go; then fails
/// with [`VaultError::Locked`] naming the holder.
pub fn lock(paths: &VaultPaths, mode: LockMode, wait: Duration) -> Result<VaultLock, VaultError> {
    paths.create_dir()?;
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&paths.lock).map_err(io("open", &paths.lock))?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        let attempt = match mode {
            LockMode::Shared => file.try_lock_shared(),
            LockMode::Exclusive => file.try_lock(),
        };
        match attempt {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(VaultError::Locked {
                    holder: read_holder(&mut file),
                    waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io("lock", &paths.lock)(e)),
        }
    }
    if mode == LockMode::Exclusive {
        // Say who we are, for anyone who has to wait for us.
        let me = format!(
            "process {} ({})",
            std::process::id(),
            std::env::args().next().unwrap_or_else(|| "sesame".into())
        );
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = file.write_all(me.as_bytes());
    }
    Ok(VaultLock { _file: file, mode })
}

fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind();
    let _ = file.take(256).read_to_string(&mut text);
    let text = text.trim();
    if text.is_empty() {
        "another process".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_keep_the_previous_generation() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("v"));
        paths.create_dir().unwrap();
        assert!(matches!(
            read_vault(&paths),
            Err(VaultError::NotFound { .. })
        ));
        write_vault(&paths, b"one", Backup::KeepPrevious).unwrap();
        assert!(!paths.backup.exists());
        write_vault(&paths, b"two", Backup::KeepPrevious).unwrap();
        write_vault(&paths, b"three", Backup::KeepPrevious).unwrap();
        assert_eq!(read_vault(&paths).unwrap(), b"three");
        assert_eq!(fs::read(&paths.backup).unwrap(), b"two");
        assert!(!paths.temp.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&paths.vault).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dir_mode = fs::metadata(&paths.dir).unwrap().permissions().mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
    }

    #[test]
    fn a_re_key_leaves_the_new_generation_as_the_backup() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path());
        write_vault(&paths, b"one", Backup::KeepPrevious).unwrap();
        write_vault(&paths, b"two", Backup::KeepPrevious).unwrap();
        write_vault(&paths, b"rekeyed", Backup::SameAsNew).unwrap();
        assert_eq!(read_vault(&paths).unwrap(), b"rekeyed");
        assert_eq!(fs::read(&paths.backup).unwrap(), b"rekeyed");
        write_vault(&paths, b"after", Backup::KeepPrevious).unwrap();
        assert_eq!(fs::read(&paths.backup).unwrap(), b"rekeyed");
        assert!(!paths.temp.exists());
        assert!(!dir.path().join("vault.bak.tmp").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_temp_file_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("v"));
        paths.create_dir().unwrap();
        write_vault(&paths, b"one", Backup::KeepPrevious).unwrap();
        let other = dir.path().join("other");
        fs::write(&other, b"precious").unwrap();
        std::os::unix::fs::symlink(&other, &paths.temp).unwrap();
        for backup in [Backup::KeepPrevious, Backup::SameAsNew] {
            let err = write_vault(&paths, b"two", backup).unwrap_err();
            assert!(
                matches!(&err, VaultError::UnsafeFile { path } if *path == paths.temp),
                "{err:?}"
            );
            assert_eq!(fs::read(&other).unwrap(), b"precious");
            assert_eq!(read_vault(&paths).unwrap(), b"one");
        }
        // A dangling link is refused too (create_new never follows it).
        fs::remove_file(&other).unwrap();
        assert!(matches!(
            write_vault(&paths, b"two", Backup::KeepPrevious),
            Err(VaultError::UnsafeFile { .. })
        ));
        assert!(!other.exists());
        // A regular file left by an interrupted save is replaced.
        fs::remove_file(&paths.temp).unwrap();
        fs::write(&paths.temp, b"half a vault").unwrap();
        write_vault(&paths, b"two", Backup::KeepPrevious).unwrap();
        assert_eq!(read_vault(&paths).unwrap(), b"two");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_others_can_write_to_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("v"));
        paths.create_dir().unwrap();
        for loose in [0o770, 0o707, 0o1777] {
            fs::set_permissions(&paths.dir, fs::Permissions::from_mode(loose)).unwrap();
            let err = lock(&paths, LockMode::Shared, Duration::ZERO).unwrap_err();
            assert!(
                matches!(&err, VaultError::UnsafeFolder { path, mode } if *path == paths.dir && *mode == loose),
                "{err:?}"
            );
        }
        fs::set_permissions(&paths.dir, fs::Permissions::from_mode(0o755)).unwrap();
        lock(&paths, LockMode::Shared, Duration::ZERO).unwrap();
    }

    #[test]
    fn an_exclusive_lock_blocks_others_and_names_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path());
        let held = lock(&paths, LockMode::Exclusive, Duration::ZERO).unwrap();
        let err = lock(&paths, LockMode::Shared, Duration::from_millis(30)).unwrap_err();
        match err {
            VaultError::Locked { holder, waited_ms } => {
                assert!(holder.contains(&std::process::id().to_string()), "{holder}");
                assert!(waited_ms >= 30);
            }
            other => panic!("{other:?}"),
        }
        drop(held);
        let a = lock(&paths, LockMode::Shared, Duration::ZERO).unwrap();
        let b = lock(&paths, LockMode::Shared, Duration::ZERO).unwrap();
        assert!(lock(&paths, LockMode::Exclusive, Duration::from_millis(5)).is_err());
        drop((a, b));
        lock(&paths, LockMode::Exclusive, Duration::ZERO).unwrap();
    }

    #[test]
    fn sesame_home_wins() {
        // Only checks the folder layout; the environment is process-wide, so no set_var here.
        let paths = VaultPaths::in_dir("/x/y");
        assert_eq!(paths.vault, PathBuf::from("/x/y/vault"));
        assert_eq!(paths.backup, PathBuf::from("/x/y/vault.bak"));
    }
}
