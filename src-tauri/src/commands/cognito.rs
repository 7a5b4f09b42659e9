//! Amazon Cognito: configure a user pool, sign up, sign in (SRP, MFA answered from the
//! vault with one click, a new password when Cognito asks for one, Sesame enrolled when
//! the pool requires MFA), keep Sesame as the user's authenticator, and sign out. The core
//! (`sesame::cognito`) does the work; desktop only (the core's Cognito feature does not
//! build for the phones, where every command answers "not available").
//!
//! The session lock (a `std` mutex) is never held across the network: the core's flows
//! reach the vault through `AppState`'s `VaultAccess` (`cognito_vault.rs`), which locks
//! it for each read or write only. Tokens never leave the shell; the web view sees
//! names, claims and expiries.

use std::collections::BTreeMap;

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
    /// `select_mfa`, `mfa_setup`: the factors offered (`totp`, `sms`, `email`).
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<&'static str>>,
    /// `new_password`: user attributes the pool requires with it (e.g. `name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    required_attributes: Option<Vec<String>>,
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
        desktop::answer(&app, &state, desktop::Answer::Code(code)).await
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
        desktop::answer(&app, &state, desktop::Answer::FromVault).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Sets the new password the waiting sign-in asks for (step `new_password`).
/// `attributes` maps each of the step's `required_attributes` to its value (e.g.
/// `{"name": "Alice Liddell"}`); empty values are left out. A password the pool's policy
/// refuses keeps the sign-in waiting, so another one can be tried.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_set_new_password(
    app: AppHandle,
    state: State<'_, AppState>,
    password: Zeroizing<String>,
    attributes: Option<BTreeMap<String, String>>,
) -> AppResult<StepView> {
    #[cfg(desktop)]
    {
        desktop::set_new_password(&app, &state, password, attributes.unwrap_or_default()).await
    }
    #[cfg(mobile)]
    {
        mobile::unavailable(&state)
    }
}

/// Answers the waiting sign-in's `mfa_setup` step by making Sesame the user's
/// authenticator app (a new account in the vault), then goes on with the sign-in.
#[tauri::command]
#[cfg_attr(mobile, allow(unused_variables))]
pub async fn cognito_set_up_mfa(app: AppHandle, state: State<'_, AppState>) -> AppResult<StepView> {
    #[cfg(desktop)]
    {
        desktop::set_up_mfa(&app, &state).await
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
    use std::collections::BTreeMap;

    use sesame::cognito::signed_in::Verified;
    use sesame::cognito::store::{self, CognitoState};
    use sesame::cognito::{
        AuthFlow, ClientSecret, CodeDelivery, CognitoClient, CognitoConfig, CognitoError, MfaKind,
        Session, SignIn, SignInStep, VaultAccess, mfa, signed_in,
    };
    use sesame::vault::Vault;
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

    /// The status with the claims of a session verified just now.
    fn verified_status(state: &AppState, verified: &Verified) -> AppResult<CognitoStatus> {
        let mut out = status(state)?;
        out.claims = Some(ClaimsView {
            sub: verified.id.sub().map(str::to_owned),
            email: verified.id.str("email").map(str::to_owned),
            username: verified.id.username().map(str::to_owned),
        });
        Ok(out)
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
            required_attributes: None,
        }
    }

    /// Goes on with the sign-in until it needs the user: picks TOTP (else the first) when
    /// several factors are offered; saves the session when done. What is left waiting is
    /// kept in `slot` (not an `mfa_setup` Sesame cannot do: text message or email only).
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
                    state.with_vault(|v| signed_in::save(v, &sign_in, &session))?;
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
                SignInStep::NeedNewPassword {
                    required_attributes,
                } => {
                    return Ok(StepView {
                        required_attributes: Some(required_attributes),
                        ..view("new_password")
                    });
                }
                SignInStep::MfaSetup { options } => {
                    if !options.contains(&MfaKind::Totp) {
                        *slot = None;
                    }
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
            "There is no sign-in waiting for this step: sign in again.",
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

    /// What the user gives the waiting sign-in.
    pub enum Answer {
        /// An MFA code they typed.
        Code(Zeroizing<String>),
        /// The code of the authenticator secret Sesame holds.
        FromVault,
        /// The new password Cognito asked for, with the required attributes.
        NewPassword(Zeroizing<String>, Vec<(String, String)>),
        /// Enroll Sesame as the authenticator (`MFA_SETUP`).
        SetUpMfa,
    }

    /// Errors after which the same sign-in can go on: a mistake the user can correct (a
    /// wrong code, a password or attribute Cognito refuses) or an answer to a step it is
    /// not waiting for (refused before anything was sent).
    fn keeps_sign_in(e: &CognitoError) -> bool {
        match e {
            CognitoError::CodeMismatch
            | CognitoError::PasswordPolicy { .. }
            | CognitoError::WrongStep { .. } => true,
            CognitoError::Refused { code, .. } => code == "InvalidParameterException",
            _ => false,
        }
    }

    /// Gives the waiting sign-in `answer` and goes on with it. A mistake the user can
    /// correct (wrong code, refused password) keeps the sign-in; other errors end it
    /// (see [`keeps_sign_in`]).
    pub async fn answer(app: &AppHandle, state: &AppState, answer: Answer) -> AppResult<StepView> {
        let flow = app.state::<CognitoFlow>();
        let mut slot = flow.0.lock().await;
        let sign_in = slot.as_mut().ok_or_else(no_sign_in)?;
        let step = match answer {
            Answer::Code(code) => sign_in.answer_mfa(code.trim()).await,
            Answer::FromVault => sign_in.answer_mfa_from_vault().await,
            Answer::NewPassword(password, attributes) => {
                sign_in.set_new_password(&password, &attributes).await
            }
            Answer::SetUpMfa => mfa::set_up_during_sign_in(state, sign_in).await,
        };
        let step = match step {
            Ok(step) => step,
            Err(e) => {
                if !keeps_sign_in(&e) {
                    *slot = None;
                }
                return Err(e.into());
            }
        };
        let result = drive(state, &mut slot, step).await;
        if result.is_err() {
            *slot = None;
        }
        result
    }

    /// Checks the attribute names the web view sends back (they came from Cognito's
    /// `requiredAttributes`) and leaves out empty values.
    pub fn attributes(given: BTreeMap<String, String>) -> AppResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        for (name, value) in given {
            let name = name.trim();
            let valid = !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'));
            if !valid {
                return Err(AppError::invalid(
                    "An attribute name Cognito did not ask for was given.",
                ));
            }
            let value = value.trim();
            if !value.is_empty() {
                out.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(out)
    }

    pub async fn set_new_password(
        app: &AppHandle,
        state: &AppState,
        password: Zeroizing<String>,
        attributes: BTreeMap<String, String>,
    ) -> AppResult<StepView> {
        if password.is_empty() {
            return Err(AppError::invalid("Choose a new password."));
        }
        let attributes = self::attributes(attributes)?;
        answer(app, state, Answer::NewPassword(password, attributes)).await
    }

    pub async fn set_up_mfa(app: &AppHandle, state: &AppState) -> AppResult<StepView> {
        answer(app, state, Answer::SetUpMfa).await
    }

    pub async fn whoami(state: &AppState) -> AppResult<CognitoStatus> {
        let client = client(state)?;
        let verified = signed_in::whoami(state, &client).await?;
        verified_status(state, &verified)
    }

    pub async fn refresh(state: &AppState) -> AppResult<CognitoStatus> {
        let client = client(state)?;
        let session = signed_in::refresh(state, &client).await?;
        let verified = signed_in::verify(&client, session).await?;
        verified_status(state, &verified)
    }

    /// Makes Sesame the authenticator; a preference Cognito did not take is an error
    /// (the authenticator is set up all the same: trying again finishes it).
    pub async fn enable_mfa(state: &AppState) -> AppResult<CognitoStatus> {
        let client = client(state)?;
        let enrolled = mfa::enable_totp(state, &client).await?;
        if let Some(e) = enrolled.preference_error {
            return Err(AppError::new(
                ErrorKind::Cognito,
                format!(
                    "Sesame is set up as the authenticator, but turning MFA on failed: {e}; try again."
                ),
            ));
        }
        status(state)
    }

    /// Turns TOTP MFA off; the authenticator account is removed from the vault.
    pub async fn disable_mfa(state: &AppState) -> AppResult<CognitoStatus> {
        let client = client(state)?;
        mfa::disable_totp(state, &client, false).await?;
        status(state)
    }

    pub async fn sign_out(state: &AppState) -> AppResult<CognitoStatus> {
        let client = client(state)?;
        signed_in::sign_out(state, &client).await?;
        status(state)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn attributes_are_checked_and_empty_ones_left_out() {
            let given = [
                ("name", " Alice "),
                ("custom:team", ""),
                ("given_name", "A"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
            assert_eq!(
                attributes(given).unwrap(),
                vec![
                    ("given_name".to_owned(), "A".to_owned()),
                    ("name".to_owned(), "Alice".to_owned())
                ]
            );
            for bad in ["", "userAttributes name", "x\ny", &"a".repeat(65)] {
                let given = [(bad.to_owned(), "v".to_owned())].into_iter().collect();
                assert!(attributes(given).is_err(), "{bad:?}");
            }
        }

        #[test]
        fn only_mistakes_the_user_can_fix_keep_the_sign_in() {
            assert!(keeps_sign_in(&CognitoError::CodeMismatch));
            assert!(keeps_sign_in(&CognitoError::PasswordPolicy {
                policy: "length".into()
            }));
            assert!(keeps_sign_in(&CognitoError::Refused {
                code: "InvalidParameterException".into(),
                message: "name is missing".into()
            }));
            assert!(keeps_sign_in(&CognitoError::WrongStep {
                wanted: "MFA setup",
                state: "waiting for an MFA code"
            }));
            assert!(!keeps_sign_in(&CognitoError::SessionExpired));
            assert!(!keeps_sign_in(&CognitoError::VaultLocked));
            assert!(!keeps_sign_in(&CognitoError::Unreachable {
                endpoint: "http://127.0.0.1:1".into(),
                reason: "connection refused".into()
            }));
        }
    }
}
