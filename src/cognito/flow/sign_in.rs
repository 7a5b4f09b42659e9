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

use super::challenge::{MfaKind, SignInStep, State, step_for};
use crate::account::AccountId;
use crate::cognito::client::{CognitoClient, TotpSubject};
use crate::cognito::error::CognitoError;
use crate::cognito::srp::SrpClient;
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
    challenge: Option<ChallengeNameType>,
    session: Option<String>,
    parameters: HashMap<String, String>,
    result: Option<AuthenticationResultType>,
}

impl From<RespondToAuthChallengeOutput> for Reply {
    fn from(out: RespondToAuthChallengeOutput) -> Self {
        Reply {
            challenge: out.challenge_name().cloned(),
            session: out.session().map(str::to_owned),
            parameters: out.challenge_parameters().cloned().unwrap_or_default(),
            result: out.authentication_result().cloned(),
        }
    }
}

impl SignIn {
    /// A sign-in of `login` (a username or an alias such as an email) that waits for the
    /// password ([`SignIn::send_password`]). `enrolled` are the TOTP secrets the vault
    /// holds for this pool (see `store::CognitoState::enrolled`).
    pub fn new(client: &CognitoClient, login: &str, enrolled: Vec<EnrolledTotp>) -> SignIn {
        let login = login.trim();
        SignIn {
            client: client.clone(),
            login: login.to_owned(),
            user_id: login.to_owned(),
            session: None,
            state: State::Password,
            enrolled,
            totp_used: None,
        }
    }

    /// Starts signing in: [`SignIn::new`], then [`SignIn::send_password`].
    pub async fn start(
        client: &CognitoClient,
        login: &str,
        password: &str,
        flow: AuthFlow,
        enrolled: Vec<EnrolledTotp>,
    ) -> Result<(SignIn, SignInStep), CognitoError> {
        let mut sign_in = SignIn::new(client, login, enrolled);
        let step = sign_in.send_password(password, flow).await?;
        Ok((sign_in, step))
    }

    /// Proves the password by `flow`; the answer says what is needed next. Only once, as
    /// the first step.
    pub async fn send_password(
        &mut self,
        password: &str,
        flow: AuthFlow,
    ) -> Result<SignInStep, CognitoError> {
        self.check_waiting_for("the password", self.state == State::Password)?;
        let reply = match flow {
            AuthFlow::Srp => self.srp(password).await?,
            AuthFlow::Password => self.password(password).await?,
        };
        self.advance(reply).await
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
            challenge: out.challenge_name().cloned(),
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
            return Err(CognitoError::UnexpectedChallenge {
                operation: "InitiateAuth (USER_SRP_AUTH)",
                expected: "PASSWORD_VERIFIER",
                challenge: out
                    .challenge_name()
                    .map_or("no challenge", |c| c.as_str())
                    .to_owned(),
            });
        }
        let params = out.challenge_parameters().cloned().unwrap_or_default();
        let get = |key: &'static str| {
            params
                .get(key)
                .map(String::as_str)
                .ok_or(CognitoError::MissingField {
                    operation: "InitiateAuth (PASSWORD_VERIFIER)",
                    field: key,
                })
        };
        let user_id = get("USER_ID_FOR_SRP")?.to_owned();
        let secret_block = get("SECRET_BLOCK")?;
        let proof = srp.prove(
            &user_id,
            password,
            get("SALT")?,
            get("SRP_B")?,
            secret_block,
            client.clock().now_secs(),
        )?;
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
        let (state, step) = step_for(
            reply.challenge.as_ref(),
            &reply.parameters,
            self.vault_totp().is_some(),
        )?;
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

    fn check_waiting_for(&self, wanted: &'static str, ok: bool) -> Result<(), CognitoError> {
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
        responses: Vec<(&str, Zeroizing<String>)>,
    ) -> Result<SignInStep, CognitoError> {
        let client = self.client.clone();
        let mut request = client
            .sdk()
            .respond_to_auth_challenge()
            .client_id(&client.config().client_id)
            .challenge_name(challenge)
            .set_session(self.session())
            .challenge_responses("USERNAME", &self.user_id);
        // The SDK keeps its own copy of each answer (not zeroized: beyond our reach); ours
        // are wiped when `responses` drops.
        for (key, value) in &responses {
            request = request.challenge_responses(*key, value.as_str());
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
        let code: Zeroizing<String> =
            Zeroizing::new(code.chars().filter(|c| !c.is_whitespace()).collect());
        self.respond(kind.challenge(), vec![(kind.code_key(), code)])
            .await
    }

    /// Answers `SOFTWARE_TOKEN_MFA` with a code computed from the vault's secret, at
    /// corrected time (never a time step already used).
    pub async fn answer_mfa_from_vault(&mut self) -> Result<SignInStep, CognitoError> {
        self.check_waiting_for("an MFA code", self.state == State::Mfa(MfaKind::Totp))?;
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
                vec![(
                    "SOFTWARE_TOKEN_MFA_CODE",
                    Zeroizing::new(code.as_str().to_owned()),
                )],
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
            vec![(
                "ANSWER",
                Zeroizing::new(kind.challenge().as_str().to_owned()),
            )],
        )
        .await
    }

    /// Sets the new password Cognito asked for, with any required attributes.
    pub async fn set_new_password(
        &mut self,
        password: &str,
        attributes: &[(String, String)],
    ) -> Result<SignInStep, CognitoError> {
        self.check_waiting_for("a new password", self.state == State::NewPassword)?;
        let keys: Vec<String> = attributes
            .iter()
            .map(|(name, _)| format!("userAttributes.{name}"))
            .collect();
        let mut responses = vec![("NEW_PASSWORD", Zeroizing::new(password.to_owned()))];
        for (key, (_, value)) in keys.iter().zip(attributes) {
            responses.push((key.as_str(), Zeroizing::new(value.clone())));
        }
        self.respond(ChallengeNameType::NewPasswordRequired, responses)
            .await
    }

    /// `MFA_SETUP`, part 1: asks Cognito for a TOTP secret. Store it in the vault, then
    /// call [`SignIn::finish_totp_setup`]. Refused before anything is sent when the pool
    /// offers only text-message or email MFA.
    pub async fn begin_totp_setup(&mut self) -> Result<PendingTotp, CognitoError> {
        self.check_waiting_for("MFA setup", matches!(self.state, State::MfaSetup(_)))?;
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
        Ok(PendingTotp { secret })
    }

    /// `MFA_SETUP`, part 2: proves the stored secret with a code computed from it and
    /// finishes the sign-in.
    pub async fn finish_totp_setup(
        &mut self,
        otp: &Otp,
        device_name: &str,
    ) -> Result<SignInStep, CognitoError> {
        self.check_waiting_for("MFA setup", matches!(self.state, State::MfaSetup(_)))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn offline_sign_in(enrolled: Vec<EnrolledTotp>) -> SignIn {
        let client = CognitoClient::new(
            crate::cognito::config::CognitoConfig::new("eu-west-1", "eu-west-1_X", "c").unwrap(),
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        SignIn {
            client,
            login: "alice@example.com".into(),
            user_id: "alice@example.com".into(),
            session: None,
            state: State::Password,
            enrolled,
            totp_used: None,
        }
    }

    fn reply(challenge: &str, session: &str, pairs: &[(&str, &str)]) -> Reply {
        Reply {
            challenge: Some(ChallengeNameType::from(challenge)),
            session: Some(session.into()),
            parameters: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
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
            crate::cognito::config::CognitoConfig::new("eu-west-1", "eu-west-1_X", "c").unwrap(),
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        let start = SignIn::start(&client, "u", "p", AuthFlow::Srp, vec![]);
        send(&start);
    }
}
