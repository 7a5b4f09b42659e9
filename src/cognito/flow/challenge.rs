//! Cognito's sign-in challenges, read: which [`SignInStep`] a challenge asks for and
//! which second factors it names. Pure (no network): tested without a server.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::SignIn;
use crate::cognito::error::CognitoError;
use crate::cognito::tokens::Session;

/// A second factor. Serialized as `totp`, `sms`, `email`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum MfaKind {
    /// An authenticator app (TOTP): `SOFTWARE_TOKEN_MFA`.
    Totp,
    /// A code by text message: `SMS_MFA`.
    Sms,
    /// A code by email: `EMAIL_OTP`.
    Email,
}

impl MfaKind {
    /// The challenge that asks for this factor's code.
    pub fn challenge(self) -> ChallengeNameType {
        match self {
            MfaKind::Totp => ChallengeNameType::SoftwareTokenMfa,
            MfaKind::Sms => ChallengeNameType::SmsMfa,
            MfaKind::Email => ChallengeNameType::EmailOtp,
        }
    }

    /// The factor a challenge asks for (`SMS_OTP` is a text message too); `None` for
    /// challenges that are not a second factor, or that Sesame does not know.
    pub fn from_challenge(challenge: &ChallengeNameType) -> Option<Self> {
        match challenge {
            ChallengeNameType::SoftwareTokenMfa => Some(MfaKind::Totp),
            ChallengeNameType::SmsMfa | ChallengeNameType::SmsOtp => Some(MfaKind::Sms),
            ChallengeNameType::EmailOtp => Some(MfaKind::Email),
            _ => None,
        }
    }

    /// The challenge response key that carries the code.
    pub(crate) fn code_key(self) -> &'static str {
        match self {
            MfaKind::Totp => "SOFTWARE_TOKEN_MFA_CODE",
            MfaKind::Sms => "SMS_MFA_CODE",
            MfaKind::Email => "EMAIL_OTP_CODE",
        }
    }
}

/// What the sign-in needs next (the state machine's view; a UI renders a
/// [`Prompt`](super::Prompt) instead, which the [`Driver`](super::Driver) derives from it).
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

/// Where a sign-in is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    /// Not started: the password is still to be sent.
    Password,
    Mfa(MfaKind),
    SelectMfa(Vec<MfaKind>),
    NewPassword,
    /// The factors the pool lets the user set up.
    MfaSetup(Vec<MfaKind>),
    Done,
}

impl State {
    /// What the state waits for, for [`CognitoError::WrongStep`].
    pub(crate) fn name(&self) -> &'static str {
        match self {
            State::Password => "waiting for the password",
            State::Mfa(_) => "waiting for an MFA code",
            State::SelectMfa(_) => "waiting for an MFA choice",
            State::NewPassword => "waiting for a new password",
            State::MfaSetup(_) => "waiting for MFA setup",
            State::Done => "finished",
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
        .filter_map(|name| MfaKind::from_challenge(&ChallengeNameType::from(name.as_str())))
        .collect()
}

/// The state and step for a challenge (pure: unit-tested without a server); no challenge
/// (and no tokens) is an error.
pub(crate) fn step_for(
    challenge: Option<&ChallengeNameType>,
    parameters: &HashMap<String, String>,
    vault_has_totp: bool,
) -> Result<(State, SignInStep), CognitoError> {
    let destination = parameters.get("CODE_DELIVERY_DESTINATION").cloned();
    let Some(challenge) = challenge else {
        return Err(CognitoError::MissingField {
            operation: "the sign-in",
            field: "AuthenticationResult or ChallengeName",
        });
    };
    Ok(match challenge {
        ChallengeNameType::SoftwareTokenMfa => (
            State::Mfa(MfaKind::Totp),
            SignInStep::NeedMfaCode {
                kind: MfaKind::Totp,
                destination: None,
                can_answer_from_vault: vault_has_totp,
            },
        ),
        ChallengeNameType::SmsMfa | ChallengeNameType::SmsOtp => (
            State::Mfa(MfaKind::Sms),
            SignInStep::NeedMfaCode {
                kind: MfaKind::Sms,
                destination,
                can_answer_from_vault: false,
            },
        ),
        ChallengeNameType::EmailOtp => (
            State::Mfa(MfaKind::Email),
            SignInStep::NeedMfaCode {
                kind: MfaKind::Email,
                destination,
                can_answer_from_vault: false,
            },
        ),
        ChallengeNameType::SelectMfaType => {
            let options = mfa_list(parameters, "MFAS_CAN_CHOOSE");
            if options.is_empty() {
                return Err(CognitoError::NoMfaOffered);
            }
            (
                State::SelectMfa(options.clone()),
                SignInStep::SelectMfaType { options },
            )
        }
        ChallengeNameType::MfaSetup => {
            let mut options = mfa_list(parameters, "MFAS_CAN_SETUP");
            if options.is_empty() {
                options.push(MfaKind::Totp);
            }
            (
                State::MfaSetup(options.clone()),
                SignInStep::MfaSetup { options },
            )
        }
        ChallengeNameType::NewPasswordRequired => {
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
        other => {
            return Err(CognitoError::UnsupportedChallenge {
                challenge: other
                    .as_str()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(60)
                    .collect(),
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
        let (state, step) = step_for(
            Some(&ChallengeNameType::from("SOFTWARE_TOKEN_MFA")),
            &params(&[]),
            true,
        )
        .unwrap();
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
            Some(&ChallengeNameType::from("SMS_MFA")),
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
        let (_, step) = step_for(
            Some(&ChallengeNameType::from("EMAIL_OTP")),
            &params(&[]),
            false,
        )
        .unwrap();
        assert!(matches!(
            step,
            SignInStep::NeedMfaCode {
                kind: MfaKind::Email,
                ..
            }
        ));
        let (state, step) = step_for(
            Some(&ChallengeNameType::from("SELECT_MFA_TYPE")),
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
            Some(&ChallengeNameType::from("MFA_SETUP")),
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
            Some(&ChallengeNameType::from("NEW_PASSWORD_REQUIRED")),
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
    fn unknown_and_empty_challenges_are_errors() {
        assert!(matches!(
            step_for(
                Some(&ChallengeNameType::from("CUSTOM_CHALLENGE")),
                &params(&[]),
                false
            ),
            Err(CognitoError::UnsupportedChallenge { .. })
        ));
        assert!(matches!(
            step_for(None, &params(&[]), false),
            Err(CognitoError::MissingField {
                field: "AuthenticationResult or ChallengeName",
                ..
            })
        ));
        assert!(matches!(
            step_for(
                Some(&ChallengeNameType::from("SELECT_MFA_TYPE")),
                &params(&[("MFAS_CAN_CHOOSE", "not json")]),
                false
            ),
            Err(CognitoError::NoMfaOffered)
        ));
    }
}
