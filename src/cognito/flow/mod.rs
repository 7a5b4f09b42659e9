//! Signing in to a user pool, in three layers:
//!
//! - [`challenge`]: what each of Cognito's challenges asks for ([`SignInStep`]), pure;
//! - [`sign_in`]: the state machine that talks to Cognito ([`SignIn`]);
//! - [`driver`]: the rules a UI would otherwise repeat (which factor to pick, when the
//!   vault can answer, what Sesame cannot do), as one [`Prompt`] per step for the user and
//!   one [`Answer`] back ([`Driver`]). The command line and the app only render prompts.

pub mod challenge;
pub mod driver;
pub mod prompt;
pub mod sign_in;

pub use challenge::{MfaKind, SignInStep};
pub use driver::{Driver, keeps_sign_in};
pub use prompt::{Answer, Prompt, UnsupportedReason};
pub use sign_in::{AuthFlow, EnrolledTotp, PendingTotp, SignIn};
