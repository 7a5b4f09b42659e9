//! Amazon Cognito: configure a user pool, sign up, sign in (SRP, MFA answered from the
//! vault with one click), keep Sesame as the user's authenticator, and sign out. The core
//! (`sesame::cognito`) does the work; desktop only (the core's Cognito feature does not
//! build for the phones, where every command answers "not available").
//!
//! The session lock (a `std` mutex) is never held across the network: each command takes
//! the client and stored session out of the vault, awaits Cognito, then locks again to
//! save. Tokens never leave the shell; the web view sees names, claims and expiries.

use serde::Serialize;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::error::AppResult;
use crate::state::AppState;

/// The configured pool and who is signed in (no tokens).
#[cfg_attr(mobile, allow(dead_code))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct CognitoStatus {
    configured: bool,
    region: Option<String>,
    user_pool_id: Option<String>,
    client_id: Option<String>,
    has_client_secret: bool,
    endpoint: Option<String>,
    signed_in: bool,
    username: Option<String>,
    id_expires_at_ms: Option<u64>,
    access_expires_at_ms: Option<u64>,
    /// Verified claims of the ID token (only from `cognito_whoami`, `cognito_refresh`).
    claims: Option<ClaimsView>,
    /// Sesame holds this user's verified authenticator secret.
    mfa_enrolled: bool,
}

/// A few verified claims of the ID token.
#[cfg_attr(mobile, allow(dead_code))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClaimsView {
    sub: Option<String>,
    email: Option<String>,
    username: Option<String>,
}

/// What a sign-in needs next.
#[cfg_attr(mobile, allow(dead_code))]
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    /// `done`, `mfa_code`, `select_mfa`, `new_password` or `mfa_setup`.
    step: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    mfa_kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    can_answer_from_vault: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<&'static str>>,
}

/// Where a code was sent, masked (`a***@e***.com`), if Cognito said.
#[cfg_attr(mobile, allow(dead_code))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct CodeSent {
    /// The account is confirmed already (sign-up only).
    confirmed: bool,
    destination: Option<String>,
    /// `EMAIL` or `SMS`.
    medium: Option<String>,
}

/// The pool and session, as stored.
#[tauri::command]
pub async fn cognito_status(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::status(&state)
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Stores the pool and app client (a session with another pool is forgotten).
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_configure(
    state: State<'_, AppState>,
    region: String,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<Zeroizing<String>>,
    endpoint: Option<String>,
) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::configure(
            &state,
            region,
            user_pool_id,
            client_id,
            client_secret,
            endpoint,
        )
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Creates a user; a confirmation code is sent unless the pool confirms by itself.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_sign_up(
    state: State<'_, AppState>,
    username: String,
    email: String,
    password: Zeroizing<String>,
) -> AppResult<CodeSent> {
    #[cfg(desktop)]
    {
        desktop::sign_up(&state, username, email, password).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Confirms a sign-up with the code that was sent.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_confirm(
    state: State<'_, AppState>,
    username: String,
    code: Zeroizing<String>,
) -> AppResult<()> {
    #[cfg(desktop)]
    {
        desktop::confirm(&state, username, code).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Sends the sign-up confirmation code again.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_resend(state: State<'_, AppState>, username: String) -> AppResult<CodeSent> {
    #[cfg(desktop)]
    {
        desktop::resend(&state, username).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Starts a password reset: a code is sent.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_forgot_password(
    state: State<'_, AppState>,
    username: String,
) -> AppResult<CodeSent> {
    #[cfg(desktop)]
    {
        desktop::forgot_password(&state, username).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Sets a new password with the reset code.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_confirm_forgot_password(
    state: State<'_, AppState>,
    username: String,
    code: Zeroizing<String>,
    password: Zeroizing<String>,
) -> AppResult<()> {
    #[cfg(desktop)]
    {
        desktop::confirm_forgot_password(&state, username, code, password).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Starts a sign-in (SRP); the answer says what is needed next.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    username: String,
    password: Zeroizing<String>,
) -> AppResult<StepView> {
    #[cfg(desktop)]
    {
        desktop::sign_in(&app, &state, username, password).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Answers the sign-in's MFA challenge with a code the user typed.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_answer_mfa(
    app: AppHandle,
    state: State<'_, AppState>,
    code: Zeroizing<String>,
) -> AppResult<StepView> {
    #[cfg(desktop)]
    {
        desktop::answer_mfa(&app, &state, Some(code)).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Answers the sign-in's TOTP challenge with the code of the secret Sesame holds.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_answer_mfa_from_vault(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<StepView> {
    #[cfg(desktop)]
    {
        desktop::answer_mfa(&app, &state, None).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// The session (refreshed when close to expiry) with its ID token verified now.
#[tauri::command]
pub async fn cognito_whoami(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::whoami(&state).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// New tokens with the refresh token, now.
#[tauri::command]
pub async fn cognito_refresh(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::refresh(&state).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Makes Sesame the signed-in user's authenticator and turns TOTP MFA on.
#[tauri::command]
pub async fn cognito_enable_mfa(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::enable_mfa(&state).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Turns TOTP MFA off and removes the authenticator account from the vault.
#[tauri::command]
pub async fn cognito_disable_mfa(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::disable_mfa(&state).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Signs out everywhere, revokes the refresh token and forgets the tokens.
#[tauri::command]
pub async fn cognito_sign_out(state: State<'_, AppState>) -> AppResult<CognitoStatus> {
    #[cfg(desktop)]
    {
        desktop::sign_out(&state).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

#[cfg(mobile)]
mod mobile {
    use crate::error::{AppError, AppResult, ErrorKind};
    use crate::state::AppState;

    pub fn unavailable<T>(_: &AppState) -> AppResult<T> {
        Err(AppError::new(
            ErrorKind::Cognito,
            "Cognito sign-in is not available on this device.",
        ))
    }
}

#[cfg(desktop)]
mod desktop {
    use sesame::account::Account;
    use sesame::cognito::client::TotpSubject;
    use sesame::cognito::store::{self, CognitoState, TotpLink};
    use sesame::cognito::tokens::REFRESH_MARGIN_SECS;
    use sesame::cognito::verify::TokenUse;
    use sesame::cognito::{
        AuthFlow, ClientSecret, CodeDelivery, CognitoClient, CognitoConfig, CognitoError, MfaKind,
        Session, SignIn, SignInStep, mfa, signed_in,
    };
    use sesame::otp::{Algorithm, Otp, Params};
    use sesame::secret::Secret;
    use sesame::vault::{Added, Vault, VaultError};
    use tauri::{AppHandle, Manager};
    use zeroize::Zeroizing;

    use super::{ClaimsView, CodeSent, CognitoStatus, StepView};
    use crate::cognito_state::CognitoFlow;
    use crate::error::{AppError, AppResult, ErrorKind};
    use crate::state::AppState;

    /// The status of the unlocked vault's Cognito state.
    fn status_of(vault: &Vault) -> AppResult<CognitoStatus> {
        let state = CognitoState::load(vault.data())?;
        let mut out = CognitoStatus::default();
        if let Some(config) = &state.config {
            out.configured = true;
            out.region = Some(config.region.clone());
            out.user_pool_id = Some(config.user_pool_id.clone());
            out.client_id = Some(config.client_id.clone());
            out.has_client_secret = config.client_secret.is_some();
            out.endpoint = config.endpoint.clone();
            if let Some(session) = &state.session {
                let pool = &config.user_pool_id;
                out.signed_in = true;
                out.username = Some(session.login.clone());
                out.id_expires_at_ms = Some(local_ms(session, session.id_expires_at));
                out.access_expires_at_ms = Some(local_ms(session, session.access_expires_at));
                out.mfa_enrolled = state.totp.iter().any(|l| {
                    l.verified
                        && (l.is_for(pool, &session.username) || l.is_for(pool, &session.login))
                });
            }
        }
        Ok(out)
    }

    /// A Cognito-time expiry as ms on this computer's clock.
    fn local_ms(session: &Session, cognito_secs: u64) -> u64 {
        cognito_secs
            .saturating_add_signed(-session.clock_drift_secs)
            .saturating_mul(1000)
    }

    pub fn status(state: &AppState) -> AppResult<CognitoStatus> {
        let mut session = state.active_session();
        status_of(session.vault()?)
    }

    pub fn configure(
        state: &AppState,
        region: String,
        user_pool_id: String,
        client_id: String,
        client_secret: Option<Zeroizing<String>>,
        endpoint: Option<String>,
    ) -> AppResult<CognitoStatus> {
        let mut config = CognitoConfig::new(region, user_pool_id, client_id)?;
        config.client_secret = client_secret
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .map(ClientSecret::new);
        config.endpoint = endpoint
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        let mut session = state.active_session();
        let vault = session.vault()?;
        // An empty secret field keeps the stored secret of the same app client.
        if config.client_secret.is_none()
            && let Some(old) = CognitoState::load(vault.data())?.config
            && old.same_client(&config)
        {
            config.client_secret = old.client_secret;
        }
        store::configure(vault, config)?;
        status_of(vault)
    }

    /// A client for the configured pool (taken out of the vault; the lock is released).
    fn client(state: &AppState) -> AppResult<CognitoClient> {
        let mut session = state.active_session();
        Ok(store::client(session.vault()?.data())?)
    }

    fn sent(delivery: Option<CodeDelivery>, confirmed: bool) -> CodeSent {
        let delivery = delivery.unwrap_or_default();
        CodeSent {
            confirmed,
            destination: delivery.destination,
            medium: delivery.medium,
        }
    }

    pub async fn sign_up(
        state: &AppState,
        username: String,
        email: String,
        password: Zeroizing<String>,
    ) -> AppResult<CodeSent> {
        let client = client(state)?;
        let mut attributes = Vec::new();
        if !email.trim().is_empty() {
            attributes.push(("email".to_owned(), email.trim().to_owned()));
        }
        let outcome = client
            .sign_up(username.trim(), &password, &attributes)
            .await?;
        Ok(sent(outcome.delivery, outcome.confirmed))
    }

    pub async fn confirm(
        state: &AppState,
        username: String,
        code: Zeroizing<String>,
    ) -> AppResult<()> {
        let client = client(state)?;
        client.confirm_sign_up(username.trim(), code.trim()).await?;
        Ok(())
    }

    pub async fn resend(state: &AppState, username: String) -> AppResult<CodeSent> {
        let client = client(state)?;
        let delivery = client.resend_confirmation_code(username.trim()).await?;
        Ok(sent(delivery, false))
    }

    pub async fn forgot_password(state: &AppState, username: String) -> AppResult<CodeSent> {
        let client = client(state)?;
        let delivery = client.forgot_password(username.trim()).await?;
        Ok(sent(delivery, false))
    }

    pub async fn confirm_forgot_password(
        state: &AppState,
        username: String,
        code: Zeroizing<String>,
        password: Zeroizing<String>,
    ) -> AppResult<()> {
        let client = client(state)?;
        client
            .confirm_forgot_password(username.trim(), code.trim(), &password)
            .await?;
        Ok(())
    }

    fn kind_name(kind: MfaKind) -> &'static str {
        match kind {
            MfaKind::Totp => "totp",
            MfaKind::Sms => "sms",
            MfaKind::Email => "email",
        }
    }

    fn view(step: &'static str) -> StepView {
        StepView {
            step,
            mfa_kind: None,
            destination: None,
            can_answer_from_vault: None,
            options: None,
        }
    }

    /// Goes on with the sign-in until it needs the user: picks TOTP (else the first) when
    /// several factors are offered; saves the session when done. What is left waiting is
    /// kept in `slot`.
    async fn drive(
        state: &AppState,
        slot: &mut Option<SignIn>,
        mut step: SignInStep,
    ) -> AppResult<StepView> {
        loop {
            let Some(sign_in) = slot.as_mut() else {
                return Err(no_sign_in());
            };
            step = match step {
                SignInStep::Done(session) => {
                    let sign_in = slot.take().ok_or_else(no_sign_in)?;
                    let mut guard = state.active_session();
                    signed_in::save(guard.vault()?, &sign_in, &session)?;
                    return Ok(view("done"));
                }
                SignInStep::SelectMfaType { options } => {
                    let pick = if options.contains(&MfaKind::Totp) {
                        MfaKind::Totp
                    } else {
                        *options.first().ok_or_else(|| {
                            AppError::new(ErrorKind::Cognito, "Cognito offered no second factor.")
                        })?
                    };
                    sign_in.select_mfa(pick).await?
                }
                SignInStep::NeedMfaCode {
                    kind,
                    destination,
                    can_answer_from_vault,
                } => {
                    return Ok(StepView {
                        mfa_kind: Some(kind_name(kind)),
                        destination,
                        can_answer_from_vault: Some(can_answer_from_vault),
                        ..view("mfa_code")
                    });
                }
                SignInStep::NeedNewPassword { .. } => {
                    *slot = None;
                    return Ok(view("new_password"));
                }
                SignInStep::MfaSetup { options } => {
                    *slot = None;
                    return Ok(StepView {
                        options: Some(options.into_iter().map(kind_name).collect()),
                        ..view("mfa_setup")
                    });
                }
            };
        }
    }

    fn no_sign_in() -> AppError {
        AppError::new(
            ErrorKind::Cognito,
            "There is no sign-in waiting for a code: sign in again.",
        )
    }

    pub async fn sign_in(
        app: &AppHandle,
        state: &AppState,
        username: String,
        password: Zeroizing<String>,
    ) -> AppResult<StepView> {
        let flow = app.state::<CognitoFlow>();
        let mut slot = flow.0.lock().await;
        *slot = None;
        let (client, enrolled) = {
            let mut session = state.active_session();
            let vault = session.vault()?;
            let client = store::client(vault.data())?;
            let enrolled = CognitoState::load(vault.data())?
                .enrolled(vault.data(), &client.config().user_pool_id);
            (client, enrolled)
        };
        let (sign_in, step) =
            SignIn::start(&client, &username, &password, AuthFlow::Srp, enrolled).await?;
        drop(password);
        *slot = Some(sign_in);
        let result = drive(state, &mut slot, step).await;
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// Answers the waiting MFA challenge with `code`, or from the vault when `None`. A
    /// wrong code keeps the sign-in so the user can try again.
    pub async fn answer_mfa(
        app: &AppHandle,
        state: &AppState,
        code: Option<Zeroizing<String>>,
    ) -> AppResult<StepView> {
        let flow = app.state::<CognitoFlow>();
        let mut slot = flow.0.lock().await;
        let sign_in = slot.as_mut().ok_or_else(no_sign_in)?;
        let step = match code {
            Some(code) => sign_in.answer_mfa(code.trim()).await,
            None => sign_in.answer_mfa_from_vault().await,
        };
        let step = match step {
            Ok(step) => step,
            Err(e @ CognitoError::CodeMismatch) => return Err(e.into()),
            Err(e) => {
                *slot = None;
                return Err(e.into());
            }
        };
        let result = drive(state, &mut slot, step).await;
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// The client and the stored session (required).
    fn client_and_session(state: &AppState) -> AppResult<(CognitoClient, Session)> {
        let mut guard = state.active_session();
        let vault = guard.vault()?;
        let client = store::client(vault.data())?;
        let session = signed_in::stored(vault.data())?.ok_or(CognitoError::NotSignedIn)?;
        Ok((client, session))
    }

    /// Refreshes `session` with Cognito, then stores the new tokens unless another
    /// sign-in or sign-out happened meanwhile; a refresh token Cognito refuses signs out.
    async fn refreshed(
        state: &AppState,
        client: &CognitoClient,
        session: &Session,
    ) -> AppResult<Session> {
        match client.refresh(session).await {
            Ok(new) => {
                let mut guard = state.active_session();
                let kept = store::update(guard.vault()?, |stored, _| {
                    let same_user = stored
                        .session
                        .as_ref()
                        .is_some_and(|s| s.sub == new.sub && s.issued_at <= new.issued_at);
                    if same_user {
                        stored.session = Some(new.clone());
                    }
                    Ok(same_user)
                })?;
                if !kept {
                    return Err(CognitoError::SessionEnded {
                        reason: "another sign-in or sign-out happened meanwhile".into(),
                    }
                    .into());
                }
                Ok(new)
            }
            Err(e @ CognitoError::SessionEnded { .. }) => {
                let mut guard = state.active_session();
                signed_in::forget_locally(guard.vault()?)?;
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The stored session, refreshed first when it expires within the refresh margin.
    async fn fresh(state: &AppState) -> AppResult<(CognitoClient, Session)> {
        let (client, session) = client_and_session(state)?;
        if session.needs_refresh(client.clock().now_secs(), REFRESH_MARGIN_SECS) {
            let session = refreshed(state, &client, &session).await?;
            return Ok((client, session));
        }
        Ok((client, session))
    }

    /// The status with the ID token's claims verified now.
    async fn verified_status(
        state: &AppState,
        client: &CognitoClient,
        session: &Session,
    ) -> AppResult<CognitoStatus> {
        let claims = client
            .verifier()
            .verify(session.tokens.id.expose(), TokenUse::Id)
            .await
            .map_err(CognitoError::from)?;
        client
            .verifier()
            .verify(session.tokens.access.expose(), TokenUse::Access)
            .await
            .map_err(CognitoError::from)?;
        let mut out = status(state)?;
        out.claims = Some(ClaimsView {
            sub: claims.sub().map(str::to_owned),
            email: claims.str("email").map(str::to_owned),
            username: claims.username().map(str::to_owned),
        });
        Ok(out)
    }

    pub async fn whoami(state: &AppState) -> AppResult<CognitoStatus> {
        let (client, session) = fresh(state).await?;
        verified_status(state, &client, &session).await
    }

    pub async fn refresh(state: &AppState) -> AppResult<CognitoStatus> {
        let (client, session) = client_and_session(state)?;
        let session = refreshed(state, &client, &session).await?;
        verified_status(state, &client, &session).await
    }

    /// Cognito's TOTP: SHA-1, 6 digits, 30 seconds (as `sesame::cognito::mfa` enrolls).
    fn cognito_params() -> Params {
        Params::totp(Algorithm::SHA1, 6, 30)
    }

    fn bad_secret(e: impl std::fmt::Display) -> CognitoError {
        CognitoError::BadResponse(format!("the TOTP secret Cognito sent: {e}"))
    }

    /// Removes a pending link and its account after a failed enrollment.
    fn roll_back(state: &AppState, pool: &str, account_id: &sesame::account::AccountId) {
        let mut guard = state.active_session();
        if let Ok(vault) = guard.vault() {
            let _ = store::update(vault, |stored, data| {
                stored
                    .totp
                    .retain(|l| !(l.user_pool_id == pool && &l.account_id == account_id));
                let _ = data.remove(account_id);
                Ok(())
            });
        }
    }

    /// `sesame::cognito::mfa::enable_totp`, without holding the vault across the network:
    /// the secret is stored unverified, proven with a computed code, then marked verified
    /// (older enrollments of the same user are removed), and TOTP MFA is turned on.
    pub async fn enable_mfa(state: &AppState) -> AppResult<CognitoStatus> {
        let (client, session) = fresh(state).await?;
        let pool = client.config().user_pool_id.clone();
        let access = &session.tokens.access;
        let (secret, _) = client
            .associate_software_token(TotpSubject::Access(access))
            .await?;
        let secret = Secret::from_base32(secret.expose()).map_err(bad_secret)?;
        let otp = Otp::new(&secret, cognito_params()).map_err(bad_secret)?;
        let now_ms = client.clock().now_ms();
        let account = Account {
            issuer: Some(mfa::issuer_for(&pool)),
            name: session.login.clone(),
            secret,
            params: cognito_params(),
        };
        let account_id = {
            let mut guard = state.active_session();
            store::update(guard.vault()?, |stored, data| {
                let id = match data.add(account, now_ms) {
                    Added::New(id) | Added::Duplicate(id) => id,
                };
                stored.totp.push(TotpLink {
                    user_pool_id: pool.clone(),
                    username: session.username.clone(),
                    login: session.login.clone(),
                    account_id: id.clone(),
                    verified: false,
                    last_step: None,
                });
                Ok(id)
            })?
        };
        let step = otp.counter_at(client.clock().now_secs());
        let code = otp.code_for_counter(step);
        if let Err(e) = client
            .verify_software_token(TotpSubject::Access(access), code.as_str(), mfa::DEVICE_NAME)
            .await
        {
            roll_back(state, &pool, &account_id);
            return Err(e.into());
        }
        {
            let mut guard = state.active_session();
            store::update(guard.vault()?, |stored, data| {
                let Some(link) = stored
                    .totp
                    .iter_mut()
                    .find(|l| l.user_pool_id == pool && l.account_id == account_id)
                else {
                    return Err(VaultError::BadPayload {
                        reason: "the authenticator being set up vanished from the vault".into(),
                    });
                };
                link.verified = true;
                link.last_step = Some(step);
                let username = link.username.clone();
                let mut replaced = Vec::new();
                stored.totp.retain(|l| {
                    let older = l.user_pool_id == pool
                        && l.username.eq_ignore_ascii_case(&username)
                        && l.account_id != account_id;
                    if older {
                        replaced.push(l.account_id.clone());
                    }
                    !older
                });
                for old in &replaced {
                    let _ = data.remove(old);
                }
                Ok(())
            })?;
        }
        if let Err(e) = client.set_software_token_mfa(access, true).await {
            return Err(AppError::new(
                ErrorKind::Cognito,
                format!(
                    "Sesame is set up as the authenticator, but turning MFA on failed: {e}; try again."
                ),
            ));
        }
        status(state)
    }

    /// `sesame::cognito::mfa::disable_totp` (the authenticator account is removed).
    pub async fn disable_mfa(state: &AppState) -> AppResult<CognitoStatus> {
        let (client, session) = fresh(state).await?;
        client
            .set_software_token_mfa(&session.tokens.access, false)
            .await?;
        let pool = client.config().user_pool_id.clone();
        {
            let mut guard = state.active_session();
            store::update(guard.vault()?, |stored, data| {
                let mut removed = Vec::new();
                stored.totp.retain(|l| {
                    let this =
                        l.is_for(&pool, &session.username) || l.is_for(&pool, &session.login);
                    if this {
                        removed.push(l.account_id.clone());
                    }
                    !this
                });
                for id in &removed {
                    let _ = data.remove(id);
                }
                Ok(())
            })?;
        }
        status(state)
    }

    /// Errors after which the tokens are kept so that signing out can be tried again.
    fn must_retry(e: &CognitoError) -> bool {
        matches!(
            e,
            CognitoError::Unreachable { .. }
                | CognitoError::Timeout { .. }
                | CognitoError::TooManyRequests
                | CognitoError::BadResponse(_)
        )
    }

    /// `sesame::cognito::signed_in::sign_out`, without holding the vault across the
    /// network: `GlobalSignOut`, `RevokeToken`, then the tokens are forgotten.
    pub async fn sign_out(state: &AppState) -> AppResult<CognitoStatus> {
        let (client, session) = client_and_session(state)?;
        let live = if session.needs_refresh(client.clock().now_secs(), 30) {
            client.refresh(&session).await.ok()
        } else {
            Some(session.clone())
        };
        let mut done = false;
        let mut refused = None;
        if let Some(live) = &live {
            match client.global_sign_out(&live.tokens.access).await {
                Ok(()) => done = true,
                Err(e) if must_retry(&e) => return Err(e.into()),
                Err(e) => refused = Some(e),
            }
        }
        if let Some(refresh) = &session.tokens.refresh {
            match client.revoke_token(refresh).await {
                Ok(()) => done = true,
                Err(e) if must_retry(&e) => return Err(e.into()),
                Err(e) => refused = refused.or(Some(e)),
            }
        }
        if !done
            && let Some(e) = refused
            && !matches!(
                e,
                CognitoError::SessionEnded { .. } | CognitoError::UserNotFound
            )
        {
            return Err(e.into());
        }
        let mut guard = state.active_session();
        let vault = guard.vault()?;
        signed_in::forget_locally(vault)?;
        status_of(vault)
    }
}
