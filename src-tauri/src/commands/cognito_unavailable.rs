//! Cognito on the phones: the core's Cognito feature does not build there, so every
//! Cognito command (the same names as on the desktop, `cognito.rs`) answers "not
//! available" and the web view shows it.

use crate::error::{AppError, AppResult, ErrorKind};

macro_rules! unavailable {
    ($($name:ident),* $(,)?) => {
        $(
            /// Not available on this device.
            #[tauri::command]
            pub async fn $name() -> AppResult<()> {
                Err(AppError::new(
                    ErrorKind::Cognito,
                    "Cognito sign-in is not available on this device.",
                ))
            }
        )*
    };
}

unavailable!(
    cognito_status,
    cognito_configure,
    cognito_sign_up,
    cognito_confirm,
    cognito_resend,
    cognito_forgot_password,
    cognito_confirm_forgot_password,
    cognito_sign_in,
    cognito_answer_mfa,
    cognito_answer_mfa_from_vault,
    cognito_set_new_password,
    cognito_set_up_mfa,
    cognito_whoami,
    cognito_refresh,
    cognito_enable_mfa,
    cognito_disable_mfa,
    cognito_sign_out,
);
