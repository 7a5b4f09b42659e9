//! Amazon Cognito (the desktop and the phones alike): configure a user
//! pool, sign up, sign in, keep Sesame as the user's authenticator, sign out. Each command
//! parses its request and calls the core (`sesame::cognito`); a sign-in is the core's
//! [`Driver`]: the commands hand it the user's answer and return its [`Prompt`].
//!
//! The session lock (a `std` mutex) is never held across the network: the core's flows
//! reach the vault through `AppState`'s `VaultAccess` (`cognito_vault.rs`), which locks
//! it for each read or write only. Tokens never leave the shell; the web view sees
//! names, claims and expiries.

use std::collections::BTreeMap;

use sesame::cognito::store::{self, CognitoState};
use sesame::cognito::{
    Answer, AuthFlow, ClientSecret, CognitoClient, CognitoConfig, Driver, Prompt, enrollment,
    session,
};
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::cognito_hosted::{self, AnswerSource, Stopped, Work};
use crate::cognito_view::{
    CodeSent, CognitoStatus, HostedSetup, HostedStarted, PageCode, SignedOut, attributes,
};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;

/// A client for the configured pool (taken out of the vault; the lock is released).
fn client(state: &AppState) -> AppResult<CognitoClient> {
    let mut session = state.active_session();
    Ok(store::client(session.vault()?.data())?)
}

fn status_now(state: &AppState) -> AppResult<CognitoStatus> {
    CognitoStatus::of(state.active_session().vault()?)
}

/// The pool and session, as stored.
#[tauri::command]
pub async fn cognito_status(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    status_now(&state)
}

/// Stores the pool and app client (a session with another pool is forgotten). An empty
/// secret keeps the stored secret of the same app client.
#[tauri::command]
pub async fn cognito_configure(
    state: State<'_, AppState>,
    region: String,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<Zeroizing<String>>,
    endpoint: Option<String>,
    hosted: Option<HostedSetup>,
) -> AppResult<CognitoStatus> {
    let mut config = CognitoConfig::new(region, user_pool_id, client_id)?;
    config.client_secret = client_secret
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .map(ClientSecret::new);
    config.endpoint = endpoint
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    config.hosted = hosted.map(HostedSetup::into_config).transpose()?.flatten();
    let mut session = state.active_session();
    let vault = session.vault()?;
    if let Some(old) = CognitoState::load(vault.data())?.config
        && old.same_client(&config)
    {
        if config.client_secret.is_none() {
            config.client_secret = old.client_secret;
        }
        // What only the CLI sets (`configure --issuer/--jwks-url/--identity-provider`)
        // stays as it was.
        config.issuer = old.issuer;
        config.jwks_url = old.jwks_url;
        if let (Some(new), Some(old)) = (config.hosted.as_mut(), old.hosted) {
            new.identity_provider = old.identity_provider;
        }
    }
    config.check()?;
    store::configure(vault, config)?;
    CognitoStatus::of(vault)
}

/// Creates a user; a confirmation code is sent unless the pool confirms by itself.
#[tauri::command]
pub async fn cognito_sign_up(
    state: State<'_, AppState>,
    username: String,
    email: String,
    password: Zeroizing<String>,
) -> AppResult<CodeSent> {
    let email = email.trim();
    let attributes: Vec<_> = [("email".to_owned(), email.to_owned())]
        .into_iter()
        .filter(|_| !email.is_empty())
        .collect();
    let outcome = client(&state)?
        .sign_up(username.trim(), &password, &attributes)
        .await?;
    Ok(CodeSent::new(outcome.delivery, outcome.confirmed))
}

/// Confirms a sign-up with the code that was sent.
#[tauri::command]
pub async fn cognito_confirm(
    state: State<'_, AppState>,
    username: String,
    code: Zeroizing<String>,
) -> AppResult<()> {
    let client = client(&state)?;
    Ok(client.confirm_sign_up(username.trim(), code.trim()).await?)
}

/// Sends the sign-up confirmation code again.
#[tauri::command]
pub async fn cognito_resend(state: State<'_, AppState>, username: String) -> AppResult<CodeSent> {
    let delivery = client(&state)?
        .resend_confirmation_code(username.trim())
        .await?;
    Ok(CodeSent::new(delivery, false))
}

/// Starts a password reset: a code is sent.
#[tauri::command]
pub async fn cognito_forgot_password(
    state: State<'_, AppState>,
    username: String,
) -> AppResult<CodeSent> {
    let delivery = client(&state)?.forgot_password(username.trim()).await?;
    Ok(CodeSent::new(delivery, false))
}

/// Sets a new password with the reset code.
#[tauri::command]
pub async fn cognito_confirm_forgot_password(
    state: State<'_, AppState>,
    username: String,
    code: Zeroizing<String>,
    password: Zeroizing<String>,
) -> AppResult<()> {
    let client = client(&state)?;
    Ok(client
        .confirm_forgot_password(username.trim(), code.trim(), &password)
        .await?)
}

fn no_sign_in() -> AppError {
    AppError::new(
        ErrorKind::Cognito,
        "There is no sign-in waiting for this step: sign in again.",
    )
}

/// Gives the waiting sign-in `answer` (or a new one, with `start`) and returns what it
/// needs next. The core decides everything; a sign-in that is over is dropped, and so is
/// one whose vault is locked (before the answer, or while it was on its way: `locked`,
/// nothing sent in the first case).
async fn answer(state: &AppState, start: Option<Driver>, answer: Answer) -> AppResult<Prompt> {
    // Read before the slot is taken: a lock from here on is seen below.
    let locks = state.lock_count();
    let mut slot = state.sign_in.0.lock().await;
    if start.is_some() {
        *slot = start;
    }
    if state.session().vault.is_none() || state.lock_count() != locks {
        *slot = None;
        return Err(AppError::locked());
    }
    let driver = slot.as_mut().ok_or_else(no_sign_in)?;
    let result = driver.answer(state, answer).await;
    if state.lock_count() != locks {
        *slot = None;
        return Err(AppError::locked());
    }
    if driver.is_over() {
        *slot = None;
    }
    Ok(result?)
}

/// Starts a sign-in (SRP); the answer says what is needed next.
#[tauri::command]
pub async fn cognito_sign_in(
    state: State<'_, AppState>,
    username: String,
    password: Zeroizing<String>,
) -> AppResult<Prompt> {
    *state.sign_in.0.lock().await = None;
    let driver = {
        let mut session = state.active_session();
        let vault = session.vault()?;
        let client = store::client(vault.data())?;
        let enrolled =
            CognitoState::load(vault.data())?.enrolled(vault.data(), &client.config().user_pool_id);
        Driver::new(&client, &username, enrolled)
    };
    let password = Answer::Password {
        password,
        flow: AuthFlow::Srp,
    };
    answer(&state, Some(driver), password).await
}

/// Answers the sign-in's MFA challenge with a code the user typed.
#[tauri::command]
pub async fn cognito_answer_mfa(
    state: State<'_, AppState>,
    code: Zeroizing<String>,
) -> AppResult<Prompt> {
    answer(&state, None, Answer::MfaCode(code)).await
}

/// Answers the sign-in's TOTP challenge with the code of the secret Sesame holds.
#[tauri::command]
pub async fn cognito_answer_mfa_from_vault(state: State<'_, AppState>) -> AppResult<Prompt> {
    answer(&state, None, Answer::MfaFromVault).await
}

/// Sets the new password the waiting sign-in asks for (prompt `new_password`).
/// `attributes` maps each of the prompt's `required_attributes` to its value (e.g.
/// `{"name": "Alice Liddell"}`); empty values are left out. A password the pool's policy
/// refuses keeps the sign-in waiting, so another one can be tried.
#[tauri::command]
pub async fn cognito_set_new_password(
    state: State<'_, AppState>,
    password: Zeroizing<String>,
    attributes: Option<BTreeMap<String, String>>,
) -> AppResult<Prompt> {
    if password.is_empty() {
        return Err(AppError::invalid("Choose a new password."));
    }
    let attributes = self::attributes(attributes.unwrap_or_default())?;
    let new = Answer::NewPassword {
        password,
        attributes,
    };
    answer(&state, None, new).await
}

/// Answers the waiting sign-in's `mfa_setup` prompt by making Sesame the user's
/// authenticator app (a new account in the vault), then goes on with the sign-in.
#[tauri::command]
pub async fn cognito_set_up_mfa(state: State<'_, AppState>) -> AppResult<Prompt> {
    answer(&state, None, Answer::SetUpMfa).await
}

/// The session (refreshed when close to expiry) with its ID token verified now.
#[tauri::command]
pub async fn cognito_whoami(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    let verified = session::whoami(&*state, &client(&state)?).await?;
    Ok(status_now(&state)?.with_claims(&verified))
}

/// New tokens with the refresh token, now.
#[tauri::command]
pub async fn cognito_refresh(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    let client = client(&state)?;
    let refreshed = session::refresh(&*state, &client).await?;
    let verified = session::verify(&client, refreshed).await?;
    Ok(status_now(&state)?.with_claims(&verified))
}

/// Makes Sesame the signed-in user's authenticator and turns TOTP MFA on. A preference
/// Cognito did not take is an error (the authenticator is set up all the same: trying
/// again finishes it).
#[tauri::command]
pub async fn cognito_enable_mfa(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    let enrolled = enrollment::enable_totp(&*state, &client(&state)?).await?;
    if let Some(e) = enrolled.preference_error {
        return Err(AppError::new(
            ErrorKind::Cognito,
            format!(
                "Sesame is set up as the authenticator, but turning MFA on failed: {e}; try again."
            ),
        ));
    }
    status_now(&state)
}

/// Turns TOTP MFA off and removes the authenticator account from the vault.
#[tauri::command]
pub async fn cognito_disable_mfa(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    enrollment::disable_totp(&*state, &client(&state)?, false).await?;
    status_now(&state)
}

/// Signs out everywhere, revokes the refresh token and forgets the tokens. A session that
/// came from the hosted page also ends the page's own session: the browser is opened on
/// its `/logout`, whose return (to the loopback listener on the desktop, to
/// `sesame://signed-out` on the phones) [`cognito_hosted_sign_out_wait`] awaits (a hosted
/// sign-in or sign-out waiting before is cancelled).
#[tauri::command]
pub async fn cognito_sign_out(app: AppHandle, state: State<'_, AppState>) -> AppResult<SignedOut> {
    let client = client(&state)?;
    let from_hosted_page = {
        let mut session = state.active_session();
        session::stored(session.vault()?.data())?.is_some_and(|s| s.hosted)
    };
    session::sign_out(&*state, &client).await?;
    let status = status_now(&state)?;
    let (hosted, hosted_error) = if from_hosted_page && client.config().hosted.is_some() {
        match end_hosted_session(&app, &state, &client).await {
            Ok(started) => (Some(started), None),
            Err(e) => (None, Some(e.message)),
        }
    } else {
        (None, None)
    };
    Ok(SignedOut {
        status,
        hosted,
        hosted_error,
    })
}

/// Starts the hosted page's sign-out in the slot of the hosted sign-in and opens the
/// browser on its `/logout`.
async fn end_hosted_session(
    app: &AppHandle,
    state: &AppState,
    client: &CognitoClient,
) -> AppResult<HostedStarted> {
    let (url, redirect_uri) = start_hosted_sign_out(state, client, cfg!(mobile)).await?;
    let opened = open_browser(app, &url);
    Ok(HostedStarted {
        url,
        redirect_uri,
        opened,
        page_codes: Vec::new(),
    })
}

/// Keeps the hosted page's sign-out waiting in the slot: on a `phone`, for the
/// `sesame://signed-out` link; else at the loopback listener, bound here. Its `/logout`
/// URL and where that sends the browser back.
async fn start_hosted_sign_out(
    state: &AppState,
    client: &CognitoClient,
    phone: bool,
) -> AppResult<(String, String)> {
    state.hosted.stop().await;
    let locks = state.lock_count();
    let (url, back_to) = if phone {
        let back_to = cognito_hosted::APP_SIGNED_OUT_URI;
        let url = sesame::cognito::hosted::logout_url_to(client, back_to).await?;
        state.hosted.begin_app_sign_out(url.clone());
        (url, back_to.to_owned())
    } else {
        let sign_out = sesame::cognito::hosted::HostedSignOut::start(client).await?;
        let url = sign_out.url().to_owned();
        state.hosted.begin_sign_out(sign_out);
        let back_to = sesame::cognito::hosted::hosted_config(client)?.logout_uri();
        (url, back_to)
    };
    if state.lock_count() != locks {
        state.hosted.cancel();
        return Err(AppError::locked());
    }
    Ok((url, back_to))
}

/// Waits for the browser to come back from the hosted page's `/logout` (started by
/// [`cognito_sign_out`]). The tokens are revoked and forgotten whatever happens here: a
/// cancel, a lock or the time running out is an error saying the browser's session with
/// the hosted page may remain.
#[tauri::command]
pub async fn cognito_hosted_sign_out_wait(state: State<'_, AppState>) -> AppResult<()> {
    let may_remain = |why: &str| {
        AppError::new(
            ErrorKind::Cognito,
            format!(
                "Signed out: the tokens are revoked and forgotten, but the browser's session with the hosted page may remain ({why})."
            ),
        )
    };
    match state
        .hosted
        .wait_signed_out(sesame::cognito::hosted::DEFAULT_TIMEOUT)
        .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(may_remain(&e.to_string())),
        Err(Stopped::Cancelled) => Err(may_remain("its sign-out was cancelled")),
        Err(Stopped::NothingWaiting) => Err(may_remain("no sign-out of it is waiting")),
    }
}

/// Starts a sign-in through the hosted page (straight to `identity_provider` if given,
/// else the configured one): the authorize URL is opened in the system browser and
/// returned, for the user to open by hand if no browser came up. The answer is awaited by
/// [`cognito_hosted_wait`]. A sign-in already in progress is cancelled.
#[tauri::command]
pub async fn cognito_hosted_start(
    app: AppHandle,
    state: State<'_, AppState>,
    identity_provider: Option<String>,
) -> AppResult<HostedStarted> {
    // Stopped, not only cancelled: the port of a sign-in or sign-out waiting before is free.
    state.hosted.stop().await;
    *state.sign_in.0.lock().await = None;
    let locks = state.lock_count();
    let client = client(&state)?;
    let hosted = sesame::cognito::hosted::hosted_config(&client)?.clone();
    let provider = identity_provider
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let (redirect_uri, answer, app_link) = if cfg!(mobile) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (
            cognito_hosted::APP_REDIRECT_URI.to_owned(),
            AnswerSource::AppLink(rx),
            Some(tx),
        )
    } else {
        let listener = sesame::cognito::hosted::listener::Listener::bind(hosted.redirect_port)
            .await
            .map_err(sesame::cognito::CognitoError::from)?;
        (
            hosted.redirect_uri(),
            AnswerSource::Loopback(listener),
            None,
        )
    };
    let sign_in =
        sesame::cognito::HostedSignIn::start(&client, &redirect_uri, provider.as_deref()).await?;
    if state.lock_count() != locks || state.session().vault.is_none() {
        return Err(AppError::locked());
    }
    let page_codes = page_codes(&state, &client)?;
    let url = sign_in.url().to_owned();
    state
        .hosted
        .begin(url.clone(), Work { sign_in, answer }, app_link);
    // A lock between the check above and `begin` found nothing to cancel yet.
    if state.lock_count() != locks {
        state.hosted.cancel();
        return Err(AppError::locked());
    }
    let opened = open_browser(&app, &url);
    Ok(HostedStarted {
        url,
        redirect_uri,
        opened,
        page_codes,
    })
}

/// The vault's accounts whose codes answer the hosted page's MFA step for `client`'s pool.
fn page_codes(state: &AppState, client: &CognitoClient) -> AppResult<Vec<PageCode>> {
    let mut session = state.active_session();
    let accounts = sesame::cognito::hosted::page_code_accounts(
        session.vault()?.data(),
        &client.config().user_pool_id,
    )?;
    Ok(accounts.into_iter().map(PageCode::from).collect())
}

/// Opens `url` in the system browser; whether a browser could be started. On the
/// desktop, `BROWSER` (the usual variable: a program that takes the URL; the first of a
/// `:`-separated list) is tried first.
fn open_browser(app: &AppHandle, url: &str) -> bool {
    use tauri_plugin_opener::OpenerExt;
    let with = if cfg!(desktop) {
        std::env::var("BROWSER")
            .ok()
            .and_then(|b| b.split(':').next().map(str::to_owned))
            .filter(|b| !b.trim().is_empty())
    } else {
        None
    };
    // A `BROWSER` that cannot be started still leaves the system's default browser.
    if with.is_some() && app.opener().open_url(url, with).is_ok() {
        return true;
    }
    app.opener().open_url(url, None::<&str>).is_ok()
}

/// Waits for the browser to come back from the hosted page and keeps the verified
/// session: the signed-in status. A wrong `state`, an `error=` answer, a refused code or
/// the time running out is an error that stores nothing; so is a cancel or a lock.
#[tauri::command]
pub async fn cognito_hosted_wait(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    let locks = state.lock_count();
    let vault = &*state;
    let outcome = state
        .hosted
        .wait(|sign_in, code| async move { sign_in.finish(vault, &code).await })
        .await;
    if state.lock_count() != locks {
        return Err(AppError::locked());
    }
    match outcome {
        Ok(done) => {
            done?;
            status_now(&state)
        }
        Err(Stopped::Cancelled) => Err(AppError::new(
            ErrorKind::Cognito,
            "The sign-in through the hosted page was cancelled.",
        )),
        Err(Stopped::NothingWaiting) => Err(no_sign_in()),
    }
}

/// Cancels the hosted sign-in (or sign-out) in progress: the listener stops and nothing
/// is stored.
#[tauri::command]
pub async fn cognito_hosted_cancel(state: State<'_, AppState>) -> AppResult<()> {
    state.hosted.stop().await;
    Ok(())
}

/// Copies the address of the hosted sign-in (or sign-out) in progress, for a browser that
/// did not open.
#[tauri::command]
pub async fn cognito_hosted_copy_link(state: State<'_, AppState>) -> AppResult<()> {
    let url = state.hosted.url().ok_or_else(no_sign_in)?;
    state.clipboard.copy(&url)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::Arc;

    use sesame::clock::SystemClock;
    use sesame::keystore::{self, KeystoreChoice};
    use sesame::vault::{KdfCost, Vault, VaultPaths};

    use super::*;

    /// An unlocked app state and a sign-in waiting in it, whose Cognito endpoint is
    /// `listener` (so a test sees whether anything was sent).
    fn signing_in(dir: &std::path::Path, listener: &TcpListener) -> AppState {
        let paths = VaultPaths::in_dir(dir.join("sesame"));
        let keys = KeystoreChoice::File(dir.join("keys"));
        let vault = Vault::create(
            paths.clone(),
            keystore::open(&keys).unwrap(),
            None,
            KdfCost::DEFAULT,
        )
        .unwrap();
        let state = AppState::new(paths, keys);
        state.session().vault = Some(vault);
        let mut config = CognitoConfig::new("eu-west-1", "eu-west-1_Abc123", "client").unwrap();
        config.endpoint = Some(format!("http://{}", listener.local_addr().unwrap()));
        let client = CognitoClient::new(config, Arc::new(SystemClock)).unwrap();
        *state.sign_in.0.try_lock().unwrap() = Some(Driver::new(&client, "alice", Vec::new()));
        state
    }

    fn listener() -> TcpListener {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        listener
    }

    fn nothing_sent(listener: &TcpListener) -> bool {
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }

    #[test]
    fn locking_drops_the_sign_in_in_progress() {
        let dir = tempfile::tempdir().unwrap();
        let listener = listener();
        let state = signing_in(dir.path(), &listener);
        assert!(state.sign_in.is_waiting());

        state.lock();
        assert!(!state.sign_in.is_waiting());
        assert!(state.session().vault.is_none());
        assert!(nothing_sent(&listener));
    }

    #[test]
    fn auto_lock_drops_the_sign_in_in_progress() {
        let dir = tempfile::tempdir().unwrap();
        let listener = listener();
        let state = signing_in(dir.path(), &listener);

        // What the idle thread does when the time is up.
        state.lock_session(&mut state.session());
        assert!(!state.sign_in.is_waiting());
    }

    #[test]
    fn answering_from_the_vault_after_lock_is_locked_and_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let listener = listener();
        let state = signing_in(dir.path(), &listener);
        state.lock();

        let answered = tauri::async_runtime::block_on(answer(&state, None, Answer::MfaFromVault));
        let Err(e) = answered else {
            panic!("{answered:?}")
        };
        assert_eq!(e.kind, ErrorKind::Locked, "{}", e.message);
        assert!(nothing_sent(&listener));
    }

    #[test]
    fn a_sign_in_left_by_a_lock_in_flight_is_dropped_at_the_next_answer() {
        // A lock while an answer holds the slot cannot clear it; the vault is gone
        // either way, and the next answer drops the sign-in without sending anything.
        let dir = tempfile::tempdir().unwrap();
        let listener = listener();
        let state = signing_in(dir.path(), &listener);
        {
            let _in_flight = state.sign_in.0.try_lock().unwrap();
            state.lock();
        }
        assert!(state.sign_in.is_waiting());

        let answered = tauri::async_runtime::block_on(answer(&state, None, Answer::MfaFromVault));
        assert!(matches!(answered, Err(ref e) if e.kind == ErrorKind::Locked));
        assert!(!state.sign_in.is_waiting());
        assert!(nothing_sent(&listener));
    }

    /// An unlocked state whose pool has a hosted page on `port` (nothing listens at the
    /// pool's endpoint or domain: discovery falls back to the domain, and no test here
    /// gets as far as the token endpoint).
    fn hosted_state(dir: &std::path::Path, port: u16) -> (AppState, CognitoClient) {
        let dead = listener();
        let dead = format!("http://{}", dead.local_addr().unwrap());
        let state = signing_in(dir, &listener());
        *state.sign_in.0.try_lock().unwrap() = None;
        let mut config = CognitoConfig::new("eu-west-1", "eu-west-1_Abc123", "client").unwrap();
        config.endpoint = Some(dead.clone());
        let mut hosted = sesame::cognito::hosted::HostedConfig::new(dead).unwrap();
        hosted.redirect_port = port;
        config.hosted = Some(hosted);
        let client = CognitoClient::new(config, Arc::new(SystemClock)).unwrap();
        (state, client)
    }

    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// Starts a hosted sign-in answered at the loopback listener on `port`.
    async fn start_loopback(state: &AppState, client: &CognitoClient, port: u16) {
        let listener = sesame::cognito::hosted::listener::Listener::bind(port)
            .await
            .unwrap();
        let uri = format!("http://127.0.0.1:{port}/callback");
        let sign_in = sesame::cognito::HostedSignIn::start(client, &uri, None)
            .await
            .unwrap();
        let url = sign_in.url().to_owned();
        state.hosted.begin(
            url,
            Work {
                sign_in,
                answer: AnswerSource::Loopback(listener),
            },
            None,
        );
    }

    fn listening(port: u16) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    }

    /// Nothing waits in the hosted slot, and the listener on `port` is closed.
    fn assert_stopped(state: &AppState, port: u16) {
        assert!(!state.hosted.is_pending());
        assert!(!listening(port), "the listener stopped");
    }

    /// Runs `meanwhile` once `waiting` (a wait of the hosted slot) has started; the wait
    /// must end cancelled.
    async fn cancelled_while_waiting<T: std::fmt::Debug>(
        waiting: impl Future<Output = Result<T, Stopped>>,
        meanwhile: impl Future<Output = ()>,
    ) {
        let meanwhile = async {
            tokio::task::yield_now().await;
            meanwhile.await;
        };
        let (outcome, ()) = tokio::join!(waiting, meanwhile);
        assert_eq!(outcome.unwrap_err(), Stopped::Cancelled);
    }

    #[test]
    fn locking_cancels_the_hosted_sign_in_being_waited_for_and_stops_its_listener() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        let vault = &state;
        tauri::async_runtime::block_on(async {
            start_loopback(&state, &client, port).await;
            assert!(listening(port));
            let waiting = state
                .hosted
                .wait(|sign_in, code| async move { sign_in.finish(vault, &code).await });
            cancelled_while_waiting(waiting, async { state.lock() }).await;
        });
        assert_stopped(&state, port);
    }

    #[test]
    fn locking_before_the_wait_drops_the_hosted_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        let vault = &state;
        tauri::async_runtime::block_on(start_loopback(&state, &client, port));
        assert!(state.hosted.url().is_some_and(|u| u.contains("state=")));
        state.lock();
        assert_stopped(&state, port);
        let outcome = tauri::async_runtime::block_on(
            state
                .hosted
                .wait(|sign_in, code| async move { sign_in.finish(vault, &code).await }),
        );
        assert_eq!(outcome.unwrap_err(), Stopped::NothingWaiting);
    }

    #[test]
    fn an_app_link_with_another_state_is_refused_and_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (state, client) = hosted_state(dir.path(), free_port());
        let vault = &state;
        let outcome = tauri::async_runtime::block_on(async {
            let sign_in = sesame::cognito::HostedSignIn::start(
                &client,
                crate::cognito_hosted::APP_REDIRECT_URI,
                None,
            )
            .await
            .unwrap();
            assert!(
                sign_in
                    .url()
                    .contains("redirect_uri=sesame%3A%2F%2Fcallback")
            );
            let (tx, rx) = tokio::sync::oneshot::channel();
            state.hosted.begin(
                sign_in.url().to_owned(),
                Work {
                    sign_in,
                    answer: AnswerSource::AppLink(rx),
                },
                Some(tx),
            );
            let waiting = state
                .hosted
                .wait(|sign_in, code| async move { sign_in.finish(vault, &code).await });
            let link = async {
                tokio::task::yield_now().await;
                assert!(
                    state
                        .hosted
                        .deliver("sesame://callback?code=stolen&state=someone-elses")
                );
            };
            tokio::join!(waiting, link).0
        });
        let refused = outcome.unwrap().unwrap_err();
        assert!(
            matches!(
                refused,
                sesame::cognito::CognitoError::Hosted(
                    sesame::cognito::HostedError::StateMismatch { .. }
                )
            ),
            "{refused:?}"
        );
        let vault = state.session();
        let stored = CognitoState::load(vault.vault.as_ref().unwrap().data()).unwrap();
        assert!(stored.session.is_none());
        assert!(!state.hosted.deliver("sesame://callback?code=late"));
    }

    /// Starts the hosted page's sign-out in the slot, listening on `port`.
    async fn start_sign_out(state: &AppState, client: &CognitoClient) -> String {
        let sign_out = sesame::cognito::hosted::HostedSignOut::start(client)
            .await
            .unwrap();
        let url = sign_out.url().to_owned();
        state.hosted.begin_sign_out(sign_out);
        url
    }

    #[test]
    fn the_hosted_sign_out_ends_when_the_browser_comes_back_to_signed_out() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        let (outcome, page) = tauri::async_runtime::block_on(async {
            let url = start_sign_out(&state, &client).await;
            assert!(
                url.contains("/logout?client_id=client&logout_uri="),
                "{url}"
            );
            assert!(
                url.contains(&format!("127.0.0.1%3A{port}%2Fsigned-out")),
                "{url}"
            );
            assert_eq!(state.hosted.url().as_deref(), Some(url.as_str()));
            let browser = async {
                let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .unwrap();
                stream
                    .write_all(b"GET /signed-out HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .await
                    .unwrap();
                let mut page = String::new();
                stream.read_to_string(&mut page).await.unwrap();
                page
            };
            tokio::join!(
                state
                    .hosted
                    .wait_signed_out(std::time::Duration::from_secs(30)),
                browser
            )
        });
        assert!(matches!(outcome, Ok(Ok(()))), "{outcome:?}");
        assert!(page.contains("session has ended"), "{page}");
        assert_stopped(&state, port);
    }

    #[test]
    fn a_hosted_sign_in_right_after_a_waiting_sign_out_finds_the_port_free() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        tauri::async_runtime::block_on(async {
            start_sign_out(&state, &client).await;
            let waiting = state
                .hosted
                .wait_signed_out(std::time::Duration::from_secs(30));
            let sign_in = async {
                // What `cognito_hosted_start` does before it binds the port.
                state.hosted.stop().await;
                start_loopback(&state, &client, port).await;
            };
            cancelled_while_waiting(waiting, sign_in).await;
        });
        assert!(
            state
                .hosted
                .url()
                .is_some_and(|u| u.contains("/oauth2/authorize"))
        );
        assert!(listening(port), "the new sign-in listens");
    }

    #[test]
    fn locking_cancels_the_hosted_sign_out_and_stops_its_listener() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        tauri::async_runtime::block_on(async {
            start_sign_out(&state, &client).await;
            assert!(listening(port));
            let waiting = state
                .hosted
                .wait_signed_out(std::time::Duration::from_secs(30));
            cancelled_while_waiting(waiting, async { state.lock() }).await;
        });
        assert_stopped(&state, port);
    }

    #[test]
    fn the_phone_sign_out_comes_back_to_the_app_scheme_and_ends_with_its_link() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        let (outcome, delivered) = tauri::async_runtime::block_on(async {
            let (url, back_to) = start_hosted_sign_out(&state, &client, true).await.unwrap();
            assert_eq!(back_to, "sesame://signed-out");
            assert!(
                url.contains("/logout?client_id=client&logout_uri=sesame%3A%2F%2Fsigned-out"),
                "{url}"
            );
            assert_eq!(state.hosted.url().as_deref(), Some(url.as_str()));
            assert!(!listening(port), "a phone has no loopback listener");
            let link = async {
                tokio::task::yield_now().await;
                state.hosted.deliver("sesame://signed-out")
            };
            tokio::join!(
                state
                    .hosted
                    .wait_signed_out(std::time::Duration::from_secs(30)),
                link
            )
        });
        assert!(delivered);
        assert!(matches!(outcome, Ok(Ok(()))), "{outcome:?}");
        assert!(!state.hosted.is_pending());
        assert!(
            !state.hosted.deliver("sesame://signed-out"),
            "nothing waits now"
        );
    }

    #[test]
    fn a_phone_sign_out_and_a_phone_sign_in_take_only_their_own_links() {
        let dir = tempfile::tempdir().unwrap();
        let (state, client) = hosted_state(dir.path(), free_port());
        tauri::async_runtime::block_on(async {
            start_hosted_sign_out(&state, &client, true).await.unwrap();
            assert!(!state.hosted.deliver("sesame://callback?code=1&state=2"));
            assert!(state.hosted.is_pending(), "the sign-out still waits");

            let sign_in = sesame::cognito::HostedSignIn::start(
                &client,
                cognito_hosted::APP_REDIRECT_URI,
                None,
            )
            .await
            .unwrap();
            let (tx, rx) = tokio::sync::oneshot::channel();
            let url = sign_in.url().to_owned();
            let work = Work {
                sign_in,
                answer: AnswerSource::AppLink(rx),
            };
            state.hosted.begin(url, work, Some(tx));
            assert!(!state.hosted.deliver("sesame://signed-out"));
            assert!(state.hosted.deliver("sesame://callback?code=1&state=2"));
        });
    }

    #[test]
    fn locking_cancels_the_phone_sign_out_waiting_for_its_link() {
        let dir = tempfile::tempdir().unwrap();
        let (state, client) = hosted_state(dir.path(), free_port());
        tauri::async_runtime::block_on(async {
            start_hosted_sign_out(&state, &client, true).await.unwrap();
            let waiting = state
                .hosted
                .wait_signed_out(std::time::Duration::from_secs(30));
            let lock = async {
                tokio::task::yield_now().await;
                state.lock();
            };
            let (outcome, ()) = tokio::join!(waiting, lock);
            assert_eq!(outcome.unwrap_err(), Stopped::Cancelled);
        });
        assert!(!state.hosted.is_pending());
        assert!(!state.hosted.deliver("sesame://signed-out"));
    }

    #[test]
    fn a_hosted_sign_in_names_the_pools_vault_accounts_by_id_and_label_only() {
        use sesame::account::Account;
        use sesame::cognito::store::TotpLink;
        use sesame::vault::Added;
        let dir = tempfile::tempdir().unwrap();
        let (state, client) = hosted_state(dir.path(), free_port());
        assert!(page_codes(&state, &client).unwrap().is_empty());
        let id = {
            let mut session = state.session();
            let vault = session.vault.as_mut().unwrap();
            store::update(vault, |cognito, data| {
                let Added::New(id) = data.add(
                    Account {
                        issuer: Some("Cognito (eu-west-1_Abc123)".into()),
                        name: "alice".into(),
                        secret: sesame::secret::Secret::from_bytes(vec![9; 20]),
                        params: sesame::otp::Params::default(),
                    },
                    0,
                ) else {
                    panic!("added twice")
                };
                cognito.totp.push(TotpLink {
                    user_pool_id: "eu-west-1_Abc123".into(),
                    username: "alice".into(),
                    login: "alice".into(),
                    account_id: id.clone(),
                    verified: true,
                    last_step: None,
                });
                Ok(id)
            })
            .unwrap()
        };
        let codes = page_codes(&state, &client).unwrap();
        assert_eq!(
            codes,
            vec![PageCode {
                id: id.as_str().to_owned(),
                label: "Cognito (eu-west-1_Abc123): alice".into(),
            }]
        );
        let sent = serde_json::to_value(&codes[0]).unwrap();
        assert_eq!(sent.as_object().unwrap().len(), 2, "{sent}");
    }

    #[test]
    fn a_waiting_sign_out_is_not_taken_for_a_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let (state, client) = hosted_state(dir.path(), port);
        let vault = &state;
        tauri::async_runtime::block_on(start_sign_out(&state, &client));
        let outcome = tauri::async_runtime::block_on(
            state
                .hosted
                .wait(|sign_in, code| async move { sign_in.finish(vault, &code).await }),
        );
        assert_eq!(outcome.unwrap_err(), Stopped::NothingWaiting);
        assert!(state.hosted.is_pending(), "the sign-out still waits");
        assert!(listening(port));
        state.hosted.cancel();
        assert!(!listening(port), "cancel stops its listener");
    }
}
