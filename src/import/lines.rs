//! Text lists of links: one `otpauth://` or `otpauth-migration://` link per line (the
//! plain export, [`crate::backup::otpauth_list`], writes this), or the texts of the QR
//! codes found in an image.

use crate::account::ParsedAccount;
use crate::link;

use super::ImportError;

/// Parses links, one per entry; blank lines and `#` comments are skipped.
pub fn parse_lines(lines: &[String]) -> Result<Vec<ParsedAccount>, ImportError> {
    let mut accounts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = link::parse(line).map_err(|source| ImportError::Link {
            line: i + 1,
            source,
        })?;
        accounts.extend(parsed);
    }
    Ok(accounts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, StoredAccount};
    use crate::backup::otpauth_list;
    use crate::otp::Params;
    use crate::secret::Secret;

    fn stored(name: &str) -> StoredAccount {
        StoredAccount::new(
            Account {
                issuer: Some("Example".into()),
                name: name.into(),
                secret: Secret::from_bytes(vec![7; 20]),
                params: Params::default(),
            },
            1,
        )
    }

    #[test]
    fn lists_skip_comments_and_name_bad_lines() {
        let lines: Vec<String> = [
            "# exported by Sesame",
            "",
            "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A",
            "otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXQ&issuer=B",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(parse_lines(&lines).unwrap().len(), 2);
        let bad = vec![
            "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP".to_owned(),
            "nonsense".to_owned(),
        ];
        let err = parse_lines(&bad).unwrap_err();
        assert!(err.to_string().starts_with("line 2:"), "{err}");
    }

    #[test]
    fn otpauth_list_parses_back() {
        let accounts = vec![stored("a"), stored("b")];
        let text = otpauth_list(&accounts);
        let lines: Vec<String> = text.lines().map(String::from).collect();
        let parsed = parse_lines(&lines).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1].account, accounts[1].account);
    }
}
