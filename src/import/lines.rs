//! Text lists of links: one `otpauth://` or `otpauth-migration://` link per line (the
//! plain export, [`crate::backup::otpauth_list`], writes this), or the texts of the QR
//! codes found in an image.

use std::collections::BTreeSet;

use crate::account::ParsedAccount;
use crate::link::{self, LinkError};
use crate::migration::{self, Batch};
use crate::uri::strip_prefix_ignore_case;

use super::{Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, ente};

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
/// named by its line number. Blank lines and `#` comments are not entries. Ente's trashed
/// entries are skipped as such, and each Google Authenticator export split over several
/// links (QR codes) whose parts are not all here gets one skipped entry naming the missing
/// parts: each image of a multi-code export is often a file of its own, so the parts
/// present are still read, and the summary says what is left to import.
pub(crate) fn entries_of_lines<S: AsRef<str>>(lines: &[S]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut batches = Batches::default();
    for (i, line) in lines.iter().enumerate() {
        let line = line.as_ref().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let label = || format!("line {}", i + 1);
        match read_link(line, &mut batches) {
            Ok(parsed) if ente::is_trashed(line) => entries.extend(
                parsed
                    .into_iter()
                    .map(|p| Entry::skipped(&p.account.label(), SkipReason::Trashed(Format::Ente))),
            ),
            Ok(parsed) => entries.extend(
                parsed
                    .into_iter()
                    .map(|p| Entry::from_account(p.account, p.warnings)),
            ),
            Err(_) if ente::is_trashed(line) => {
                entries.push(Entry::skipped(&label(), SkipReason::Trashed(Format::Ente)));
            }
            Err(e) => entries.push(Entry::skipped(&label(), SkipReason::Invalid(e.to_string()))),
        }
    }
    entries.extend(batches.incomplete());
    entries
}

/// The accounts in one link, noting where a Google Authenticator transfer link sits in
/// its export.
fn read_link(line: &str, batches: &mut Batches) -> Result<Vec<ParsedAccount>, LinkError> {
    if strip_prefix_ignore_case(line, "otpauth-migration:").is_none() {
        return link::parse_lenient(line);
    }
    let batch = migration::decode(line)?;
    batches.saw(&batch);
    Ok(batch.accounts)
}

/// Most missing parts named one by one in a skipped entry.
const NAMED_PARTS: usize = 5;

/// The parts seen of each Google Authenticator export split over several links, in the
/// order the exports first appear.
#[derive(Default)]
struct Batches(Vec<SeenBatch>);

/// One multi-part export: its id, how many parts it has, and the parts seen (from 0).
/// Exports are told apart by id and size (some writers leave every id 0).
struct SeenBatch {
    id: i32,
    size: i32,
    seen: BTreeSet<i32>,
}

impl Batches {
    /// Notes a link of an export (one that is not split is not noted).
    fn saw(&mut self, batch: &Batch) {
        if batch.batch_size <= 1 || !(0..batch.batch_size).contains(&batch.batch_index) {
            return;
        }
        let same = |b: &SeenBatch| b.id == batch.batch_id && b.size == batch.batch_size;
        let index = match self.0.iter().position(same) {
            Some(index) => index,
            None => {
                self.0.push(SeenBatch {
                    id: batch.batch_id,
                    size: batch.batch_size,
                    seen: BTreeSet::new(),
                });
                self.0.len() - 1
            }
        };
        self.0[index].seen.insert(batch.batch_index);
    }

    /// One skipped entry per export with parts missing.
    fn incomplete(&self) -> Vec<Entry> {
        self.0
            .iter()
            .filter(|b| b.seen.len() < usize::try_from(b.size).unwrap_or(0))
            .map(|b| {
                let label = format!("Google Authenticator export of {} QR codes", b.size);
                Entry::skipped(&label, SkipReason::Invalid(b.missing_text()))
            })
            .collect()
    }
}

impl SeenBatch {
    /// "part 2 of 3 is not here, …", naming at most [`NAMED_PARTS`] parts (from 1).
    fn missing_text(&self) -> String {
        let count = usize::try_from(self.size).unwrap_or(0) - self.seen.len();
        let named: Vec<String> = (0..self.size)
            .filter(|i| !self.seen.contains(i))
            .take(NAMED_PARTS)
            .map(|i| (i64::from(i) + 1).to_string())
            .collect();
        let (parts, verb, their) = match named.as_slice() {
            [one] if count == 1 => (format!("part {one}"), "is", "its"),
            [rest @ .., last] if count == named.len() => (
                format!("parts {} and {last}", rest.join(", ")),
                "are",
                "their",
            ),
            _ => (
                format!(
                    "parts {} and {} more",
                    named.join(", "),
                    count - named.len()
                ),
                "are",
                "their",
            ),
        };
        format!(
            "{parts} of {} {verb} not here, so {their} accounts are not imported: import every code of this export",
            self.size
        )
    }
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
    use crate::account::{Account, Warning};
    use crate::backup::otpauth_list;
    use crate::backup::tests::stored;

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
    fn missing_parts_of_a_google_export_are_named() {
        let accounts: Vec<Account> = (0..25).map(|i| stored(&format!("n{i}")).account).collect();
        let links = crate::migration::encode_with_id(&accounts, 77).unwrap();
        assert_eq!(links.len(), 3);
        let all = entries_of_lines(&links);
        assert_eq!(all.len(), 25);
        assert!(all.iter().all(|e| matches!(e, Entry::Account(_))));
        let export = Export::new(
            Format::Links,
            false,
            entries_of_lines(&[&links[0], &links[2]]),
        );
        assert_eq!(export.accounts().count(), 15);
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            skipped[0].label,
            "Google Authenticator export of 3 QR codes"
        );
        assert_eq!(
            skipped[0].reason.to_string(),
            "part 2 of 3 is not here, so its accounts are not imported: import every code of this export"
        );
        let only_first = entries_of_lines(&links[..1]);
        let Some(Entry::Skipped(s)) = only_first.last() else {
            panic!("{only_first:?}");
        };
        assert!(
            s.reason
                .to_string()
                .starts_with("parts 2 and 3 of 3 are not here"),
            "{}",
            s.reason
        );
        let many = SeenBatch {
            id: 1,
            size: i32::MAX,
            seen: [1].into(),
        };
        assert!(
            many.missing_text()
                .starts_with("parts 1, 3, 4, 5, 6 and 2147483641 more of 2147483647 are"),
            "{}",
            many.missing_text()
        );
    }

    #[test]
    fn trashed_ente_entries_are_skipped() {
        let trash = "%7B%22trashed%22%3Atrue%7D";
        let lines = [
            format!("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A&codeDisplay={trash}"),
            format!("otpauth://totp/B:b?secret=1&codeDisplay={trash}"),
            "otpauth://totp/C:c?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%7D".to_owned(),
        ];
        let export = Export::new(Format::Links, false, entries_of_lines(&lines));
        assert_eq!(export.accounts().count(), 1);
        let skipped: Vec<_> = export
            .skipped()
            .map(|s| (s.label.as_str(), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("A: a", SkipReason::Trashed(Format::Ente)),
                ("line 2", SkipReason::Trashed(Format::Ente))
            ]
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

    #[test]
    fn a_link_list_imports_a_secret_one_character_too_long_with_a_warning() {
        // 33 characters: 32 make 20 bytes, the 33rd only leftover bits (Ente writes these).
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQA";
        let text = format!("otpauth://totp/Ente:bob?secret={secret}&issuer=Ente\n");
        let export = LinkList.read(text.as_bytes(), None).unwrap();
        let accounts: Vec<_> = export.accounts().collect();
        assert_eq!(accounts.len(), 1, "{:?}", export.entries);
        assert_eq!(
            accounts[0].account.secret.as_bytes(),
            b"12345678901234567890"
        );
        assert_eq!(
            accounts[0].warnings,
            [Warning::SecretTrimmed { length: 33 }]
        );
        // `parse_lines` stays strict.
        assert!(parse_lines(&[text.trim().to_owned()]).is_err());
    }
}
