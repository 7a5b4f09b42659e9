//! Files the user chose, as opaque one-use tokens: the only way a command reaches a file.
//!
//! The web view never names a path. When the user picks a file in a native dialog the shell
//! opened (`commands::files`) or drops one on the window (`lib.rs`), the shell records the
//! path here and gives the web view a token: 128 random bits, base64url, with the file's
//! name for display. A command that reads or writes a file takes that token and
//! [`PathGrants::take`]s it: it is spent by that use (a command that stops to ask for a
//! password gives it back, [`PathGrants::give_back`]), it is only good for what it was
//! issued for (an opened file is never written, a save target never read), it expires
//! after [`LIFETIME`], at most [`MAX_LIVE`] are held (the oldest go first), and a lock
//! (manual or idle) forgets them all. So a web view that runs someone else's script can
//! reach only files the user chose for that purpose a moment ago.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use crate::error::{AppError, AppResult, ErrorKind};

/// How many grants may be live at once; beyond it the oldest is forgotten.
pub const MAX_LIVE: usize = 32;

/// How long a grant lives after the user chose the file.
pub const LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Random bytes in a token (128 bits).
const TOKEN_BYTES: usize = 16;

/// What the user chose the file for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Picked in the open dialog or dropped on the window: Sesame may read it.
    Open,
    /// Picked in the save dialog: Sesame may write it. `overwrite_confirmed` when the file
    /// existed as the dialog returned it, which the native save dialogs only do after
    /// asking "Replace it?".
    Save { overwrite_confirmed: bool },
}

/// What a command asks a token for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// To read the file.
    Read,
    /// To write the file.
    Write,
}

impl Purpose {
    fn allows(self, wanted: Use) -> bool {
        matches!(
            (self, wanted),
            (Purpose::Open, Use::Read) | (Purpose::Save { .. }, Use::Write)
        )
    }
}

/// A file the user chose, taken out of [`PathGrants`] by the command that uses it.
#[derive(Debug)]
pub struct Granted {
    /// The file.
    pub path: PathBuf,
    /// What it was chosen for.
    pub purpose: Purpose,
    token: String,
    issued: Instant,
    /// The [`PathGrants`] generation it was taken in (a lock starts a new one).
    generation: u64,
}

impl Granted {
    /// Whether an existing file may be replaced (the save dialog asked the user).
    pub fn overwrite_confirmed(&self) -> bool {
        matches!(
            self.purpose,
            Purpose::Save {
                overwrite_confirmed: true
            }
        )
    }

    /// The file's name alone, for messages (never the folders above it).
    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }
}

/// The last component of `path`, for display.
pub fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "the file".to_owned())
}

struct Live {
    token: String,
    path: PathBuf,
    purpose: Purpose,
    issued: Instant,
}

#[derive(Default)]
struct Inner {
    /// Oldest first.
    live: VecDeque<Live>,
    generation: u64,
}

/// The live grants (in `AppState`).
#[derive(Default)]
pub struct PathGrants {
    inner: Mutex<Inner>,
}

impl PathGrants {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records that the user chose `path` for `purpose`, and returns its token.
    pub fn issue(&self, path: PathBuf, purpose: Purpose) -> AppResult<String> {
        self.issue_at(path, purpose, Instant::now())
    }

    fn issue_at(&self, path: PathBuf, purpose: Purpose, now: Instant) -> AppResult<String> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| {
            AppError::internal(format!("The system has no randomness to give: {e}."))
        })?;
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let mut inner = self.inner();
        inner.live.push_back(Live {
            token: token.clone(),
            path,
            purpose,
            issued: now,
        });
        while inner.live.len() > MAX_LIVE {
            inner.live.pop_front();
        }
        Ok(token)
    }

    /// Spends `token` for `wanted`: the file it stands for, or why not. A token is gone
    /// after this call whatever the answer (a token offered for the wrong use is spent too).
    pub fn take(&self, token: &str, wanted: Use) -> AppResult<Granted> {
        self.take_at(token, wanted, Instant::now())
    }

    fn take_at(&self, token: &str, wanted: Use, now: Instant) -> AppResult<Granted> {
        if !looks_like_token(token) {
            return Err(AppError::invalid(
                "Sesame opens and saves only files chosen in its own file dialogs or dropped on its window: choose the file again.",
            ));
        }
        let mut inner = self.inner();
        inner
            .live
            .retain(|g| now.saturating_duration_since(g.issued) < LIFETIME);
        let found = inner
            .live
            .iter()
            .position(|g| bool::from(g.token.as_bytes().ct_eq(token.as_bytes())));
        let Some(live) = found.and_then(|i| inner.live.remove(i)) else {
            return Err(AppError::new(
                ErrorKind::NotFound,
                "That file choice was used already or has expired: choose the file again.",
            ));
        };
        if !live.purpose.allows(wanted) {
            let what = match wanted {
                Use::Read => "was chosen to be saved to, not read",
                Use::Write => "was chosen to be read, not written",
            };
            return Err(AppError::invalid(format!(
                "{} {what}: choose the file again.",
                file_name(&live.path)
            )));
        }
        Ok(Granted {
            path: live.path,
            purpose: live.purpose,
            token: live.token,
            issued: live.issued,
            generation: inner.generation,
        })
    }

    /// Puts back a grant whose command stopped before reading or writing (it needs a
    /// password first), so the retry can use the same token. It keeps its first expiry,
    /// and a grant taken before a lock is not put back.
    pub fn give_back(&self, granted: Granted) {
        let mut inner = self.inner();
        if granted.generation != inner.generation {
            return;
        }
        inner.live.push_back(Live {
            token: granted.token,
            path: granted.path,
            purpose: granted.purpose,
            issued: granted.issued,
        });
        while inner.live.len() > MAX_LIVE {
            inner.live.pop_front();
        }
    }

    /// Forgets every grant (on lock).
    pub fn clear(&self) {
        let mut inner = self.inner();
        inner.live.clear();
        inner.generation += 1;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner().live.len()
    }
}

/// Whether `text` has the shape of a token (so a path is told apart from a stale token).
fn looks_like_token(text: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(text)
        .is_ok_and(|bytes| bytes.len() == TOKEN_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(grants: &PathGrants, path: &str) -> String {
        grants.issue(PathBuf::from(path), Purpose::Open).unwrap()
    }

    #[test]
    fn a_token_is_128_random_bits_in_base64url() {
        let grants = PathGrants::default();
        let a = open(&grants, "/home/alice/a.png");
        let b = open(&grants, "/home/alice/a.png");
        assert_eq!(a.len(), 22);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a, b, "each choice gets its own token");
    }

    #[test]
    fn a_token_gives_its_file_once() {
        let grants = PathGrants::default();
        let token = open(&grants, "/home/alice/qr.png");
        let granted = grants.take(&token, Use::Read).unwrap();
        assert_eq!(granted.path, PathBuf::from("/home/alice/qr.png"));
        let e = grants.take(&token, Use::Read).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("used already"), "{}", e.message);
    }

    #[test]
    fn a_raw_path_or_a_forged_token_is_refused_without_repeating_it() {
        let grants = PathGrants::default();
        open(&grants, "/home/alice/qr.png");
        let e = grants
            .take("/home/alice/.ssh/id_ed25519", Use::Read)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("chosen in its own file dialogs"));
        assert!(!e.message.contains(".ssh"), "{}", e.message);
        let forged = URL_SAFE_NO_PAD.encode([7u8; TOKEN_BYTES]);
        let e = grants.take(&forged, Use::Read).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(grants.len(), 1, "the real grant is untouched");
    }

    #[test]
    fn a_token_expires_after_its_lifetime() {
        let grants = PathGrants::default();
        let start = Instant::now();
        let young = grants
            .issue_at(PathBuf::from("/a"), Purpose::Open, start)
            .unwrap();
        let old = grants
            .issue_at(PathBuf::from("/b"), Purpose::Open, start)
            .unwrap();
        let almost = start + LIFETIME - Duration::from_secs(1);
        assert!(grants.take_at(&young, Use::Read, almost).is_ok());
        let e = grants
            .take_at(&old, Use::Read, start + LIFETIME)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(grants.len(), 0, "the expired grant is forgotten");
    }

    #[test]
    fn at_most_max_live_grants_are_held_and_the_oldest_go_first() {
        let grants = PathGrants::default();
        let tokens: Vec<String> = (0..MAX_LIVE + 3)
            .map(|i| open(&grants, &format!("/f{i}")))
            .collect();
        assert_eq!(grants.len(), MAX_LIVE);
        for token in &tokens[..3] {
            assert_eq!(
                grants.take(token, Use::Read).unwrap_err().kind,
                ErrorKind::NotFound
            );
        }
        for (i, token) in tokens.iter().enumerate().skip(3) {
            let granted = grants.take(token, Use::Read).unwrap();
            assert_eq!(granted.path, PathBuf::from(format!("/f{i}")));
        }
    }

    #[test]
    fn a_lock_forgets_every_grant_and_a_grant_taken_before_it_is_not_put_back() {
        let grants = PathGrants::default();
        let kept = open(&grants, "/kept");
        let taken = open(&grants, "/taken");
        let granted = grants.take(&taken, Use::Read).unwrap();
        grants.clear();
        assert_eq!(
            grants.take(&kept, Use::Read).unwrap_err().kind,
            ErrorKind::NotFound
        );
        grants.give_back(granted);
        assert_eq!(
            grants.take(&taken, Use::Read).unwrap_err().kind,
            ErrorKind::NotFound
        );
    }

    #[test]
    fn a_grant_given_back_is_good_once_more_with_the_same_token() {
        let grants = PathGrants::default();
        let token = open(&grants, "/home/alice/backup.sesame");
        let granted = grants.take(&token, Use::Read).unwrap();
        grants.give_back(granted);
        assert!(grants.take(&token, Use::Read).is_ok());
        assert!(grants.take(&token, Use::Read).is_err());
    }

    #[test]
    fn a_file_chosen_to_read_is_never_written_nor_a_save_target_read() {
        let grants = PathGrants::default();
        let read = open(&grants, "/home/alice/.bashrc");
        let e = grants.take(&read, Use::Write).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(
            e.message.contains(".bashrc was chosen to be read"),
            "{}",
            e.message
        );
        assert!(
            grants.take(&read, Use::Read).is_err(),
            "a token offered for the wrong use is spent"
        );
        let save = grants
            .issue(
                PathBuf::from("/home/alice/export.txt"),
                Purpose::Save {
                    overwrite_confirmed: false,
                },
            )
            .unwrap();
        let e = grants.take(&save, Use::Read).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn only_a_save_choice_the_dialog_confirmed_may_overwrite() {
        let grants = PathGrants::default();
        let confirmed = grants
            .issue(
                PathBuf::from("/x"),
                Purpose::Save {
                    overwrite_confirmed: true,
                },
            )
            .unwrap();
        let fresh = grants
            .issue(
                PathBuf::from("/y"),
                Purpose::Save {
                    overwrite_confirmed: false,
                },
            )
            .unwrap();
        assert!(
            grants
                .take(&confirmed, Use::Write)
                .unwrap()
                .overwrite_confirmed()
        );
        assert!(
            !grants
                .take(&fresh, Use::Write)
                .unwrap()
                .overwrite_confirmed()
        );
    }
}
