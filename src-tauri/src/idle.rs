//! Auto-lock: a background thread locks the vault after the configured idle time and
//! tells the UI with a `locked` event.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Runtime};

use crate::state::AppState;

/// How often the idle time is checked.
const TICK: Duration = Duration::from_secs(1);

/// Whether a session idle since `last_activity` should lock at `now`.
pub fn should_lock(auto_lock_secs: u64, last_activity: Instant, now: Instant) -> bool {
    auto_lock_secs > 0
        && now.saturating_duration_since(last_activity) >= Duration::from_secs(auto_lock_secs)
}

/// Starts the auto-lock thread.
pub fn start<R: Runtime>(app: AppHandle<R>, state: AppState) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(TICK);
            let locked_now = {
                let mut session = state.session();
                let due = session.vault.as_ref().is_some_and(|vault| {
                    should_lock(
                        vault.data().settings.auto_lock_secs,
                        session.last_activity,
                        Instant::now(),
                    )
                });
                if due {
                    state.lock_session(&mut session);
                }
                due
            };
            if locked_now {
                let _ = app.emit("locked", ());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_only_after_the_idle_time() {
        let start = Instant::now();
        assert!(!should_lock(60, start, start + Duration::from_secs(59)));
        assert!(should_lock(60, start, start + Duration::from_secs(60)));
        assert!(!should_lock(0, start, start + Duration::from_secs(100_000)));
    }
}
