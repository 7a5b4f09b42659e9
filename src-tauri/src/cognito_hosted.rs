//! The sign-in through the user pool's hosted page, as the app runs it: started by one
//! command (the authorize URL is opened in the system browser and shown to the user),
//! awaited by another, cancelled by a third or by locking. The browser's answer comes
//! back to the core's loopback listener on the desktop, and to the app's own URL scheme
//! (`sesame://callback`, through the deep-link plugin) on the phones.
//!
//! The PKCE verifier, `state` and `nonce` stay in the core's [`HostedSignIn`], held here
//! until the answer arrives or the sign-in is dropped (cancel, lock, a new sign-in).
//!
//! The sign-out of a session that came from the hosted page waits in the same slot (the
//! core's [`HostedSignOut`]: its `/logout` URL and the listener the browser comes back
//! to), so a sign-in right after it, a Cancel or a lock stops its listener too.

use std::sync::{Arc, Mutex, MutexGuard};

use sesame::cognito::hosted::config::CALLBACK_PATH;
use sesame::cognito::hosted::listener::Listener;
use sesame::cognito::hosted::sign_in::answer_page;
use sesame::cognito::hosted::{DEFAULT_TIMEOUT, HostedSignIn, HostedSignOut};
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

/// What waits for the browser in the slot.
enum Job {
    SignIn(Box<Work>),
    SignOut(HostedSignOut),
}

/// A hosted sign-in (or sign-out) started and not over.
struct Pending {
    id: u64,
    url: String,
    /// Fired by cancel and lock; a permit is kept if nobody waits yet.
    cancel: Arc<Notify>,
    /// Taken by `wait` or `wait_signed_out`.
    work: Option<Job>,
    /// Where an app link's query goes (phones).
    app_link: Option<oneshot::Sender<String>>,
}

/// Why [`HostedFlow::wait`] ended without the browser's answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Cancelled by the user, by a lock, or by a newer sign-in.
    Cancelled,
    /// There is no sign-in (or, for `wait_signed_out`, no sign-out) to wait for.
    NothingWaiting,
}

/// At most one hosted sign-in or sign-out in progress.
#[derive(Default)]
pub struct HostedFlow {
    slot: Mutex<Option<Pending>>,
    next_id: std::sync::atomic::AtomicU64,
    /// Held by a wait until its work (and the listener in it) is dropped: [`Self::stop`]
    /// takes it to know the port is free.
    running: tokio::sync::Mutex<()>,
}

impl HostedFlow {
    fn slot(&self) -> MutexGuard<'_, Option<Pending>> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps a new sign-in (cancelling the one before); its id. `app_link` is the sender
    /// side of an [`AnswerSource::AppLink`].
    pub fn begin(&self, url: String, work: Work, app_link: Option<oneshot::Sender<String>>) -> u64 {
        self.keep(url, Job::SignIn(Box::new(work)), app_link)
    }

    /// Keeps a hosted sign-out whose browser has yet to come back (cancelling whatever
    /// was waiting before); its id.
    pub fn begin_sign_out(&self, sign_out: HostedSignOut) -> u64 {
        self.keep(sign_out.url().to_owned(), Job::SignOut(sign_out), None)
    }

    fn keep(&self, url: String, work: Job, app_link: Option<oneshot::Sender<String>>) -> u64 {
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

    /// Cancels what is in progress, as [`Self::cancel`], and returns once a wait on it has
    /// ended and dropped its listener: the port is free again.
    pub async fn stop(&self) {
        self.cancel();
        drop(self.running.lock().await);
    }

    /// The address of the sign-in (authorize URL) or sign-out (`/logout`) in progress.
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
        let running = self.running.lock().await;
        let (id, cancel, work) = self.take(|job| match job {
            Job::SignIn(work) => Ok(*work),
            other => Err(other),
        })?;
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
        self.run_until_cancelled(running, id, cancel, run).await
    }

    /// Waits up to `timeout` for the browser to come back from the hosted page's
    /// `/logout`; ends early, stopping the listener, when it is cancelled.
    pub async fn wait_signed_out(
        &self,
        timeout: std::time::Duration,
    ) -> Result<Result<(), HostedError>, Stopped> {
        let running = self.running.lock().await;
        let (id, cancel, sign_out) = self.take(|job| match job {
            Job::SignOut(sign_out) => Ok(sign_out),
            other => Err(other),
        })?;
        self.run_until_cancelled(running, id, cancel, sign_out.finish(timeout))
            .await
    }

    /// Takes the waiting work `pick` accepts (what it gives back stays in the slot).
    fn take<W>(
        &self,
        pick: impl FnOnce(Job) -> Result<W, Job>,
    ) -> Result<(u64, Arc<Notify>, W), Stopped> {
        let mut slot = self.slot();
        let pending = slot.as_mut().ok_or(Stopped::NothingWaiting)?;
        let job = pending.work.take().ok_or(Stopped::NothingWaiting)?;
        match pick(job) {
            Ok(work) => Ok((pending.id, pending.cancel.clone(), work)),
            Err(job) => {
                pending.work = Some(job);
                Err(Stopped::NothingWaiting)
            }
        }
    }

    /// Runs `work` until it ends or `cancel` fires, then (work dropped) lets `running` go
    /// and empties the slot if it still holds pending `id`. The waits take `running`
    /// before the work, so [`Self::stop`] cannot slip in between.
    async fn run_until_cancelled<T>(
        &self,
        running: tokio::sync::MutexGuard<'_, ()>,
        id: u64,
        cancel: Arc<Notify>,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, Stopped> {
        let outcome = tokio::select! {
            outcome = work => Ok(outcome),
            _ = cancel.notified() => Err(Stopped::Cancelled),
        };
        drop(running);
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
