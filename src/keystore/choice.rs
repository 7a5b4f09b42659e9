//! Which keystore to use: `os` or `file:PATH`, from `--keystore` or `SESAME_KEYSTORE`.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use super::KeystoreError;

/// The environment variable that chooses the keystore when `--keystore` is not given.
pub const ENV_VAR: &str = "SESAME_KEYSTORE";

const FILE_PREFIX: &str = "file:";

/// Where device secrets are kept. Written `os` or `file:PATH`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeystoreChoice {
    /// The operating system's keystore (the default).
    #[default]
    Os,
    /// A 0600 file, for machines without an OS keystore.
    File(PathBuf),
}

/// Where a keystore choice came from, so an error can say which setting to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceOrigin {
    /// The caller's own setting (the CLI's `--keystore`).
    Given,
    /// The [`ENV_VAR`] environment variable.
    Environment,
    /// A text parsed with [`FromStr`].
    Text,
}

impl fmt::Display for ChoiceOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChoiceOrigin::Given => "the chosen keystore",
            ChoiceOrigin::Environment => ENV_VAR,
            ChoiceOrigin::Text => "the keystore choice",
        })
    }
}

impl KeystoreChoice {
    /// `arg` (the CLI's `--keystore`) when given, else `SESAME_KEYSTORE` when set and not empty, else
    /// [`KeystoreChoice::Os`].
    pub fn from_env_or(arg: Option<&str>) -> Result<Self, KeystoreError> {
        resolve(arg, std::env::var_os(ENV_VAR))
    }
}

fn resolve(arg: Option<&str>, env: Option<OsString>) -> Result<KeystoreChoice, KeystoreError> {
    if let Some(arg) = arg {
        return parse(arg, ChoiceOrigin::Given);
    }
    match env {
        None => Ok(KeystoreChoice::Os),
        Some(value) if value.is_empty() => Ok(KeystoreChoice::Os),
        Some(value) => match value.to_str() {
            Some(value) => parse(value, ChoiceOrigin::Environment),
            None => Err(KeystoreError::InvalidChoice {
                origin: ChoiceOrigin::Environment,
                given: value.to_string_lossy().into_owned(),
            }),
        },
    }
}

fn parse(text: &str, origin: ChoiceOrigin) -> Result<KeystoreChoice, KeystoreError> {
    let invalid = || KeystoreError::InvalidChoice {
        origin,
        given: text.to_owned(),
    };
    if text.eq_ignore_ascii_case("os") {
        return Ok(KeystoreChoice::Os);
    }
    let prefix = text.get(..FILE_PREFIX.len()).ok_or_else(invalid)?;
    if !prefix.eq_ignore_ascii_case(FILE_PREFIX) {
        return Err(invalid());
    }
    let path = &text[FILE_PREFIX.len()..];
    if path.trim().is_empty() {
        return Err(invalid());
    }
    Ok(KeystoreChoice::File(PathBuf::from(path)))
}

impl FromStr for KeystoreChoice {
    type Err = KeystoreError;

    /// Parses `os` or `file:PATH` (the scheme in any case; the path as given).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text, ChoiceOrigin::Text)
    }
}

impl fmt::Display for KeystoreChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeystoreChoice::Os => f.write_str("os"),
            KeystoreChoice::File(path) => write!(f, "{FILE_PREFIX}{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_both_forms() {
        assert_eq!("os".parse::<KeystoreChoice>().unwrap(), KeystoreChoice::Os);
        assert_eq!("OS".parse::<KeystoreChoice>().unwrap(), KeystoreChoice::Os);
        let file: KeystoreChoice = "file:/var/lib/sesame/keys".parse().unwrap();
        assert_eq!(
            file,
            KeystoreChoice::File(PathBuf::from("/var/lib/sesame/keys"))
        );
        assert_eq!(file.to_string(), "file:/var/lib/sesame/keys");
        assert_eq!(KeystoreChoice::Os.to_string(), "os");
        let relative: KeystoreChoice = "FILE:keys:with:colons".parse().unwrap();
        assert_eq!(
            relative,
            KeystoreChoice::File(PathBuf::from("keys:with:colons"))
        );
        assert_eq!(
            relative.to_string().parse::<KeystoreChoice>().unwrap(),
            relative
        );
    }

    #[test]
    fn refuses_anything_else_with_a_typed_error() {
        for bad in [
            "",
            "o",
            "keychain",
            "file",
            "file:",
            "file:  ",
            "/tmp/keys",
            "os ",
        ] {
            let err = bad.parse::<KeystoreChoice>().unwrap_err();
            assert!(
                matches!(&err, KeystoreError::InvalidChoice { given, .. } if given == bad),
                "{bad:?}: {err:?}"
            );
            let message = err.to_string();
            assert!(message.contains("`os`"), "{message}");
            assert!(message.contains("`file:PATH`"), "{message}");
        }
    }

    #[test]
    fn argument_wins_over_environment_which_wins_over_default() {
        let env = Some(OsString::from("file:/env/keys"));
        assert_eq!(
            resolve(Some("os"), env.clone()).unwrap(),
            KeystoreChoice::Os
        );
        assert_eq!(
            resolve(None, env).unwrap(),
            KeystoreChoice::File(PathBuf::from("/env/keys"))
        );
        assert_eq!(resolve(None, None).unwrap(), KeystoreChoice::Os);
        assert_eq!(
            resolve(None, Some(OsString::new())).unwrap(),
            KeystoreChoice::Os
        );
    }

    #[test]
    fn errors_name_where_the_bad_choice_came_from() {
        let from_arg = resolve(Some("nope"), None).unwrap_err();
        assert!(
            matches!(
                from_arg,
                KeystoreError::InvalidChoice {
                    origin: ChoiceOrigin::Given,
                    ..
                }
            ),
            "{from_arg}"
        );
        // The core names no command-line option; the CLI's hint says `--keystore`.
        assert!(!from_arg.to_string().contains("--"), "{from_arg}");
        let from_env = resolve(None, Some("nope".into())).unwrap_err();
        assert!(
            matches!(
                from_env,
                KeystoreError::InvalidChoice {
                    origin: ChoiceOrigin::Environment,
                    ..
                }
            ),
            "{from_env}"
        );
        assert!(
            from_env.to_string().contains("SESAME_KEYSTORE"),
            "{from_env}"
        );
        // A bad environment value is an error even when it would be ignored otherwise.
        assert!(resolve(None, Some("file:".into())).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_environment_is_refused() {
        use std::os::unix::ffi::OsStringExt;
        let env = OsString::from_vec(b"file:/tmp/\xff".to_vec());
        assert!(matches!(
            resolve(None, Some(env)),
            Err(KeystoreError::InvalidChoice {
                origin: ChoiceOrigin::Environment,
                ..
            })
        ));
    }
}
