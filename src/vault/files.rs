//! Where the vault lives and how it is written: atomically, with the previous generation
//! kept, under a lock that keeps the app and the CLI from writing at once.
//!
//! A save writes `vault.tmp`, fsyncs it, hard-links the current `vault` to `vault.bak`
//! (through `vault.bak.tmp`, so `vault.bak` is always whole), renames `vault.tmp` over
//! `vault` and fsyncs the folder. At every instant `vault` holds either the old or the new
//! generation. Writers hold an exclusive lock on `vault.lock`, readers a shared one.

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

    /// Creates the folder (0700 on Unix) if needed.
    pub fn create_dir(&self) -> Result<(), VaultError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir).map_err(|source| VaultError::Io {
            action: "create the folder",
            path: self.dir.clone(),
            source,
        })
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

/// Replaces the vault with `bytes` atomically, keeping the current one as `vault.bak`.
/// The caller must hold the exclusive lock.
pub fn write_vault(paths: &VaultPaths, bytes: &[u8]) -> Result<(), VaultError> {
    {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut temp = options
            .open(&paths.temp)
            .map_err(io("write", &paths.temp))?;
        temp.write_all(bytes).map_err(io("write", &paths.temp))?;
        temp.sync_all().map_err(io("flush", &paths.temp))?;
    }
    if paths.vault.exists() {
        keep_previous_generation(paths)?;
    }
    fs::rename(&paths.temp, &paths.vault).map_err(io("replace", &paths.vault))?;
    sync_dir(&paths.dir)
}

fn keep_previous_generation(paths: &VaultPaths) -> Result<(), VaultError> {
    let staging = paths.dir.join("vault.bak.tmp");
    let _ = fs::remove_file(&staging);
    if fs::hard_link(&paths.vault, &staging).is_err() {
        // File systems without hard links: copy, then flush the copy.
        fs::copy(&paths.vault, &staging).map_err(io("back up", &paths.vault))?;
        File::open(&staging)
            .and_then(|f| f.sync_all())
            .map_err(io("flush", &staging))?;
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
        write_vault(&paths, b"one").unwrap();
        assert!(!paths.backup.exists());
        write_vault(&paths, b"two").unwrap();
        write_vault(&paths, b"three").unwrap();
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
