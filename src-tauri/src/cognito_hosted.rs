//! The sign-in through the user pool's hosted page, as the app runs it: started by one
//! command (the authorize URL is opened in the system browser and shown to the user),
//! awaited by another, cancelled by a third or by locking. The browser's answer comes
//! back to the core's loopback listener on the desktop, and to the app's own URL scheme
//! (`sesame://callback`, through the deep-link plugin) on the phones.
//!
//! The PKCE verifier, `state` and `nonce` stay in the core's [`HostedSignIn`], held here
//! until the answer arrives or the sign-in is dropped (cancel, lock, a new sign-in).

use std::sync::{Arc, Mutex, MutexGuard};

use sesame::cognito::hosted::config::CALLBACK_PATH;
use sesame::cognito::hosted::listener::Listener;
use sesame::cognito::hosted::sign_in::answer_page;
use sesame::cognito::hosted::{DEFAULT_TIMEOUT, HostedSignIn};
use sesame::cognito::{CognitoError, HostedError};
use tokio::sync::{Notify, oneshot};

/// The redirect URI of the phones: the app's URL scheme, which the pool's app client must
/// list as a callback URL.
pub const APP_REDIRECT_URI: &str = "sesame://callback";

/// Whether `url` is the hosted page's answer to the app's URL scheme.
pub fn is_app_callback(url: &str) -> bool {
    let url = url.trim();
    url.get(..APP_REDIRECT_URI.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(APP_REDIRECT_URI))
        && matches!(
            url.as_bytes().get(APP_REDIRECT_URI.len()),
            None | Some(b'?')
        )
}

/// Where the browser's answer comes back.
pub enum AnswerSource {
    /// The core's listener on `127.0.0.1:PORT` (desktop).
    Loopback(Listener),
    /// A `sesame://callback?…` link routed here by the deep-link plugin (phones); the
    /// query part.
    AppLink(oneshot::Receiver<String>),
}

/// What `wait` takes to finish the sign-in.
pub struct Work {
    pub sign_in: HostedSignIn,
    pub answer: AnswerSource,
}

/// A hosted sign-in started and not over.
struct Pending {
    id: u64,
    url: String,
    /// Fired by cancel and lock; a permit is kept if nobody waits yet.
    cancel: Arc<Notify>,
    /// Taken by `wait`.
    work: Option<Work>,
    /// Where an app link's query goes (phones).
    app_link: Option<oneshot::Sender<String>>,
}

/// Why [`HostedFlow::wait`] ended without the browser's answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Cancelled by the user, by a lock, or by a newer sign-in.
    Cancelled,
    /// There is no sign-in to wait for.
    NothingWaiting,
}

/// At most one hosted sign-in in progress.
#[derive(Default)]
pub struct HostedFlow {
    slot: Mutex<Option<Pending>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl HostedFlow {
    fn slot(&self) -> MutexGuard<'_, Option<Pending>> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps a new sign-in (cancelling the one before); its id. `app_link` is the sender
    /// side of an [`AnswerSource::AppLink`].
    pub fn begin(&self, url: String, work: Work, app_link: Option<oneshot::Sender<String>>) -> u64 {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let old = self.slot().replace(Pending {
            id,
            url,
            cancel: Arc::new(Notify::new()),
            work: Some(work),
            app_link,
        });
        if let Some(old) = old {
            old.cancel.notify_one();
        }
        id
    }

    /// Cancels the sign-in in progress, if any: its listener stops, its secrets are
    /// dropped, and a `wait` on it ends with [`Stopped::Cancelled`].
    pub fn cancel(&self) {
        if let Some(old) = self.slot().take() {
            old.cancel.notify_one();
        }
    }

    /// The authorize URL of the sign-in in progress.
    pub fn url(&self) -> Option<String> {
        self.slot().as_ref().map(|p| p.url.clone())
    }

    /// Whether a sign-in is in progress.
    #[cfg(test)]
    pub fn is_pending(&self) -> bool {
        self.slot().is_some()
    }

    /// Hands an app link's query (`sesame://callback?QUERY`) to the sign-in waiting for
    /// it; whether one was.
    pub fn deliver(&self, url: &str) -> bool {
        let query = url.split_once('?').map_or("", |(_, q)| q).to_owned();
        let sender = self.slot().as_mut().and_then(|p| p.app_link.take());
        sender.is_some_and(|s| s.send(query).is_ok())
    }

    /// Waits for the browser's answer to the sign-in in progress and gives its code to
    /// `finish`; ends early, dropping everything, when the sign-in is cancelled.
    pub async fn wait<T, F, Fut>(&self, finish: F) -> Result<Result<T, CognitoError>, Stopped>
    where
        F: FnOnce(HostedSignIn, zeroize::Zeroizing<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, CognitoError>>,
    {
        let (id, cancel, work) = {
            let mut slot = self.slot();
            let pending = slot.as_mut().ok_or(Stopped::NothingWaiting)?;
            let work = pending.work.take().ok_or(Stopped::NothingWaiting)?;
            (pending.id, pending.cancel.clone(), work)
        };
        let run = async move {
            let Work { sign_in, answer } = work;
            let code = match answer {
                AnswerSource::Loopback(listener) => {
                    listener
                        .answer_one(
                            CALLBACK_PATH,
                            DEFAULT_TIMEOUT,
                            |query| sign_in.code_from(query),
                            answer_page,
                        )
                        .await
                }
                AnswerSource::AppLink(link) => {
                    match tokio::time::timeout(DEFAULT_TIMEOUT, link).await {
                        Ok(Ok(query)) => sign_in.code_from(&query),
                        _ => Err(HostedError::TimedOut {
                            secs: DEFAULT_TIMEOUT.as_secs(),
                        }),
                    }
                }
            };
            match code {
                Ok(code) => finish(sign_in, code).await,
                Err(e) => Err(CognitoError::Hosted(e)),
            }
        };
        let outcome = tokio::select! {
            outcome = run => Ok(outcome),
            _ = cancel.notified() => Err(Stopped::Cancelled),
        };
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|p| p.id == id) {
            *slot = None;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_callback_of_the_app_scheme_is_an_answer() {
        assert!(is_app_callback("sesame://callback?code=1&state=2"));
        assert!(is_app_callback("SESAME://callback"));
        assert!(!is_app_callback("sesame://callbackx?code=1"));
        assert!(!is_app_callback("otpauth://totp/A?secret=B"));
        assert!(!is_app_callback("http://127.0.0.1:7372/callback?code=1"));
    }
}
