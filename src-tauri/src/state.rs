//! The shell's state: the unlocked vault (or none), accounts waiting for confirmation,
//! HOTP codes shown this session, and the time of the user's last action.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use sesame::account::ParsedAccount;
use sesame::clock::{Clock, CorrectedClock, SystemClock};
use sesame::keystore::KeystoreChoice;
use sesame::vault::{Vault, VaultPaths};
use sesame::{Code, account::AccountId};

use crate::error::{AppError, AppResult, ErrorKind};
use crate::views::{PendingAccount, PendingView, SkippedView};

/// Accounts read from somewhere, held until the user says yes or no.
pub struct Pending {
    /// "link", "image", "screen", "file", "backup" or "deep link".
    pub source: String,
    /// What was read (secrets included; zeroized on drop).
    pub accounts: Vec<ParsedAccount>,
    /// The other app's export it came from ("2FAS"), when it was one.
    pub format: Option<String>,
    /// Entries of the file that will not be added, with why.
    pub skipped: Vec<sesame::import::Skipped>,
}

impl Pending {
    /// Accounts from somewhere that is not an export file (a link, the screen, a deep link).
    pub fn accounts(source: &str, accounts: Vec<ParsedAccount>) -> Self {
        Pending {
            source: source.to_owned(),
            accounts,
            format: None,
            skipped: Vec::new(),
        }
    }
}

/// How many imports may wait for the user at once.
pub const MAX_PENDING: usize = 16;

/// Mutable state behind one lock.
pub struct Session {
    /// The unlocked vault, or `None` while locked.
    pub vault: Option<Vault>,
    /// Pending imports by id.
    pub pending: HashMap<String, Pending>,
    /// Pending ids that came from deep links and have not been shown yet.
    pub deep_links: VecDeque<String>,
    /// Pending ids, oldest first (for the cap; may name ids already confirmed or dropped).
    held: VecDeque<String>,
    /// HOTP codes the user asked for, by account id (shown until locked).
    pub hotp_codes: HashMap<AccountId, Code>,
    /// The user's last action (for auto-lock).
    pub last_activity: Instant,
    /// The clock offset measured last, until the user applies it.
    pub time_check: Option<crate::commands::settings::TimeCheck>,
}

impl Session {
    /// The unlocked vault, or the `locked` error.
    pub fn vault(&mut self) -> AppResult<&mut Vault> {
        self.vault.as_mut().ok_or_else(AppError::locked)
    }

    /// Drops the vault and everything read from it. Deep links not yet shown survive (a
    /// link clicked while locked waits for the unlock); there are at most
    /// [`MAX_PENDING`] of them. Only
    /// through [`AppState::lock_session`], which drops a Cognito sign-in in progress too.
    fn lock(&mut self) {
        self.vault = None;
        self.hotp_codes.clear();
        self.time_check = None;
        let keep: Vec<String> = self.deep_links.iter().cloned().collect();
        self.pending.retain(|id, _| keep.contains(id));
    }

    /// Stores a pending import and returns its id. Beyond [`MAX_PENDING`] the oldest is
    /// dropped (a flood of links cannot fill memory with secrets).
    pub fn hold(&mut self, pending: Pending) -> String {
        let id = random_id();
        self.pending.insert(id.clone(), pending);
        self.held.push_back(id.clone());
        while self.pending.len() > MAX_PENDING {
            let Some(oldest) = self.held.pop_front() else {
                break;
            };
            self.pending.remove(&oldest);
            self.deep_links.retain(|d| *d != oldest);
        }
        self.held.retain(|h| self.pending.contains_key(h));
        id
    }

    /// Describes a held import for the UI (duplicates marked against the open vault).
    pub fn pending_view(&self, pending_id: &str) -> AppResult<PendingView> {
        let pending = self.pending.get(pending_id).ok_or_else(|| {
            AppError::new(ErrorKind::NotFound, "That import is no longer waiting.")
        })?;
        let data = self.vault.as_ref().map(|v| v.data());
        Ok(PendingView {
            pending_id: pending_id.to_owned(),
            source: pending.source.clone(),
            accounts: pending
                .accounts
                .iter()
                .map(|a| PendingAccount::describe(a, data))
                .collect(),
            format: pending.format.clone(),
            skipped: pending.skipped.iter().map(SkippedView::from).collect(),
        })
    }
}

/// Everything the commands share (cheap to clone: an `Arc`).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// See [`AppState`].
pub struct Inner {
    /// Where the vault lives.
    pub paths: VaultPaths,
    /// Which keystore holds the device secret.
    pub keystore: KeystoreChoice,
    /// System time plus the measured offset when time correction is on.
    pub clock: CorrectedClock<SystemClock>,
    session: Mutex<Session>,
    /// What Sesame copied (cleared on lock and quit if the clipboard still holds it).
    pub clipboard: crate::clipboard::Clipboard,
    /// How many times the session was locked (an answer to Cognito that was on its way
    /// during a lock sees it moved, and drops its sign-in).
    locks: AtomicU64,
    /// The Cognito sign-in in progress.
    pub sign_in: crate::cognito_state::CognitoFlow,
    /// Files the user chose in a dialog or dropped, by token (forgotten on lock).
    pub grants: crate::path_grants::PathGrants,
    /// The sign-in through the hosted page in progress.
    pub hosted: crate::cognito_hosted::HostedFlow,
    /// Sesame Sync's rounds (one at a time) and what the last one said.
    pub sync: crate::sync_runner::SyncRunner,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State for a vault in `paths` whose device secret is in `keystore`.
    pub fn new(paths: VaultPaths, keystore: KeystoreChoice) -> Self {
        AppState(Arc::new(Inner {
            paths,
            keystore,
            clock: CorrectedClock::new(SystemClock),
            session: Mutex::new(Session {
                vault: None,
                pending: HashMap::new(),
                deep_links: VecDeque::new(),
                held: VecDeque::new(),
                hotp_codes: HashMap::new(),
                last_activity: Instant::now(),
                time_check: None,
            }),
            clipboard: Default::default(),
            locks: AtomicU64::new(0),
            sign_in: Default::default(),
            grants: Default::default(),
            hosted: Default::default(),
            sync: Default::default(),
        }))
    }

    /// Locks: drops the vault, everything read from it, a Cognito sign-in in progress (SRP
    /// or through the hosted page), every file choice not yet used, and a code Sesame
    /// copied that is still on the clipboard (the one lock path: the
    /// `lock` command, auto-lock, a flow that finds the vault gone).
    pub fn lock(&self) {
        self.lock_session(&mut self.session());
    }

    /// Like [`AppState::lock`], with the session already in hand.
    pub fn lock_session(&self, session: &mut Session) {
        session.lock();
        self.grants.clear();
        // Off this thread: checking the clipboard is a round trip to the display server.
        let state = self.clone();
        std::thread::spawn(move || state.clipboard.clear_if_ours(None));
        self.locks.fetch_add(1, Ordering::SeqCst);
        self.sign_in.clear();
        self.hosted.cancel();
    }

    /// How many times the session was locked so far.
    pub fn lock_count(&self) -> u64 {
        self.locks.load(Ordering::SeqCst)
    }

    /// Locks the session (a panic in another command does not poison it for good).
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Like [`AppState::session`], and counts as user activity.
    pub fn active_session(&self) -> MutexGuard<'_, Session> {
        let mut session = self.session();
        session.last_activity = Instant::now();
        session
    }

    /// Applies the vault's time-correction setting to the clock.
    pub fn apply_clock_settings(&self, vault: &Vault) {
        let settings = &vault.data().settings;
        let offset = if settings.time_correction {
            settings.clock_offset_ms
        } else {
            0
        };
        self.clock.set_offset_ms(offset);
    }

    /// Now, in ms, on the (corrected) clock.
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }
}

/// A random id for pending imports.
pub fn random_id() -> String {
    let mut bytes = [0u8; 12];
    // getrandom only fails when the OS has no randomness at all; fall back to the time.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes.copy_from_slice(&nanos.to_le_bytes()[..12]);
    }
    data_encoding::HEXLOWER.encode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame::keystore::KeystoreChoice;
    use sesame::vault::VaultPaths;

    fn state() -> AppState {
        let dir = std::env::temp_dir().join("sesame-state-test-never-created");
        AppState::new(
            VaultPaths::in_dir(dir.join("sesame")),
            KeystoreChoice::File(dir.join("keys")),
        )
    }

    #[test]
    fn at_most_max_pending_imports_wait_and_the_oldest_go_first() {
        let state = state();
        let mut session = state.session();
        let ids: Vec<String> = (0..MAX_PENDING + 4)
            .map(|i| {
                let id = session.hold(Pending::accounts(&format!("link {i}"), Vec::new()));
                session.deep_links.push_back(id.clone());
                id
            })
            .collect();
        assert_eq!(session.pending.len(), MAX_PENDING);
        assert!(ids[..4].iter().all(|id| !session.pending.contains_key(id)));
        assert!(ids[4..].iter().all(|id| session.pending.contains_key(id)));
        assert_eq!(session.deep_links.front(), Some(&ids[4]));
        assert!(session.held.len() <= MAX_PENDING);
    }

    #[test]
    fn a_lock_drops_every_import_but_the_deep_links_not_yet_shown() {
        let state = state();
        let mut session = state.session();
        let shown = session.hold(Pending::accounts("image", Vec::new()));
        let waiting = session.hold(Pending::accounts("deep link", Vec::new()));
        session.deep_links.push_back(waiting.clone());
        state.lock_session(&mut session);
        assert!(!session.pending.contains_key(&shown));
        assert!(session.pending.contains_key(&waiting));
    }
}
