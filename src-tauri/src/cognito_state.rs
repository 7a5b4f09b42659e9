//! The Cognito sign-in in progress: kept between the command that starts
//! it and the ones that answer its prompts. It holds the Cognito session and, at the MFA
//! step, the vault's TOTP secret, so locking drops it too ([`AppState::lock`]).
//!
//! [`AppState::lock`]: crate::state::AppState::lock

use sesame::cognito::Driver;

/// At most one sign-in waiting for the user (an async mutex: held across Cognito calls,
/// so one answer at a time).
#[derive(Default)]
pub struct CognitoFlow(pub tauri::async_runtime::Mutex<Option<Driver>>);

impl CognitoFlow {
    /// Drops the waiting sign-in (its secrets are zeroized on drop) unless an answer is
    /// on its way to Cognito: that one sees the lock when it comes back (the session's
    /// lock count moved) and drops it then.
    pub fn clear(&self) {
        if let Ok(mut slot) = self.0.try_lock() {
            *slot = None;
        }
    }

    /// Whether a sign-in is waiting (false while an answer is on its way).
    #[cfg(test)]
    pub fn is_waiting(&self) -> bool {
        self.0.try_lock().is_ok_and(|slot| slot.is_some())
    }
}
