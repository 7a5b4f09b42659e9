//! What a sign-in asks the user ([`Prompt`]) and what the user gives back ([`Answer`]):
//! the whole contract between the [`Driver`](super::Driver) and a UI.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::challenge::MfaKind;
use super::sign_in::AuthFlow;

/// What the sign-in needs from the user next. Serialized with a `prompt` tag
/// (`{"prompt": "mfa_code", "kind": "totp", "answerable_from_vault": true}`); carries no
/// secret, so it may go to a web view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "prompt", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SignInPrompt"))]
pub enum Prompt {
    /// The password ([`Answer::Password`]): a new sign-in starts here.
    Password,
    /// A new password Cognito requires ([`Answer::NewPassword`]), with values for the
    /// attributes the pool requires and the user has not set.
    NewPassword {
        /// Attribute names without the `userAttributes.` prefix (e.g. `name`).
        required_attributes: Vec<String>,
    },
    /// A second-factor code ([`Answer::MfaCode`]); when `answerable_from_vault`, Sesame
    /// holds the TOTP secret and [`Answer::MfaFromVault`] answers (a UI asks for one click).
    MfaCode {
        /// Which factor.
        kind: MfaKind,
        /// Where a text-message or email code was sent (masked), if Cognito said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// Whether the vault can answer.
        answerable_from_vault: bool,
    },
    /// The pool requires MFA and the user has none: [`Answer::SetUpMfa`] makes Sesame the
    /// user's authenticator app (a new vault account), then goes on.
    MfaSetup,
    /// Several second factors and no rule to pick one ([`Answer::SelectMfa`]). The
    /// driver picks the authenticator app when offered, else the first factor, so today
    /// it never asks this.
    SelectMfa {
        /// The factors offered.
        options: Vec<MfaKind>,
    },
    /// Signed in; the session is saved in the vault.
    Done,
    /// Cognito asks for something Sesame cannot do; the sign-in is over.
    Unsupported {
        /// Why.
        why: UnsupportedReason,
    },
}

impl Prompt {
    /// Whether the sign-in is over (signed in, or stopped at something Sesame cannot do).
    pub fn is_final(&self) -> bool {
        matches!(self, Prompt::Done | Prompt::Unsupported { .. })
    }
}

/// Why a sign-in cannot go on in Sesame. Serialized in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum UnsupportedReason {
    /// The pool requires MFA but lets the user set up only text-message or email codes,
    /// which must be set up elsewhere first.
    MfaSetupByTextOrEmail,
}

/// What the user gives the sign-in. Secrets are zeroized on drop; no `Debug`.
pub enum Answer {
    /// The password, and how to prove it.
    Password {
        /// The password.
        password: Zeroizing<String>,
        /// SRP or plain `USER_PASSWORD_AUTH`.
        flow: AuthFlow,
    },
    /// An MFA code the user typed (spaces are ignored).
    MfaCode(Zeroizing<String>),
    /// The code of the TOTP secret the vault holds.
    MfaFromVault,
    /// The new password Cognito asked for, with `(attribute, value)` pairs.
    NewPassword {
        /// The new password.
        password: Zeroizing<String>,
        /// Values of the required attributes.
        attributes: Vec<(String, String)>,
    },
    /// Enroll Sesame as the user's authenticator app.
    SetUpMfa,
    /// The second factor to use.
    SelectMfa(MfaKind),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prompts_serialize_with_a_tag() {
        let mfa = Prompt::MfaCode {
            kind: MfaKind::Sms,
            destination: Some("+*******1234".into()),
            answerable_from_vault: false,
        };
        assert_eq!(
            serde_json::to_value(&mfa).unwrap(),
            json!({"prompt": "mfa_code", "kind": "sms", "destination": "+*******1234", "answerable_from_vault": false})
        );
        assert_eq!(
            serde_json::to_value(Prompt::Done).unwrap(),
            json!({"prompt": "done"})
        );
        let unsupported = Prompt::Unsupported {
            why: UnsupportedReason::MfaSetupByTextOrEmail,
        };
        assert_eq!(
            serde_json::to_value(&unsupported).unwrap(),
            json!({"prompt": "unsupported", "why": "mfa_setup_by_text_or_email"})
        );
        let back: Prompt = serde_json::from_value(
            json!({"prompt": "new_password", "required_attributes": ["name"]}),
        )
        .unwrap();
        assert_eq!(
            back,
            Prompt::NewPassword {
                required_attributes: vec!["name".into()]
            }
        );
        assert!(unsupported.is_final() && Prompt::Done.is_final() && !mfa.is_final());
    }
}
