//! Writing an export the user asked for: never through a symbolic link, never over an
//! existing file unless the user confirmed replacing it, and all or nothing (a new
//! temporary file beside it, fsync, rename), readable by the owner only.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult, ErrorKind};

/// Writes `bytes` to `path`. An existing file is replaced only with `overwrite` (the save
/// dialog asked the user, `path_grants::Purpose::Save`); a symbolic link is always refused.
pub fn write_export(path: &Path, bytes: &[u8], overwrite: bool) -> AppResult<()> {
    // Messages name the file, not its folders (the web view only knows the name).
    let name = crate::path_grants::file_name(path);
    let io = |what: &str, e: std::io::Error| {
        AppError::new(ErrorKind::Io, format!("Cannot {what} {name}: {e}."))
    };
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(AppError::invalid(format!(
                "{name} is a symbolic link: Sesame does not write exports through links. Choose another name."
            )));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(AppError::invalid(format!(
                "{name} is not a regular file. Choose another name."
            )));
        }
        Ok(_) if !overwrite => {
            return Err(AppError::new(
                ErrorKind::ConfirmationRequired,
                format!(
                    "{name} exists already and was not confirmed for replacing: save again and confirm replacing it, or choose another name."
                ),
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("check", e)),
    }
    let temp = temp_beside(path);
    let mut options = fs::OpenOptions::new();
    // create_new: O_CREAT|O_EXCL, which never follows a link planted at the temporary name.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        // rename replaces a link that appeared at `path` meanwhile, never what it points to.
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(io("write", e));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Flushes the rename; a folder that cannot be opened (Windows) is not an error.
        if let Ok(dir) = fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// `.NAME.RANDOM.tmp` in the same folder (a rename does not cross file systems).
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    path.with_file_name(format!(".{name}.{}.tmp", crate::state::random_id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_export_onto_a_symlink_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("bashrc");
        fs::write(&target, "precious").unwrap();
        let link = dir.path().join("export.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for overwrite in [false, true] {
            let e = write_export(&link, b"otpauth://totp/x?secret=AAAA", overwrite).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
            assert!(e.message.contains("symbolic link"), "{}", e.message);
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file left"
        );
    }

    #[test]
    fn an_existing_file_is_replaced_only_when_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.sesame");
        fs::write(&path, "older backup").unwrap();
        let e = write_export(&path, b"new", false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ConfirmationRequired);
        assert_eq!(fs::read_to_string(&path).unwrap(), "older backup");
        write_export(&path, b"new", true).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_export_is_readable_by_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("links.txt");
        write_export(&path, b"otpauth://", false).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
