//! Text lists of links: one `otpauth://` or `otpauth-migration://` link per line (the
//! plain export, [`crate::backup::otpauth_list`], writes this), or the texts of the QR
//! codes found in an image.

use crate::account::ParsedAccount;
use crate::link;

use super::{Confidence, Entry, Export, Format, ImportError, Reader, SkipReason};

/// A text file of links (Aegis's, Ente's, GNOME's, FreeOTP+'s and Sesame's plain exports,
/// Google Authenticator transfer links).
pub(crate) struct LinkList;

impl Reader for LinkList {
    fn format(&self) -> Format {
        Format::Links
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let is_link = |l: &str| {
            let l = l.to_ascii_lowercase();
            l.starts_with("otpauth://") || l.starts_with("otpauth-migration://")
        };
        match lines.next() {
            Some(first) if is_link(first) => Some(Confidence::Sure),
            Some(_) if lines.any(is_link) => Some(Confidence::Maybe),
            _ => None,
        }
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Export, ImportError> {
        let text = std::str::from_utf8(bytes).map_err(|e| ImportError::Damaged {
            format: Format::Links,
            reason: format!("it is not UTF-8 text (byte {})", e.valid_up_to() + 1),
        })?;
        let lines: Vec<&str> = text.lines().collect();
        Ok(Export::new(Format::Links, false, entries_of_lines(&lines)))
    }
}

/// One entry per account in each link; a line that is not a valid link is a skipped entry
/// named by its line number. Blank lines and `#` comments are not entries.
pub(crate) fn entries_of_lines<S: AsRef<str>>(lines: &[S]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.as_ref().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match link::parse(line) {
            Ok(parsed) => entries.extend(
                parsed
                    .into_iter()
                    .map(|p| Entry::from_account(p.account, p.warnings)),
            ),
            Err(e) => entries.push(Entry::skipped(
                &format!("line {}", i + 1),
                SkipReason::Invalid(e.to_string()),
            )),
        }
    }
    entries
}

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
    fn a_list_with_a_bad_line_keeps_the_good_ones_and_names_the_bad_one() {
        let text =
            b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n\notpauth://totp/B?secret=1\n";
        assert_eq!(LinkList.detect(text), Some(Confidence::Sure));
        assert_eq!(
            LinkList.detect(b"notes\notpauth://totp/x?secret=AA"),
            Some(Confidence::Maybe)
        );
        assert_eq!(LinkList.detect(b"just notes"), None);
        let export = LinkList.read(text, None).unwrap();
        assert_eq!(export.accounts().count(), 1);
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].label, "line 3");
        assert!(
            skipped[0].reason.to_string().contains("secret"),
            "{}",
            skipped[0].reason
        );
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
