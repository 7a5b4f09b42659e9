//! Sign-in as a state machine over Cognito's challenges. [`SignIn::start`] sends the
//! password (by SRP, `USER_SRP_AUTH` → `PASSWORD_VERIFIER`, or plainly with
//! `USER_PASSWORD_AUTH`) and returns the next [`SignInStep`]; a UI shows it, gets the
//! answer and calls the matching method, until [`SignInStep::Done`] hands over verified
//! tokens. When the vault holds the user's TOTP secret for this pool, Sesame can answer
//! `SOFTWARE_TOKEN_MFA` itself ([`SignIn::answer_mfa_from_vault`]).

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};
use zeroize::Zeroizing;

use super::client::{CognitoClient, TotpSubject};
use super::error::CognitoError;
use super::srp::SrpClient;
use super::tokens::Session;
use crate::account::AccountId;
use crate::otp::{Code, Otp};
use crate::secret::Secret;

/// How the password is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthFlow {
    /// SRP (`USER_SRP_AUTH`): the password never leaves this computer.
    #[default]
    Srp,
    /// `USER_PASSWORD_AUTH`: the password is sent to Cognito (over TLS). Only for app
    /// clients that allow it.
    Password,
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MfaKind {
    /// An authenticator app (TOTP): `SOFTWARE_TOKEN_MFA`.
    Totp,
    /// A code by text message: `SMS_MFA`.
    Sms,
    /// A code by email: `EMAIL_OTP`.
    Email,
}

impl MfaKind {
    /// The challenge name.
    pub fn challenge(self) -> &'static str {
        match self {
            MfaKind::Totp => "SOFTWARE_TOKEN_MFA",
            MfaKind::Sms => "SMS_MFA",
            MfaKind::Email => "EMAIL_OTP",
        }
    }

    /// From a challenge name (`MFA_SETUP` lists `SOFTWARE_TOKEN_MFA`, `SMS_MFA`,
    /// `EMAIL_OTP`).
    pub fn from_challenge(name: &str) -> Option<Self> {
        match name {
            "SOFTWARE_TOKEN_MFA" => Some(MfaKind::Totp),
            "SMS_MFA" => Some(MfaKind::Sms),
            "EMAIL_OTP" => Some(MfaKind::Email),
            _ => None,
        }
    }

    fn code_key(self) -> &'static str {
        match self {
            MfaKind::Totp => "SOFTWARE_TOKEN_MFA_CODE",
            MfaKind::Sms => "SMS_MFA_CODE",
            MfaKind::Email => "EMAIL_OTP_CODE",
        }
    }
}

/// What the sign-in needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in: the tokens are verified.
    Done(Box<Session>),
    /// A second-factor code. With `can_answer_from_vault`, Sesame holds the TOTP secret
    /// and [`SignIn::answer_mfa_from_vault`] answers (a UI asks for one click first).
    NeedMfaCode {
        /// Which factor.
        kind: MfaKind,
        /// Where an SMS or email code was sent (masked).
        destination: Option<String>,
        /// Whether the vault can answer.
        can_answer_from_vault: bool,
    },
    /// The user has several second factors: pick one with [`SignIn::select_mfa`].
    SelectMfaType {
        /// The choices.
        options: Vec<MfaKind>,
    },
    /// The user must choose a new password ([`SignIn::set_new_password`]), e.g. after an
    /// administrator created the account.
    NeedNewPassword {
        /// Attributes the pool requires that the user has not set (e.g. `name`).
        required_attributes: Vec<String>,
    },
    /// The pool requires MFA and the user has none: set up an authenticator
    /// ([`SignIn::begin_totp_setup`], then [`SignIn::finish_totp_setup`]).
    MfaSetup {
        /// Factors that can be set up.
        options: Vec<MfaKind>,
    },
}

/// A TOTP secret the vault holds for a user of this pool.
#[derive(Debug, Clone)]
pub struct EnrolledTotp {
    /// `cognito:username`.
    pub username: String,
    /// The name the user signs in with (alias or username).
    pub login: String,
    /// The vault account holding the secret.
    pub account_id: AccountId,
    /// Codes for the secret.
    pub otp: Otp,
    /// The last time step answered (Cognito refuses a code twice).
    pub last_step: Option<u64>,
}

impl EnrolledTotp {
    fn names(&self, name: &str) -> bool {
        self.username.eq_ignore_ascii_case(name) || self.login.eq_ignore_ascii_case(name)
    }
}

/// Where the sign-in is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Mfa(MfaKind),
    SelectMfa(Vec<MfaKind>),
    NewPassword,
    /// The factors the pool lets the user set up.
    MfaSetup(Vec<MfaKind>),
    Done,
}

impl State {
    fn name(&self) -> &'static str {
        match self {
            State::Mfa(_) => "waiting for an MFA code",
            State::SelectMfa(_) => "waiting for an MFA choice",
            State::NewPassword => "waiting for a new password",
            State::MfaSetup(_) => "waiting for MFA setup",
            State::Done => "finished",
        }
    }
}

/// A TOTP secret handed out during `MFA_SETUP`, to store before it is confirmed.
#[derive(Debug, Clone)]
pub struct PendingTotp {
    /// The secret (Base32 from Cognito).
    pub secret: Secret,
}

/// One sign-in in progress. `Send`; drive it from any task.
pub struct SignIn {
    client: CognitoClient,
    login: String,
    user_id: String,
    session: Option<Zeroizing<String>>,
    state: State,
    enrolled: Vec<EnrolledTotp>,
    totp_used: Option<(AccountId, u64)>,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("login", &self.login)
            .field("user_id", &self.user_id)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// The parts of a challenge answer that matter here.
struct Reply {
    challenge: Option<String>,
    session: Option<String>,
    parameters: HashMap<String, String>,
    result: Option<AuthenticationResultType>,
}

impl From<RespondToAuthChallengeOutput> for Reply {
    fn from(out: RespondToAuthChallengeOutput) -> Self {
        Reply {
            challenge: out.challenge_name().map(|c| c.as_str().to_owned()),
            session: out.session().map(str::to_owned),
            parameters: out.challenge_parameters().cloned().unwrap_or_default(),
            result: out.authentication_result().cloned(),
        }
    }
}

/// A JSON list of names in a challenge parameter (`["SMS_MFA","SOFTWARE_TOKEN_MFA"]`).
fn name_list(parameters: &HashMap<String, String>, key: &str) -> Vec<String> {
    parameters
        .get(key)
        .and_then(|text| serde_json::from_str::<Vec<String>>(text).ok())
        .unwrap_or_default()
}

fn mfa_list(parameters: &HashMap<String, String>, key: &str) -> Vec<MfaKind> {
    name_list(parameters, key)
        .iter()
        .filter_map(|name| MfaKind::from_challenge(name))
        .collect()
}

impl SignIn {
    /// Starts signing in `login` (a username or an alias such as an email). `enrolled` are
    /// the TOTP secrets the vault holds for this pool (see `store::CognitoState::enrolled`).
    pub async fn start(
        client: &CognitoClient,
        login: &str,
        password: &str,
        flow: AuthFlow,
        enrolled: Vec<EnrolledTotp>,
    ) -> Result<(SignIn, SignInStep), CognitoError> {
        let login = login.trim();
        let mut sign_in = SignIn {
            client: client.clone(),
            login: login.to_owned(),
            user_id: login.to_owned(),
            session: None,
            state: State::Done,
            enrolled,
            totp_used: None,
        };
        let reply = match flow {
            AuthFlow::Srp => sign_in.srp(password).await?,
            AuthFlow::Password => sign_in.password(password).await?,
        };
        let step = sign_in.advance(reply).await?;
        Ok((sign_in, step))
    }

    async fn password(&mut self, password: &str) -> Result<Reply, CognitoError> {
        let client = &self.client;
        let mut request = client
            .sdk()
            .initiate_auth()
            .client_id(&client.config().client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &self.login)
            .auth_parameters("PASSWORD", password);
        if let Some(hash) = client.secret_hash(&self.login) {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        let out = request.send().await.map_err(|e| client.fail(e))?;
        Ok(Reply {
            challenge: out.challenge_name().map(|c| c.as_str().to_owned()),
            session: out.session().map(str::to_owned),
            parameters: out.challenge_parameters().cloned().unwrap_or_default(),
            result: out.authentication_result().cloned(),
        })
    }

    async fn srp(&mut self, password: &str) -> Result<Reply, CognitoError> {
        let client = self.client.clone();
        let srp = SrpClient::new(client.config().pool_name());
        let mut request = client
            .sdk()
            .initiate_auth()
            .client_id(&client.config().client_id)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", &self.login)
            .auth_parameters("SRP_A", srp.public_a());
        if let Some(hash) = client.secret_hash(&self.login) {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        let out = request.send().await.map_err(|e| client.fail(e))?;
        if out.challenge_name() != Some(&ChallengeNameType::PasswordVerifier) {
            return Err(CognitoError::BadResponse(format!(
                "USER_SRP_AUTH was answered with {} instead of PASSWORD_VERIFIER",
                out.challenge_name().map_or("no challenge", |c| c.as_str())
            )));
        }
        let params = out.challenge_parameters().cloned().unwrap_or_default();
        let get = |key: &'static str| {
            params.get(key).map(String::as_str).ok_or_else(|| {
                CognitoError::BadResponse(format!("PASSWORD_VERIFIER without {key}"))
            })
        };
        let user_id = get("USER_ID_FOR_SRP")?.to_owned();
        let secret_block = get("SECRET_BLOCK")?;
        let proof = srp
            .prove(
                &user_id,
                password,
                get("SALT")?,
                get("SRP_B")?,
                secret_block,
                client.clock().now_secs(),
            )
            .map_err(|e| CognitoError::BadResponse(e.to_string()))?;
        self.user_id = user_id;
        let mut answer = client
            .sdk()
            .respond_to_auth_challenge()
            .client_id(&client.config().client_id)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .set_session(out.session().map(str::to_owned))
            .challenge_responses("USERNAME", &self.user_id)
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", secret_block)
            .challenge_responses("TIMESTAMP", proof.timestamp)
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", proof.signature);
        if let Some(hash) = client.secret_hash(&self.user_id) {
            answer = answer.challenge_responses("SECRET_HASH", hash);
        }
        let reply = answer.send().await.map_err(|e| client.fail(e))?;
        Ok(reply.into())
    }

    /// Moves to the state a reply asks for.
    async fn advance(&mut self, reply: Reply) -> Result<SignInStep, CognitoError> {
        if let Some(user_id) = reply.parameters.get("USER_ID_FOR_SRP")
            && !user_id.is_empty()
        {
            self.user_id = user_id.clone();
        }
        self.session = reply.session.map(Zeroizing::new);
        if let Some(result) = reply.result {
            self.state = State::Done;
            self.session = None;
            let session = self.client.session_from(&result, &self.login, None).await?;
            return Ok(SignInStep::Done(Box::new(session)));
        }
        let challenge = reply.challenge.unwrap_or_default();
        let (state, step) = step_for(&challenge, &reply.parameters, self.vault_totp().is_some())?;
        self.state = state;
        Ok(step)
    }

    /// The vault's TOTP secret for this user, if it holds one.
    fn vault_totp(&self) -> Option<&EnrolledTotp> {
        self.enrolled
            .iter()
            .find(|e| e.names(&self.user_id))
            .or_else(|| self.enrolled.iter().find(|e| e.names(&self.login)))
    }

    /// The name typed at sign-in.
    pub fn login(&self) -> &str {
        &self.login
    }

    /// The user's name in the pool (`USER_ID_FOR_SRP` once Cognito has said it).
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The vault account and time step used to answer MFA, to record after sign-in.
    pub fn totp_used(&self) -> Option<&(AccountId, u64)> {
        self.totp_used.as_ref()
    }

    /// The client this sign-in talks through.
    pub fn client(&self) -> &CognitoClient {
        &self.client
    }

    fn expect(&self, wanted: &'static str, ok: bool) -> Result<(), CognitoError> {
        if ok {
            Ok(())
        } else {
            Err(CognitoError::WrongStep {
                wanted,
                state: self.state.name(),
            })
        }
    }

    fn session(&self) -> Option<String> {
        self.session.as_ref().map(|s| s.as_str().to_owned())
    }

    async fn respond(
        &mut self,
        challenge: ChallengeNameType,
        responses: Vec<(&str, String)>,
    ) -> Result<SignInStep, CognitoError> {
        let client = self.client.clone();
        let mut request = client
            .sdk()
            .respond_to_auth_challenge()
            .client_id(&client.config().client_id)
            .challenge_name(challenge)
            .set_session(self.session())
            .challenge_responses("USERNAME", &self.user_id);
        for (key, value) in responses {
            request = request.challenge_responses(key, value);
        }
        if let Some(hash) = client.secret_hash(&self.user_id) {
            request = request.challenge_responses("SECRET_HASH", hash);
        }
        let reply = request.send().await.map_err(|e| client.fail(e))?;
        self.advance(reply.into()).await
    }

    /// Answers the MFA challenge with a code the user typed. A wrong code leaves the
    /// challenge open for another try.
    pub async fn answer_mfa(&mut self, code: &str) -> Result<SignInStep, CognitoError> {
        let State::Mfa(kind) = self.state else {
            return Err(CognitoError::WrongStep {
                wanted: "an MFA code",
                state: self.state.name(),
            });
        };
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let challenge = ChallengeNameType::from(kind.challenge());
        self.respond(challenge, vec![(kind.code_key(), code)]).await
    }

    /// Answers `SOFTWARE_TOKEN_MFA` with a code computed from the vault's secret, at
    /// corrected time (never a time step already used).
    pub async fn answer_mfa_from_vault(&mut self) -> Result<SignInStep, CognitoError> {
        self.expect("an MFA code", self.state == State::Mfa(MfaKind::Totp))?;
        let enrolled = self
            .vault_totp()
            .cloned()
            .ok_or_else(|| CognitoError::NoVaultSecret {
                username: self.user_id.clone(),
            })?;
        let now_step = enrolled.otp.counter_at(self.client.clock().now_secs());
        let step = unused_step(now_step, enrolled.last_step).ok_or(CognitoError::CodeUsed)?;
        let code: Code = enrolled.otp.code_for_counter(step);
        let result = self
            .respond(
                ChallengeNameType::SoftwareTokenMfa,
                vec![("SOFTWARE_TOKEN_MFA_CODE", code.as_str().to_owned())],
            )
            .await;
        if result.is_ok() {
            self.totp_used = Some((enrolled.account_id, step));
        }
        result
    }

    /// Picks the second factor when Cognito offers a choice.
    pub async fn select_mfa(&mut self, kind: MfaKind) -> Result<SignInStep, CognitoError> {
        let State::SelectMfa(options) = &self.state else {
            return Err(CognitoError::WrongStep {
                wanted: "an MFA choice",
                state: self.state.name(),
            });
        };
        if !options.contains(&kind) {
            return Err(CognitoError::WrongStep {
                wanted: "an MFA method it did not offer",
                state: self.state.name(),
            });
        }
        self.respond(
            ChallengeNameType::SelectMfaType,
            vec![("ANSWER", kind.challenge().to_owned())],
        )
        .await
    }

    /// Sets the new password Cognito asked for, with any required attributes.
    pub async fn set_new_password(
        &mut self,
        password: &str,
        attributes: &[(String, String)],
    ) -> Result<SignInStep, CognitoError> {
        self.expect("a new password", self.state == State::NewPassword)?;
        let keys: Vec<String> = attributes
            .iter()
            .map(|(name, _)| format!("userAttributes.{name}"))
            .collect();
        let mut responses = vec![("NEW_PASSWORD", password.to_owned())];
        for (key, (_, value)) in keys.iter().zip(attributes) {
            responses.push((key.as_str(), value.clone()));
        }
        self.respond(ChallengeNameType::NewPasswordRequired, responses)
            .await
    }

    /// `MFA_SETUP`, part 1: asks Cognito for a TOTP secret. Store it in the vault, then
    /// call [`SignIn::finish_totp_setup`]. Refused before anything is sent when the pool
    /// offers only text-message or email MFA.
    pub async fn begin_totp_setup(&mut self) -> Result<PendingTotp, CognitoError> {
        self.expect("MFA setup", matches!(self.state, State::MfaSetup(_)))?;
        if let State::MfaSetup(options) = &self.state
            && !options.contains(&MfaKind::Totp)
        {
            return Err(CognitoError::MfaUnavailable {
                message: "the user pool only lets this user set up MFA by text message or email, which must be done elsewhere".into(),
            });
        }
        let session = self.session().ok_or(CognitoError::SessionExpired)?;
        let (secret, next) = self
            .client
            .associate_software_token(TotpSubject::Session(&session))
            .await?;
        if let Some(next) = next {
            self.session = Some(Zeroizing::new(next));
        }
        let secret = Secret::from_base32(secret.expose())
            .map_err(|e| CognitoError::BadResponse(format!("the TOTP secret: {e}")))?;
        Ok(PendingTotp { secret })
    }

    /// `MFA_SETUP`, part 2: proves the stored secret with a code computed from it and
    /// finishes the sign-in.
    pub async fn finish_totp_setup(
        &mut self,
        otp: &Otp,
        device_name: &str,
    ) -> Result<SignInStep, CognitoError> {
        self.expect("MFA setup", matches!(self.state, State::MfaSetup(_)))?;
        let session = self.session().ok_or(CognitoError::SessionExpired)?;
        let step = otp.counter_at(self.client.clock().now_secs());
        let code = otp.code_for_counter(step);
        let next = self
            .client
            .verify_software_token(TotpSubject::Session(&session), code.as_str(), device_name)
            .await?;
        if let Some(next) = next {
            self.session = Some(Zeroizing::new(next));
        }
        self.respond(ChallengeNameType::MfaSetup, vec![]).await
    }

    /// Whether the sign-in has finished.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }
}

/// The time step to answer with at `now_step`, given the last one answered: the current
/// step, or the next one when the current was used. `None` when both were used already
/// (Cognito accepts no later code yet): never a step already used.
fn unused_step(now_step: u64, last: Option<u64>) -> Option<u64> {
    match last {
        Some(last) if last > now_step => None,
        Some(last) if last == now_step => now_step.checked_add(1),
        _ => Some(now_step),
    }
}

/// The state and step for a challenge (pure: unit-tested without a server).
fn step_for(
    challenge: &str,
    parameters: &HashMap<String, String>,
    vault_has_totp: bool,
) -> Result<(State, SignInStep), CognitoError> {
    let destination = parameters.get("CODE_DELIVERY_DESTINATION").cloned();
    Ok(match challenge {
        "SOFTWARE_TOKEN_MFA" => (
            State::Mfa(MfaKind::Totp),
            SignInStep::NeedMfaCode {
                kind: MfaKind::Totp,
                destination: None,
                can_answer_from_vault: vault_has_totp,
            },
        ),
        "SMS_MFA" | "SMS_OTP" => (
            State::Mfa(MfaKind::Sms),
            SignInStep::NeedMfaCode {
                kind: MfaKind::Sms,
                destination,
                can_answer_from_vault: false,
            },
        ),
        "EMAIL_OTP" => (
            State::Mfa(MfaKind::Email),
            SignInStep::NeedMfaCode {
                kind: MfaKind::Email,
                destination,
                can_answer_from_vault: false,
            },
        ),
        "SELECT_MFA_TYPE" => {
            let options = mfa_list(parameters, "MFAS_CAN_CHOOSE");
            if options.is_empty() {
                return Err(CognitoError::BadResponse(
                    "SELECT_MFA_TYPE offered no method Sesame knows".into(),
                ));
            }
            (
                State::SelectMfa(options.clone()),
                SignInStep::SelectMfaType { options },
            )
        }
        "MFA_SETUP" => {
            let mut options = mfa_list(parameters, "MFAS_CAN_SETUP");
            if options.is_empty() {
                options.push(MfaKind::Totp);
            }
            (
                State::MfaSetup(options.clone()),
                SignInStep::MfaSetup { options },
            )
        }
        "NEW_PASSWORD_REQUIRED" => {
            let required_attributes = name_list(parameters, "requiredAttributes")
                .into_iter()
                .map(|a| a.strip_prefix("userAttributes.").unwrap_or(&a).to_owned())
                .collect();
            (
                State::NewPassword,
                SignInStep::NeedNewPassword {
                    required_attributes,
                },
            )
        }
        "" => {
            return Err(CognitoError::BadResponse(
                "neither tokens nor a challenge in the answer".into(),
            ));
        }
        other => {
            return Err(CognitoError::UnsupportedChallenge {
                challenge: other.chars().filter(|c| !c.is_control()).take(60).collect(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn each_challenge_becomes_a_step() {
        let (state, step) = step_for("SOFTWARE_TOKEN_MFA", &params(&[]), true).unwrap();
        assert_eq!(state, State::Mfa(MfaKind::Totp));
        assert_eq!(
            step,
            SignInStep::NeedMfaCode {
                kind: MfaKind::Totp,
                destination: None,
                can_answer_from_vault: true
            }
        );
        let (_, step) = step_for(
            "SMS_MFA",
            &params(&[("CODE_DELIVERY_DESTINATION", "+*******1234")]),
            true,
        )
        .unwrap();
        assert_eq!(
            step,
            SignInStep::NeedMfaCode {
                kind: MfaKind::Sms,
                destination: Some("+*******1234".into()),
                can_answer_from_vault: false
            }
        );
        let (_, step) = step_for("EMAIL_OTP", &params(&[]), false).unwrap();
        assert!(matches!(
            step,
            SignInStep::NeedMfaCode {
                kind: MfaKind::Email,
                ..
            }
        ));
        let (state, step) = step_for(
            "SELECT_MFA_TYPE",
            &params(&[("MFAS_CAN_CHOOSE", r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#)]),
            false,
        )
        .unwrap();
        assert_eq!(
            step,
            SignInStep::SelectMfaType {
                options: vec![MfaKind::Sms, MfaKind::Totp]
            }
        );
        assert_eq!(state, State::SelectMfa(vec![MfaKind::Sms, MfaKind::Totp]));
        let (_, step) = step_for(
            "MFA_SETUP",
            &params(&[("MFAS_CAN_SETUP", r#"["SOFTWARE_TOKEN_MFA"]"#)]),
            false,
        )
        .unwrap();
        assert_eq!(
            step,
            SignInStep::MfaSetup {
                options: vec![MfaKind::Totp]
            }
        );
        let (_, step) = step_for(
            "NEW_PASSWORD_REQUIRED",
            &params(&[("requiredAttributes", r#"["userAttributes.name"]"#)]),
            false,
        )
        .unwrap();
        assert_eq!(
            step,
            SignInStep::NeedNewPassword {
                required_attributes: vec!["name".into()]
            }
        );
    }

    #[test]
    fn a_time_step_already_used_is_never_used_again() {
        assert_eq!(unused_step(100, None), Some(100));
        assert_eq!(unused_step(100, Some(99)), Some(100));
        assert_eq!(unused_step(100, Some(100)), Some(101));
        // The next step was used already (a code answered early): not again.
        assert_ne!(unused_step(100, Some(101)), Some(101));
        assert_eq!(unused_step(100, Some(101)), None);
        assert_eq!(unused_step(u64::MAX, Some(u64::MAX)), None);
    }

    #[test]
    fn unknown_and_empty_challenges_are_errors() {
        assert!(matches!(
            step_for("CUSTOM_CHALLENGE", &params(&[]), false),
            Err(CognitoError::UnsupportedChallenge { .. })
        ));
        assert!(matches!(
            step_for("", &params(&[]), false),
            Err(CognitoError::BadResponse(_))
        ));
        assert!(matches!(
            step_for(
                "SELECT_MFA_TYPE",
                &params(&[("MFAS_CAN_CHOOSE", "not json")]),
                false
            ),
            Err(CognitoError::BadResponse(_))
        ));
    }

    fn offline_sign_in(enrolled: Vec<EnrolledTotp>) -> SignIn {
        let client = CognitoClient::new(
            super::super::config::CognitoConfig::new("eu-west-1", "eu-west-1_X", "c").unwrap(),
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        SignIn {
            client,
            login: "alice@example.com".into(),
            user_id: "alice@example.com".into(),
            session: None,
            state: State::Done,
            enrolled,
            totp_used: None,
        }
    }

    fn reply(challenge: &str, session: &str, pairs: &[(&str, &str)]) -> Reply {
        Reply {
            challenge: Some(challenge.into()),
            session: Some(session.into()),
            parameters: params(pairs),
            result: None,
        }
    }

    #[test]
    fn each_challenge_keeps_its_own_session_and_user_id() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut sign_in = offline_sign_in(vec![]);
        let step = rt
            .block_on(sign_in.advance(reply(
                "SELECT_MFA_TYPE",
                "session-1",
                &[
                    ("USER_ID_FOR_SRP", "4f0c-uuid"),
                    ("MFAS_CAN_CHOOSE", r#"["SOFTWARE_TOKEN_MFA"]"#),
                ],
            )))
            .unwrap();
        assert!(matches!(step, SignInStep::SelectMfaType { .. }));
        assert_eq!(sign_in.session().as_deref(), Some("session-1"));
        assert_eq!(sign_in.user_id(), "4f0c-uuid");
        assert_eq!(sign_in.login(), "alice@example.com");
        // The next challenge brings a new session, which replaces the old one.
        rt.block_on(sign_in.advance(reply("SOFTWARE_TOKEN_MFA", "session-2", &[])))
            .unwrap();
        assert_eq!(sign_in.session().as_deref(), Some("session-2"));
        assert_eq!(sign_in.state, State::Mfa(MfaKind::Totp));
        // Out-of-order calls are refused before anything is sent.
        assert!(matches!(
            rt.block_on(sign_in.select_mfa(MfaKind::Totp)),
            Err(CognitoError::WrongStep { .. })
        ));
        assert!(matches!(
            rt.block_on(sign_in.begin_totp_setup()),
            Err(CognitoError::WrongStep { .. })
        ));
        // MFA_SETUP without a session cannot go on.
        sign_in.state = State::MfaSetup(vec![MfaKind::Totp]);
        sign_in.session = None;
        assert!(matches!(
            rt.block_on(sign_in.begin_totp_setup()),
            Err(CognitoError::SessionExpired)
        ));
        // A pool that offers only SMS or email MFA: nothing Sesame can set up.
        sign_in.state = State::MfaSetup(vec![MfaKind::Sms, MfaKind::Email]);
        sign_in.session = Some(Zeroizing::new("session-3".into()));
        assert!(matches!(
            rt.block_on(sign_in.begin_totp_setup()),
            Err(CognitoError::MfaUnavailable { .. })
        ));
    }

    #[test]
    fn the_vault_secret_is_found_by_username_or_alias() {
        let otp = Otp::new(
            &Secret::from_bytes(vec![1; 20]),
            crate::otp::Params::default(),
        )
        .unwrap();
        let enrolled = EnrolledTotp {
            username: "4f0c-uuid".into(),
            login: "Alice@Example.com".into(),
            account_id: AccountId::generate(),
            otp,
            last_step: None,
        };
        let sign_in = offline_sign_in(vec![enrolled.clone()]);
        assert!(sign_in.vault_totp().is_some());
        let mut other = offline_sign_in(vec![enrolled]);
        other.login = "bob".into();
        other.user_id = "bob".into();
        assert!(other.vault_totp().is_none());
        other.user_id = "4f0c-uuid".into();
        assert!(other.vault_totp().is_some());
    }

    #[test]
    fn sign_in_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let client = CognitoClient::new(
            super::super::config::CognitoConfig::new("eu-west-1", "eu-west-1_X", "c").unwrap(),
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        let start = SignIn::start(&client, "u", "p", AuthFlow::Srp, vec![]);
        send(&start);
    }
}
