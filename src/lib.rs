//! Sesame's core: OTP secrets and codes, `otpauth://` and migration links, QR codes and
//! time. The CLI (`src/bin/sesame`) and the desktop app call this public API; no GUI code
//! lives here. `ARCHITECTURE.md` at the repository root is the map (`../shared/DESIGN.md`
//! was its first sketch).

pub mod account;
pub mod backup;
pub mod clock;
#[cfg(feature = "cognito")]
pub mod cognito;
mod container;
mod crypto;
#[doc(hidden)]
pub mod error_samples;
pub mod import;
pub mod keystore;
pub mod link;
pub mod migration;
pub mod otp;
pub mod process;
pub mod qr;
pub mod secret;
#[cfg(feature = "sync")]
pub mod sync;
pub mod uri;
pub mod vault;

pub use account::{Account, ParsedAccount, Warning};
pub use otp::{Algorithm, Code, Kind, Otp, OtpError, Params};
pub use secret::{Secret, SecretError};
