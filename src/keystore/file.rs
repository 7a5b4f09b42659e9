//! The file keystore (`file:PATH`), for headless machines without an OS keystore.
//!
//! One small text file holds the secrets of several vaults:
//!
//! ```text
//! sesame-keystore 1
//! # comments
//! <vault id> <secret as 64 lower-case hex digits> [<newest generation saved>]
//! ```
//!
//! The generation (decimal) is absent in lines written before Sesame recorded it.
//!
//! It is created with mode 0600 (its folder 0700), refused when its permissions are looser,
//! and replaced atomically on every change (temporary file, fsync, rename, fsync of the
//! folder) under an exclusive lock on `PATH.lock`, so concurrent writers cannot lose
//! entries. Anyone who can read the file holds the device half of every vault key in it:
//! the binding is only as strong as the file.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use data_encoding::{HEXLOWER, HEXLOWER_PERMISSIVE};
use zeroize::Zeroizing;

use super::{
    DEVICE_SECRET_LEN, DeviceSecret, Keystore, KeystoreEntry, KeystoreError, check_vault_id,
};

const HEADER: &str = "sesame-keystore";
const VERSION: u32 = 1;
const COMMENT: &str = "\
# Sesame device keys: <vault id> <device secret>, one vault per line.
# Keep this file private (chmod 600). Anyone who can read it can open a copy of
# these vaults elsewhere (with the vault password, when one is set).
";
/// Far more than any real keystore file; a larger one is refused unread.
const MAX_FILE_LEN: u64 = 1 << 20;

type Entries = BTreeMap<String, KeystoreEntry>;

/// Device secrets in a private file. See the module documentation for the format.
#[derive(Debug, Clone)]
pub struct FileKeystore {
    path: PathBuf,
}

impl FileKeystore {
    /// A keystore in the file at `path`; nothing is read or created until first use.
    pub fn new(path: PathBuf) -> Self {
        FileKeystore { path }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_error(&self, source: io::Error) -> KeystoreError {
        KeystoreError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// The file's folder and name; an error when `path` names no file.
    fn split_path(&self) -> Result<(PathBuf, &std::ffi::OsStr), KeystoreError> {
        let name = self.path.file_name().ok_or_else(|| {
            self.io_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "this names a folder, not a file",
            ))
        })?;
        let folder = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok((folder, name))
    }

    /// All entries, or `None` when the file does not exist.
    fn read(&self) -> Result<Option<Entries>, KeystoreError> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io_error(e)),
        };
        let metadata = file.metadata().map_err(|e| self.io_error(e))?;
        if !metadata.is_file() {
            return Err(self.io_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "this is not a regular file",
            )));
        }
        check_permissions(&self.path, &metadata)?;
        if metadata.len() > MAX_FILE_LEN {
            return Err(self.corrupt(None, "the file is far too large to be a keystore"));
        }
        // Sized up front so the buffer holding secrets is not reallocated (and copied).
        let mut bytes = Zeroizing::new(Vec::with_capacity(metadata.len() as usize + 1));
        file.take(MAX_FILE_LEN + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_error(e))?;
        if bytes.len() as u64 > MAX_FILE_LEN {
            return Err(self.corrupt(None, "the file is far too large to be a keystore"));
        }
        self.parse(&bytes).map(Some)
    }

    fn parse(&self, bytes: &[u8]) -> Result<Entries, KeystoreError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| self.corrupt(None, "the file is not text (was it overwritten?)"))?;
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.trim()))
            .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));

        let Some((number, header)) = lines.next() else {
            return Err(self.corrupt(None, "the file is empty"));
        };
        match header.split_ascii_whitespace().collect::<Vec<_>>()[..] {
            [HEADER, version] => match version.parse::<u32>() {
                Ok(VERSION) => {}
                Ok(version) => {
                    return Err(KeystoreError::UnsupportedFormat {
                        path: self.path.clone(),
                        version,
                    });
                }
                Err(_) => {
                    return Err(self.corrupt(Some(number), "the format version is unreadable"));
                }
            },
            _ => {
                return Err(self.corrupt(
                    Some(number),
                    "it does not start with `sesame-keystore 1` (is this the right file?)",
                ));
            }
        }

        let mut entries = Entries::new();
        for (number, line) in lines {
            let mut fields = line.split_ascii_whitespace();
            let (Some(id), Some(hex), generation, None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(self.corrupt(
                    Some(number),
                    "expected a vault id, a secret and a generation separated by spaces",
                ));
            };
            if check_vault_id(id).is_err() {
                return Err(self.corrupt(Some(number), "the vault id is not lower-case hex"));
            }
            let secret = decode_secret(hex)
                .ok_or_else(|| self.corrupt(Some(number), "the secret is not 64 hex digits"))?;
            let generation = match generation {
                None => None,
                Some(text) => Some(text.parse::<u64>().map_err(|_| {
                    self.corrupt(Some(number), "the generation is not a whole number")
                })?),
            };
            let entry = KeystoreEntry { secret, generation };
            if entries.insert(id.to_owned(), entry).is_some() {
                return Err(self.corrupt(Some(number), "this vault id appears twice"));
            }
        }
        Ok(entries)
    }

    fn corrupt(&self, line: Option<usize>, reason: &str) -> KeystoreError {
        let location = match line {
            Some(line) => format!("the keystore file {}, line {line},", self.path.display()),
            None => format!("the keystore file {}", self.path.display()),
        };
        KeystoreError::Corrupt {
            location,
            reason: reason.to_owned(),
        }
    }

    /// Replaces the file with `entries`: temporary file, fsync, rename, fsync of the folder.
    fn write(&self, entries: &Entries) -> Result<(), KeystoreError> {
        let (folder, name) = self.split_path()?;
        let mut content = Zeroizing::new(String::with_capacity(
            HEADER.len()
                + 8
                + COMMENT.len()
                + entries
                    .keys()
                    .map(|id| id.len() + 3 + 2 * DEVICE_SECRET_LEN + 20)
                    .sum::<usize>(),
        ));
        content.push_str(HEADER);
        content.push(' ');
        content.push_str(&VERSION.to_string());
        content.push('\n');
        content.push_str(COMMENT);
        for (id, entry) in entries {
            content.push_str(id);
            content.push(' ');
            HEXLOWER.encode_append(entry.secret.as_bytes(), &mut content);
            if let Some(generation) = entry.generation {
                content.push(' ');
                content.push_str(&generation.to_string());
            }
            content.push('\n');
        }

        let mut suffix = [0u8; 6];
        getrandom::fill(&mut suffix).map_err(|e| KeystoreError::Random {
            reason: e.to_string(),
        })?;
        let temp = folder.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            HEXLOWER.encode(&suffix)
        ));
        let result = write_new_private(&temp, content.as_bytes())
            .and_then(|()| fs::rename(&temp, &self.path))
            .and_then(|()| sync_folder(&folder));
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result.map_err(|e| self.io_error(e))
    }

    /// Creates the folder (0700) and takes the exclusive writer lock on `PATH.lock`.
    fn lock(&self) -> Result<File, KeystoreError> {
        let (folder, name) = self.split_path()?;
        create_private_folder(&folder).map_err(|source| KeystoreError::Io {
            path: folder.clone(),
            source,
        })?;
        let mut lock_name = name.to_os_string();
        lock_name.push(".lock");
        let lock_path = folder.join(lock_name);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let lock_error = |source| KeystoreError::Io {
            path: lock_path.clone(),
            source,
        };
        let file = options.open(&lock_path).map_err(lock_error)?;
        file.lock().map_err(lock_error)?;
        Ok(file)
    }
}

impl Keystore for FileKeystore {
    fn describe(&self) -> String {
        format!(
            "the file {} (0600; weaker than a system keystore: the vault binding is only as strong as that file)",
            self.path.display()
        )
    }

    fn load_entry(&self, vault_id: &str) -> Result<Option<KeystoreEntry>, KeystoreError> {
        check_vault_id(vault_id)?;
        Ok(self
            .read()?
            .and_then(|mut entries| entries.remove(vault_id)))
    }

    fn store_entry(&self, vault_id: &str, entry: &KeystoreEntry) -> Result<(), KeystoreError> {
        check_vault_id(vault_id)?;
        let _lock = self.lock()?;
        let mut entries = self.read()?.unwrap_or_default();
        if entries.get(vault_id) == Some(entry) {
            return Ok(());
        }
        entries.insert(vault_id.to_owned(), entry.clone());
        self.write(&entries)
    }

    fn delete(&self, vault_id: &str) -> Result<(), KeystoreError> {
        check_vault_id(vault_id)?;
        if !self.path.exists() {
            return Ok(());
        }
        let _lock = self.lock()?;
        let Some(mut entries) = self.read()? else {
            return Ok(());
        };
        if entries.remove(vault_id).is_none() {
            return Ok(());
        }
        self.write(&entries)
    }
}

fn decode_secret(hex: &str) -> Option<DeviceSecret> {
    if hex.len() != 2 * DEVICE_SECRET_LEN {
        return None;
    }
    let mut bytes = Zeroizing::new([0u8; DEVICE_SECRET_LEN]);
    HEXLOWER_PERMISSIVE
        .decode_mut(hex.as_bytes(), bytes.as_mut())
        .ok()?;
    DeviceSecret::from_slice(bytes.as_ref())
}

/// Refuses a file that its group or other users may read or write.
#[cfg(unix)]
fn check_permissions(path: &Path, metadata: &fs::Metadata) -> Result<(), KeystoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeystoreError::InsecurePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

/// Not checked off Unix: Windows ACLs do not map to mode bits, and a file under the user's
/// profile is private to that user by default.
#[cfg(not(unix))]
fn check_permissions(_path: &Path, _metadata: &fs::Metadata) -> Result<(), KeystoreError> {
    Ok(())
}

fn create_private_folder(folder: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

/// Writes `bytes` to a new file (mode 0600) and flushes it to disk.
fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename in `folder` durable.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

/// Windows offers no portable way to flush a folder; the rename is already atomic.
#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef";
    const B: &str = "fedcba9876543210fedcba9876543210";

    fn keystore() -> (tempfile::TempDir, FileKeystore) {
        let dir = tempfile::tempdir().unwrap();
        let keystore = FileKeystore::new(dir.path().join("keys"));
        (dir, keystore)
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn round_trip_overwrite_and_delete() {
        let (_dir, keystore) = keystore();
        assert!(keystore.load(A).unwrap().is_none(), "no file yet");
        keystore.delete(A).unwrap();
        assert!(!keystore.path().exists(), "delete creates nothing");

        let a = DeviceSecret::generate().unwrap();
        let b = DeviceSecret::generate().unwrap();
        keystore.store(A, &a).unwrap();
        keystore.store(B, &b).unwrap();
        assert_eq!(keystore.load(A).unwrap().unwrap(), a);
        assert_eq!(keystore.load(B).unwrap().unwrap(), b);

        let a2 = DeviceSecret::generate().unwrap();
        keystore.store(A, &a2).unwrap();
        assert_eq!(keystore.load(A).unwrap().unwrap(), a2);
        assert_eq!(
            keystore.load(B).unwrap().unwrap(),
            b,
            "other vault untouched"
        );

        keystore.delete(A).unwrap();
        keystore.delete(A).unwrap();
        assert!(keystore.load(A).unwrap().is_none());
        assert_eq!(keystore.load(B).unwrap().unwrap(), b);
    }

    #[test]
    fn a_generation_is_kept_beside_the_secret_and_old_lines_still_read() {
        let (_dir, keystore) = keystore();
        let secret = DeviceSecret::from_bytes([0xAB; DEVICE_SECRET_LEN]);
        keystore.store(A, &secret).unwrap();
        assert_eq!(keystore.load_entry(A).unwrap().unwrap().generation, None);
        keystore.set_generation(A, 42).unwrap();
        let text = fs::read_to_string(keystore.path()).unwrap();
        assert!(
            text.ends_with(&format!("{A} {} 42\n", "ab".repeat(32))),
            "{text}"
        );
        let entry = keystore.load_entry(A).unwrap().unwrap();
        assert_eq!((entry.secret, entry.generation), (secret, Some(42)));
        keystore.set_generation(B, 7).unwrap();
        assert!(
            keystore.load(B).unwrap().is_none(),
            "no entry, nothing made up"
        );
        fs::write(
            keystore.path(),
            format!("sesame-keystore 1\n{A} {} 4x2\n", "ab".repeat(32)),
        )
        .unwrap();
        let err = keystore.load(A).unwrap_err();
        assert!(err.to_string().contains("generation"), "{err}");
    }

    #[test]
    fn file_format_is_readable_text() {
        let (_dir, keystore) = keystore();
        keystore
            .store(A, &DeviceSecret::from_bytes([0xAB; DEVICE_SECRET_LEN]))
            .unwrap();
        let text = fs::read_to_string(keystore.path()).unwrap();
        assert!(text.starts_with("sesame-keystore 1\n"), "{text}");
        assert!(
            text.ends_with(&format!("{A} {}\n", "ab".repeat(32))),
            "{text}"
        );
    }

    #[test]
    fn reads_comments_blank_lines_and_upper_case_hex() {
        let (_dir, keystore) = keystore();
        let text = format!(
            "\n# hand-edited\nsesame-keystore 1\n\n  {A}   {}  \r\n# end\n",
            "CD".repeat(32)
        );
        write_new_private(keystore.path(), text.as_bytes()).unwrap();
        assert_eq!(
            keystore.load(A).unwrap().unwrap(),
            DeviceSecret::from_bytes([0xCD; DEVICE_SECRET_LEN])
        );
        assert!(keystore.load(B).unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn creates_private_file_and_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("new").join("nested");
        let keystore = FileKeystore::new(folder.join("keys"));
        keystore
            .store(A, &DeviceSecret::generate().unwrap())
            .unwrap();
        assert_eq!(mode(keystore.path()), 0o600);
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&dir.path().join("new")), 0o700);
        assert_eq!(mode(&folder.join("keys.lock")), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_file_others_can_read() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, keystore) = keystore();
        let secret = DeviceSecret::generate().unwrap();
        keystore.store(A, &secret).unwrap();
        for loose in [0o640, 0o604, 0o660, 0o666, 0o602] {
            fs::set_permissions(keystore.path(), fs::Permissions::from_mode(loose)).unwrap();
            let err = keystore.load(A).unwrap_err();
            assert!(
                matches!(err, KeystoreError::InsecurePermissions { mode, .. } if mode == loose),
                "{loose:o}: {err:?}"
            );
            let message = err.to_string();
            assert!(
                message.contains(&format!("chmod 600 {}", keystore.path().display())),
                "{message}"
            );
            assert!(
                matches!(
                    keystore.store(B, &secret),
                    Err(KeystoreError::InsecurePermissions { .. })
                ),
                "store refuses too"
            );
        }
        // Stricter than 0600 is fine.
        fs::set_permissions(keystore.path(), fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(keystore.load(A).unwrap().unwrap(), secret);
        fs::set_permissions(keystore.path(), fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(keystore.load(A).unwrap().unwrap(), secret);
    }

    #[test]
    fn damaged_files_are_corrupt_and_never_rewritten() {
        let good_line = format!("{A} {}", "00".repeat(32));
        let cases = [
            (String::new(), "empty"),
            ("hello\n".to_owned(), "does not start"),
            (format!("sesame-keystore x\n{good_line}\n"), "version"),
            (format!("sesame-keystore 1\n{A}\n"), "expected a vault id"),
            (
                format!("sesame-keystore 1\n{good_line} extra\n"),
                "generation is not a whole number",
            ),
            (
                format!("sesame-keystore 1\n{good_line} 3 extra\n"),
                "expected a vault id",
            ),
            (
                format!("sesame-keystore 1\nXYZ {}\n", "00".repeat(32)),
                "not lower-case hex",
            ),
            (
                format!("sesame-keystore 1\n{A} {}\n", "00".repeat(31)),
                "64 hex digits",
            ),
            (
                format!("sesame-keystore 1\n{A} {}zz\n", "00".repeat(31)),
                "64 hex digits",
            ),
            (
                format!("sesame-keystore 1\n{good_line}\n{good_line}\n"),
                "twice",
            ),
        ];
        for (text, expected) in cases {
            let (_dir, keystore) = keystore();
            write_new_private(keystore.path(), text.as_bytes()).unwrap();
            let err = keystore.load(A).unwrap_err();
            let message = err.to_string();
            assert!(
                matches!(err, KeystoreError::Corrupt { .. }),
                "{text:?}: {err:?}"
            );
            assert!(message.contains(expected), "{text:?}: {message}");
            assert!(message.contains("backup"), "{message}");
            assert!(
                keystore
                    .store(B, &DeviceSecret::generate().unwrap())
                    .is_err()
            );
            assert!(keystore.delete(A).is_err());
            assert_eq!(
                fs::read_to_string(keystore.path()).unwrap(),
                text,
                "left as it was"
            );
        }

        let (_dir, keystore) = keystore();
        write_new_private(keystore.path(), b"sesame-keystore 1\n\xff\xfe\n").unwrap();
        assert!(matches!(
            keystore.load(A),
            Err(KeystoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn corrupt_messages_never_show_the_secret() {
        let (_dir, keystore) = keystore();
        let secret_hex = "5ec7e7".repeat(10);
        write_new_private(
            keystore.path(),
            format!("sesame-keystore 1\n{A} {secret_hex}\n").as_bytes(),
        )
        .unwrap();
        let err = keystore.load(A).unwrap_err();
        assert!(!err.to_string().contains("5ec7e7"), "{err}");
        assert!(!format!("{err:?}").contains("5ec7e7"), "{err:?}");
    }

    #[test]
    fn newer_formats_are_refused_by_name() {
        let (_dir, keystore) = keystore();
        write_new_private(keystore.path(), b"sesame-keystore 2\nwhatever\n").unwrap();
        let err = keystore.load(A).unwrap_err();
        assert!(
            matches!(err, KeystoreError::UnsupportedFormat { version: 2, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("update Sesame"), "{err}");
    }

    #[test]
    fn oversized_files_are_refused_unread() {
        let (_dir, keystore) = keystore();
        let file = File::create(keystore.path()).unwrap();
        file.set_len(MAX_FILE_LEN + 1).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(keystore.path(), fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            keystore.load(A),
            Err(KeystoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn writes_are_atomic_and_leave_no_temporary_files() {
        let (dir, keystore) = keystore();
        for _ in 0..5 {
            keystore
                .store(A, &DeviceSecret::generate().unwrap())
                .unwrap();
        }
        keystore.delete(A).unwrap();
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["keys", "keys.lock"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_write_leaves_the_old_file_intact() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, keystore) = keystore();
        let old = DeviceSecret::generate().unwrap();
        keystore.store(A, &old).unwrap();
        let before = fs::read(keystore.path()).unwrap();
        // A read-only folder: the temporary file cannot be created.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o500)).unwrap();
        let result = keystore.store(B, &DeviceSecret::generate().unwrap());
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
        if is_root() {
            // Root ignores folder permissions; nothing to test.
            return;
        }
        assert!(
            matches!(result, Err(KeystoreError::Io { .. })),
            "{result:?}"
        );
        assert_eq!(fs::read(keystore.path()).unwrap(), before);
        assert_eq!(keystore.load(A).unwrap().unwrap(), old);
    }

    #[cfg(unix)]
    fn is_root() -> bool {
        use std::os::unix::fs::MetadataExt;
        let probe = tempfile::NamedTempFile::new().unwrap();
        fs::metadata(probe.path()).unwrap().uid() == 0
    }

    #[test]
    fn concurrent_writers_lose_no_entries() {
        let (_dir, keystore) = keystore();
        let ids: Vec<String> = (0..8u8).map(|i| format!("{i:02x}").repeat(16)).collect();
        std::thread::scope(|scope| {
            for id in &ids {
                let keystore = keystore.clone();
                scope.spawn(move || {
                    keystore
                        .store(id, &DeviceSecret::generate().unwrap())
                        .unwrap()
                });
            }
        });
        for id in &ids {
            assert!(keystore.load(id).unwrap().is_some(), "{id}");
        }
    }

    #[test]
    fn a_path_without_a_file_name_is_an_io_error() {
        let keystore = FileKeystore::new(PathBuf::from("/"));
        assert!(matches!(
            keystore.store(A, &DeviceSecret::generate().unwrap()),
            Err(KeystoreError::Io { .. })
        ));
    }

    #[test]
    fn describe_warns_and_refuses_bad_ids() {
        let (_dir, keystore) = keystore();
        let description = keystore.describe();
        assert!(
            description.contains("only as strong as that file"),
            "{description}"
        );
        assert!(description.contains("0600"), "{description}");
        assert!(matches!(
            keystore.load("../../etc"),
            Err(KeystoreError::InvalidVaultId { .. })
        ));
    }
}
