//! Amazon Cognito user pools: sign-up, sign-in (SRP) with MFA, Sesame as the user's
//! authenticator app, and verified tokens kept in the vault.
//!
//! Two layers:
//!
//! - **Network, no vault** (async, `Send` futures, tokio): [`CognitoClient`] for the
//!   pool's public API, [`SignIn`] for the sign-in state machine, [`TokenVerifier`] and
//!   [`Jwks`] for checking tokens like aws-jwt-verify does.
//! - **The hosted page** ([`hosted`]): OAuth 2.0 authorization code with PKCE through
//!   the pool's managed login page (and the identity providers behind it), answered to
//!   a loopback redirect; its sessions are kept like the others.
//! - **With the vault**: [`store`] keeps the configuration, the session and the links
//!   between vault accounts and enrolled users in `VaultData::cognito`; [`session`] saves,
//!   refreshes, verifies and ends sessions; [`enrollment`] enrolls or removes Sesame as
//!   the authenticator; [`flow::Driver`] drives a sign-in with every rule a UI would
//!   otherwise repeat. The flows that talk to Cognito reach the vault through
//!   [`VaultAccess`] ([`access`]), only for short reads and writes, so that an app can
//!   share it (and lock it) meanwhile; the command line lends its own with
//!   `Mutex::new(&mut vault)`.
//!
//! A UI drives a sign-in by rendering each [`Prompt`] and sending back an [`Answer`]:
//!
//! ```no_run
//! # async fn demo(vault: &mut sesame::vault::Vault) -> Result<(), sesame::cognito::CognitoError> {
//! use sesame::cognito::{self, Answer, AuthFlow, Driver, Prompt};
//! use zeroize::Zeroizing;
//! let client = cognito::store::client(vault.data())?;
//! let state = cognito::store::CognitoState::load(vault.data())?;
//! let enrolled = state.enrolled(vault.data(), &client.config().user_pool_id);
//! let vault = std::sync::Mutex::new(vault);
//! let mut driver = Driver::new(&client, "alice", enrolled);
//! let mut answer = Answer::Password { password: Zeroizing::new("password".into()), flow: AuthFlow::Srp };
//! loop {
//!     answer = match driver.answer(&vault, answer).await? {
//!         Prompt::Done | Prompt::Unsupported { .. } => break,
//!         Prompt::MfaCode { answerable_from_vault: true, .. } => Answer::MfaFromVault,
//!         Prompt::MfaCode { .. } => Answer::MfaCode(Zeroizing::new("123456".into())),
//!         Prompt::MfaSetup => Answer::SetUpMfa,
//!         Prompt::SelectMfa { options } => Answer::SelectMfa(options[0]),
//!         Prompt::NewPassword { .. } | Prompt::Password => Answer::NewPassword {
//!             password: Zeroizing::new("new password".into()),
//!             attributes: vec![],
//!         },
//!     };
//! }
//! # Ok(()) }
//! ```

pub mod access;
pub mod client;
pub mod config;
pub mod enrollment;
pub mod error;
pub mod flow;
pub mod hosted;
pub mod jwks;
pub mod redacted;
pub mod session;
pub mod srp;
pub mod store;
pub mod tokens;
pub mod verify;

pub use access::VaultAccess;
pub use client::{CodeDelivery, CognitoClient, SignUpOutcome, UserProfile};
pub use config::{ClientSecret, CognitoConfig};
pub use error::CognitoError;
pub use flow::{
    Answer, AuthFlow, Driver, EnrolledTotp, MfaKind, Prompt, SignIn, SignInStep, UnsupportedReason,
};
pub use hosted::{HostedConfig, HostedError, HostedSignIn};
pub use jwks::Jwks;
pub use redacted::Redacted;
pub use store::CognitoState;
pub use tokens::{Session, Token, Tokens};
pub use verify::{Claims, TokenError, TokenUse, TokenVerifier};
