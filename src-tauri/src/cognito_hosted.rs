//! The sign-in through the user pool's hosted page, as the app runs it: started by one
//! command (the authorize URL is opened in the system browser and shown to the user),
//! awaited by another, cancelled by a third or by locking. The browser's answer comes
//! back to the core's loopback listener on the desktop, and to the app's own URL scheme
//! (`sesame://callback`, through the deep-link plugin) on the phones.
//!
//! The PKCE verifier, `state` and `nonce` stay in the core's [`HostedSignIn`], held here
//! until the answer arrives or the sign-in is dropped (cancel, lock, a new sign-in).
//!
//! The sign-out of a session that came from the hosted page waits in the same slot, so a
//! sign-in right after it, a Cancel or a lock stops it too. The browser comes back from
//! its `/logout` to the core's [`HostedSignOut`] listener on the desktop, and to
//! `sesame://signed-out` (the deep-link plugin again) on the phones.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sesame::cognito::hosted::config::CALLBACK_PATH;
use sesame::cognito::hosted::listener::Listener;
use sesame::cognito::hosted::sign_in::answer_page;
use sesame::cognito::hosted::{DEFAULT_TIMEOUT, HostedSignIn, HostedSignOut};
use sesame::cognito::{CognitoError, HostedError};
use tokio::sync::{Notify, oneshot};

/// The redirect URI of the phones: the app's URL scheme, which the pool's app client must
/// list as a callback URL.
pub const APP_REDIRECT_URI: &str = "sesame://callback";

/// Where the hosted page's `/logout` sends the browser back on the phones: the app's URL
/// scheme, which the pool's app client must list as a sign-out URL.
pub const APP_SIGNED_OUT_URI: &str = "sesame://signed-out";

/// Whether `url` is `uri` itself, or `uri` with a query.
fn is_app_link_to(url: &str, uri: &str) -> bool {
    let url = url.trim();
    url.get(..uri.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(uri))
        && matches!(url.as_bytes().get(uri.len()), None | Some(b'?'))
}

/// Whether `url` is the hosted page's answer to the app's URL scheme.
pub fn is_app_callback(url: &str) -> bool {
    is_app_link_to(url, APP_REDIRECT_URI)
}

/// Whether `url` is the browser coming back to the app's URL scheme from the hosted
/// page's `/logout`.
pub fn is_app_signed_out(url: &str) -> bool {
    is_app_link_to(url, APP_SIGNED_OUT_URI)
}

/// Waits up to `timeout` for an app link's query. A sender dropped unused means the slot
/// was emptied (cancel, lock, a newer sign-in), whose cancel ends the wait instead.
async fn app_link_query(
    link: oneshot::Receiver<String>,
    timeout: Duration,
) -> Result<String, HostedError> {
    let query = async {
        match link.await {
            Ok(query) => query,
            Err(_) => std::future::pending().await,
        }
    };
    tokio::time::timeout(timeout, query)
        .await
        .map_err(|_| HostedError::TimedOut {
            secs: timeout.as_secs(),
        })
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

/// Where the browser comes back from the hosted page's `/logout`.
enum SignOutReturn {
    /// The core's listener on `127.0.0.1:PORT/signed-out` (desktop).
    Loopback(HostedSignOut),
    /// A `sesame://signed-out` link routed here by the deep-link plugin (phones).
    AppLink(oneshot::Receiver<String>),
}

/// What waits for the browser in the slot.
enum Job {
    SignIn(Box<Work>),
    SignOut(SignOutReturn),
}

/// The app link a pending job waits for (phones): which one, and where it goes.
struct AppLink {
    uri: &'static str,
    sender: oneshot::Sender<String>,
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
    app_link: Option<AppLink>,
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
        let app_link = app_link.map(|sender| AppLink {
            uri: APP_REDIRECT_URI,
            sender,
        });
        self.keep(url, Job::SignIn(Box::new(work)), app_link)
    }

    /// Keeps a hosted sign-out whose browser has yet to come back to the loopback
    /// listener (cancelling whatever was waiting before); its id.
    pub fn begin_sign_out(&self, sign_out: HostedSignOut) -> u64 {
        let url = sign_out.url().to_owned();
        self.keep(url, Job::SignOut(SignOutReturn::Loopback(sign_out)), None)
    }

    /// Keeps a hosted sign-out (its `/logout` `url`) whose browser comes back to
    /// [`APP_SIGNED_OUT_URI`] (phones), cancelling whatever was waiting before; its id.
    pub fn begin_app_sign_out(&self, url: String) -> u64 {
        let (sender, link) = oneshot::channel();
        let app_link = AppLink {
            uri: APP_SIGNED_OUT_URI,
            sender,
        };
        self.keep(
            url,
            Job::SignOut(SignOutReturn::AppLink(link)),
            Some(app_link),
        )
    }

    fn keep(&self, url: String, work: Job, app_link: Option<AppLink>) -> u64 {
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

    /// Hands an app link's query to what waits for that link: `sesame://callback?QUERY`
    /// to a sign-in, `sesame://signed-out` to a sign-out; whether one was.
    pub fn deliver(&self, url: &str) -> bool {
        let query = url.split_once('?').map_or("", |(_, q)| q).to_owned();
        let link = self.slot().as_mut().and_then(|pending| {
            let awaited = pending
                .app_link
                .as_ref()
                .is_some_and(|link| is_app_link_to(url, link.uri));
            if awaited {
                pending.app_link.take()
            } else {
                None
            }
        });
        link.is_some_and(|l| l.sender.send(query).is_ok())
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
                AnswerSource::AppLink(link) => app_link_query(link, DEFAULT_TIMEOUT)
                    .await
                    .and_then(|query| sign_in.code_from(&query)),
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
        timeout: Duration,
    ) -> Result<Result<(), HostedError>, Stopped> {
        let running = self.running.lock().await;
        let (id, cancel, sign_out) = self.take(|job| match job {
            Job::SignOut(sign_out) => Ok(sign_out),
            other => Err(other),
        })?;
        let back = async move {
            match sign_out {
                SignOutReturn::Loopback(listener) => listener.finish(timeout).await,
                SignOutReturn::AppLink(link) => app_link_query(link, timeout).await.map(drop),
            }
        };
        self.run_until_cancelled(running, id, cancel, back).await
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
        assert!(!is_app_callback("sesame://signed-out"));
    }

    #[test]
    fn only_the_signed_out_link_of_the_app_scheme_ends_a_sign_out() {
        assert!(is_app_signed_out("sesame://signed-out"));
        assert!(is_app_signed_out(" SESAME://Signed-Out?x=1 "));
        assert!(!is_app_signed_out("sesame://signed-outx"));
        assert!(!is_app_signed_out("sesame://callback?code=1"));
        assert!(!is_app_signed_out("http://127.0.0.1:7372/signed-out"));
    }

    #[test]
    fn a_sign_out_waiting_for_its_link_times_out_with_a_clear_error() {
        let flow = HostedFlow::default();
        flow.begin_app_sign_out("https://auth.example/logout".into());
        let outcome =
            tauri::async_runtime::block_on(flow.wait_signed_out(Duration::from_millis(10)));
        assert!(
            matches!(outcome, Ok(Err(HostedError::TimedOut { .. }))),
            "{outcome:?}"
        );
        assert!(!flow.is_pending());
    }
}
