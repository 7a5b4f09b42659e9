//! Amazon Cognito user pools: sign-up, sign-in (SRP) with MFA, Sesame as the user's
//! authenticator app, and verified tokens kept in the vault.
//!
//! Two layers:
//!
//! - **Network, no vault** (async, `Send` futures, tokio): [`CognitoClient`] for the
//!   pool's public API, [`SignIn`] for the sign-in state machine, [`TokenVerifier`] and
//!   [`Jwks`] for checking tokens like aws-jwt-verify does.
//! - **With the vault**: [`store`] keeps the configuration, the session and the links
//!   between vault accounts and enrolled users in `VaultData::cognito`; [`signed_in`] saves,
//!   refreshes, verifies and ends sessions; [`mfa`] enrolls or removes Sesame as the
//!   authenticator. The flows that talk to Cognito reach the vault through
//!   [`VaultAccess`] ([`access`]), only for short reads and writes, so that an app can
//!   share it (and lock it) meanwhile; the command line lends its own with
//!   `Mutex::new(&mut vault)`.
//!
//! A UI drives a sign-in like this:
//!
//! ```no_run
//! # async fn demo(vault: &mut sesame::vault::Vault) -> Result<(), sesame::cognito::CognitoError> {
//! use sesame::cognito::{self, AuthFlow, SignIn, SignInStep, VaultAccess};
//! let client = cognito::store::client(vault.data())?;
//! let state = cognito::store::CognitoState::load(vault.data())?;
//! let enrolled = state.enrolled(vault.data(), &client.config().user_pool_id);
//! let vault = std::sync::Mutex::new(vault);
//! let (mut sign_in, mut step) =
//!     SignIn::start(&client, "alice", "password", AuthFlow::Srp, enrolled).await?;
//! loop {
//!     step = match step {
//!         SignInStep::Done(session) => {
//!             vault.with_vault(|v| cognito::signed_in::save(v, &sign_in, &session))?;
//!             break;
//!         }
//!         SignInStep::NeedMfaCode { can_answer_from_vault: true, .. } => {
//!             sign_in.answer_mfa_from_vault().await?
//!         }
//!         SignInStep::NeedMfaCode { .. } => sign_in.answer_mfa("123456").await?,
//!         SignInStep::MfaSetup { .. } => cognito::mfa::set_up_during_sign_in(&vault, &mut sign_in).await?,
//!         SignInStep::SelectMfaType { options } => sign_in.select_mfa(options[0]).await?,
//!         SignInStep::NeedNewPassword { .. } => sign_in.set_new_password("new password", &[]).await?,
//!     };
//! }
//! # Ok(()) }
//! ```

pub mod access;
pub mod client;
pub mod config;
pub mod error;
pub mod jwks;
pub mod mfa;
pub mod sign_in;
pub mod signed_in;
pub mod srp;
pub mod store;
pub mod tokens;
pub mod verify;

pub use access::VaultAccess;
pub use client::{CodeDelivery, CognitoClient, SignUpOutcome, UserProfile};
pub use config::{ClientSecret, CognitoConfig};
pub use error::CognitoError;
pub use jwks::Jwks;
pub use sign_in::{AuthFlow, EnrolledTotp, MfaKind, SignIn, SignInStep};
pub use store::CognitoState;
pub use tokens::{Session, Token, Tokens};
pub use verify::{Claims, TokenError, TokenUse, TokenVerifier};
