//! Sesame Sync in the app: one round at a time (the "Sync now" command and the background
//! task share [`SyncRunner`]), what the last round said (for the Sync screen), and the
//! background task that decides when to sync: after each change (debounced), on unlock,
//! and every few minutes while unlocked; never while locked or with sync off.
//!
//! The rounds are the core's (`sesame::sync::client`): the vault is reached through
//! [`Quiet`], which takes the session lock for each short read or write only, never across
//! a request, and does not count as user activity (a background sync must not keep the
//! vault from locking itself). After a round that changed accounts the UI is told with an
//! `accounts-changed` event; after every round, and when one starts, with `sync`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sesame::cognito::{CognitoError, VaultAccess};
use sesame::sync::DeviceId;
use sesame::sync::client::{self, ClientError};
use sesame::sync::engine::{RoundReport, SyncError, TransportError};
use sesame::vault::Vault;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The quiet time after a change before it is sent.
pub const DEBOUNCE: Duration = Duration::from_secs(2);
/// How often an unlocked vault syncs when nothing changes here.
pub const PERIOD: Duration = Duration::from_secs(180);
/// How long the background task waits after a failed round (unless the server asks for
/// longer with `Retry-After`).
pub const BACKOFF: Duration = Duration::from_secs(30);
/// How often the background task looks at the vault.
const TICK: Duration = Duration::from_secs(1);

/// The event sent when a round starts or ends (payload: null; read `sync_status`).
pub const SYNC_EVENT: &str = "sync";
/// The event sent when a round added, changed or removed accounts (payload: null).
pub const ACCOUNTS_CHANGED_EVENT: &str = "accounts-changed";

/// The app's vault for sync: the session lock per read or write, not user activity.
pub struct Quiet<'a>(pub &'a AppState);

impl VaultAccess for Quiet<'_> {
    fn with_vault<R>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
    ) -> Result<R, CognitoError> {
        let mut session = self.0.session();
        let vault = session.vault.as_mut().ok_or(CognitoError::VaultLocked)?;
        f(vault)
    }
}

/// What the last round said, for the Sync screen.
#[derive(Debug, Default, Clone)]
pub struct LastRound {
    /// A round is running now.
    pub running: bool,
    /// The last round's error, in words (`None` after a round that worked).
    pub error: Option<AppError>,
    /// The last round's report, when it worked.
    pub report: Option<RoundReport>,
}

/// One round at a time, what the last one said, and the device id sync is being turned
/// on with (kept from asking the server to turning sync on, so both are one device).
#[derive(Default)]
pub struct SyncRunner {
    round: tokio::sync::Mutex<()>,
    last: Mutex<LastRound>,
    joining: Mutex<Option<DeviceId>>,
}

impl SyncRunner {
    /// What the last round said.
    pub fn last(&self) -> LastRound {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, change: impl FnOnce(&mut LastRound)) {
        change(&mut self.last.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// Waits for a running round to end and keeps the next from starting until the guard
    /// is dropped.
    pub async fn lock_rounds(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.round.lock().await
    }

    /// The device id to turn sync on with: the one used last time it was tried, or a new one.
    pub fn joining_device(&self) -> DeviceId {
        self.joining
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert_with(DeviceId::generate)
            .clone()
    }

    /// Sync is on: the next time it is turned on, it is with a new device id.
    pub fn joined(&self) {
        *self.joining.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Forgets the last round (sync turned off or on).
    pub fn reset(&self) {
        self.set(|l| *l = LastRound::default());
    }
}

/// Runs one round now (after any round already running), records what it said and tells
/// the UI. Returns the round's answer and, when it failed, how long the background task
/// should wait before trying again. A vault locked meanwhile is `locked` and not recorded
/// as sync's error.
pub async fn run_round<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> (AppResult<RoundReport>, Option<Duration>) {
    let _one = state.sync.round.lock().await;
    state.sync.set(|l| l.running = true);
    let _ = app.emit(SYNC_EVENT, ());
    let access = Quiet(state);
    let result = async {
        let (transport, _) = client::connect(&access).await?;
        client::round(&access, &transport, state.now_ms()).await
    }
    .await;
    // Not sync's trouble: the vault locked, or changed under the round (the next round,
    // due at once, carries on).
    let quiet = matches!(
        result,
        Err(ClientError::Cognito(CognitoError::VaultLocked) | ClientError::VaultChanged)
    );
    let retry = result.as_ref().err().and_then(retry_after);
    let result = result.map_err(AppError::from);
    state.sync.set(|l| {
        l.running = false;
        match &result {
            Ok(report) => {
                l.error = None;
                l.report = Some(*report);
            }
            Err(_) if quiet => {}
            Err(e) => l.error = Some(e.clone()),
        }
    });
    if let Ok(report) = &result
        && (report.pulled > 0 || report.conflicts > 0)
    {
        let _ = app.emit(ACCOUNTS_CHANGED_EVENT, ());
    }
    let _ = app.emit(SYNC_EVENT, ());
    (result, retry)
}

/// What the background task sees of the vault at one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Locked, or sync is off: nothing to do.
    Idle,
    /// Unlocked with sync on, with this many changes waiting to be sent.
    On {
        /// From `client::waiting`.
        waiting: usize,
    },
}

/// When the background task syncs: a pure state machine over what it sees each tick.
#[derive(Debug, Default)]
pub struct Schedule {
    /// Whether the last tick saw sync on and unlocked.
    was_on: bool,
    /// The waiting count seen last, and since when it has been that (non-zero) count.
    changed: Option<(usize, Instant)>,
    /// When the last round ended.
    last_round: Option<Instant>,
    /// No round before this (after a failure).
    not_before: Option<Instant>,
}

impl Schedule {
    /// Whether to run a round now, having seen `seen` at `now`.
    pub fn due(&mut self, seen: Seen, now: Instant) -> bool {
        let Seen::On { waiting } = seen else {
            // Locked (or off): start afresh at the next unlock.
            *self = Schedule::default();
            return false;
        };
        let unlocked_now = !self.was_on;
        self.was_on = true;
        match (waiting, self.changed) {
            (0, _) => self.changed = None,
            (n, Some((m, _))) if n == m => {}
            (n, _) => self.changed = Some((n, now)),
        }
        if self.not_before.is_some_and(|t| now < t) {
            return false;
        }
        let settled = self
            .changed
            .is_some_and(|(_, since)| now.saturating_duration_since(since) >= DEBOUNCE);
        let periodic = self
            .last_round
            .is_none_or(|t| now.saturating_duration_since(t) >= PERIOD);
        unlocked_now || settled || periodic
    }

    /// A round ended at `now`; `retry_after` is how long to wait before the next one
    /// (`None`: it worked, or it stopped for a reason the next change or tick fixes).
    pub fn ran(&mut self, now: Instant, retry_after: Option<Duration>) {
        self.last_round = Some(now);
        self.changed = None;
        self.not_before = retry_after.map(|d| now + d);
    }
}

/// How long to wait after a round that failed with `error`.
fn retry_after(error: &ClientError) -> Option<Duration> {
    match error {
        ClientError::VaultChanged | ClientError::Cognito(CognitoError::VaultLocked) => None,
        ClientError::Sync(SyncError::Transport(TransportError::RateLimited {
            retry_after_secs,
        })) => Some(Duration::from_secs(*retry_after_secs).max(BACKOFF)),
        _ => Some(BACKOFF),
    }
}

/// What the vault shows now.
fn look(state: &AppState) -> Seen {
    let session = state.session();
    match session
        .vault
        .as_ref()
        .and_then(|v| v.data().sync.as_ref().map(client::waiting))
    {
        Some(waiting) => Seen::On { waiting },
        None => Seen::Idle,
    }
}

/// Starts the background task.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut schedule = Schedule::default();
        loop {
            tokio::time::sleep(TICK).await;
            let state = app.state::<AppState>().inner().clone();
            if !schedule.due(look(&state), Instant::now()) {
                continue;
            }
            let (_, wait) = run_round(&app, &state).await;
            schedule.ran(Instant::now(), wait);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON: Seen = Seen::On { waiting: 0 };

    #[test]
    fn a_round_runs_at_unlock_then_every_period_and_never_while_locked() {
        let t0 = Instant::now();
        let mut s = Schedule::default();
        assert!(!s.due(Seen::Idle, t0));
        assert!(s.due(ON, t0), "at unlock");
        s.ran(t0, None);
        assert!(!s.due(ON, t0 + Duration::from_secs(1)));
        assert!(!s.due(ON, t0 + PERIOD - Duration::from_secs(1)));
        assert!(s.due(ON, t0 + PERIOD), "after the period");
        s.ran(t0 + PERIOD, None);
        assert!(!s.due(Seen::Idle, t0 + PERIOD * 3), "locked");
        assert!(s.due(ON, t0 + PERIOD * 3 + TICK), "unlocked again");
    }

    #[test]
    fn a_change_is_sent_once_it_has_been_quiet_for_the_debounce() {
        let t0 = Instant::now();
        let mut s = Schedule::default();
        assert!(s.due(ON, t0));
        s.ran(t0, None);
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        assert!(!s.due(Seen::On { waiting: 1 }, at(10)));
        assert!(!s.due(Seen::On { waiting: 2 }, at(11)), "another change");
        assert!(!s.due(Seen::On { waiting: 2 }, at(12)));
        assert!(s.due(Seen::On { waiting: 2 }, at(13)), "quiet since 11");
        s.ran(at(13), None);
        assert!(!s.due(ON, at(14)));
    }

    #[test]
    fn a_failed_round_waits_before_the_next_try() {
        let t0 = Instant::now();
        let mut s = Schedule::default();
        assert!(s.due(Seen::On { waiting: 1 }, t0));
        s.ran(t0, Some(BACKOFF));
        assert!(!s.due(Seen::On { waiting: 1 }, t0 + DEBOUNCE * 2));
        assert!(s.due(Seen::On { waiting: 1 }, t0 + BACKOFF + DEBOUNCE));
    }

    #[test]
    fn only_errors_a_retry_cannot_fix_at_once_back_off() {
        assert_eq!(retry_after(&ClientError::VaultChanged), None);
        assert_eq!(
            retry_after(&ClientError::Cognito(CognitoError::VaultLocked)),
            None
        );
        let limited = ClientError::Sync(SyncError::Transport(TransportError::RateLimited {
            retry_after_secs: 120,
        }));
        assert_eq!(retry_after(&limited), Some(Duration::from_secs(120)));
        let down = ClientError::Sync(SyncError::Transport(TransportError::Unreachable(
            "connection refused".into(),
        )));
        assert_eq!(retry_after(&down), Some(BACKOFF));
    }
}
