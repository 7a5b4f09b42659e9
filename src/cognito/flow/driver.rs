//! The one place the sign-in rules live: a [`Driver`] takes the user's [`Answer`], goes on
//! with the [`SignIn`] as far as it can without the user (picking the second factor,
//! saving the session when done), and returns the next [`Prompt`]. The command line and
//! the app only render prompts and send answers back.

use super::challenge::{MfaKind, SignInStep};
use super::prompt::{Answer, Prompt, UnsupportedReason};
use super::sign_in::{EnrolledTotp, SignIn};
use crate::cognito::access::VaultAccess;
use crate::cognito::client::CognitoClient;
use crate::cognito::error::CognitoError;
use crate::cognito::tokens::Session;
use crate::cognito::{enrollment, session};

/// One sign-in, driven prompt by prompt. `Send`; keep it between the user's answers.
#[derive(Debug)]
pub struct Driver {
    sign_in: SignIn,
    prompt: Prompt,
    session: Option<Session>,
    over: bool,
}

/// What the driver does with a step.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Ask the user.
    Ask(Prompt),
    /// Pick this factor without asking.
    Select(MfaKind),
    /// Signed in: save the session.
    Save(Box<Session>),
}

/// The factor to pick when Cognito offers several: the authenticator app (Sesame can
/// answer it), else the first offered.
fn preferred(options: &[MfaKind]) -> Option<MfaKind> {
    if options.contains(&MfaKind::Totp) {
        Some(MfaKind::Totp)
    } else {
        options.first().copied()
    }
}

/// The rules, for one step (pure: unit-tested without a server).
fn next(step: SignInStep) -> Result<Next, CognitoError> {
    Ok(match step {
        SignInStep::Done(session) => Next::Save(session),
        SignInStep::SelectMfaType { options } => {
            Next::Select(preferred(&options).ok_or(CognitoError::NoMfaOffered)?)
        }
        SignInStep::NeedMfaCode {
            kind,
            destination,
            can_answer_from_vault,
        } => Next::Ask(Prompt::MfaCode {
            kind,
            destination,
            answerable_from_vault: can_answer_from_vault,
        }),
        SignInStep::NeedNewPassword {
            required_attributes,
        } => Next::Ask(Prompt::NewPassword {
            required_attributes,
        }),
        SignInStep::MfaSetup { options } if options.contains(&MfaKind::Totp) => {
            Next::Ask(Prompt::MfaSetup)
        }
        SignInStep::MfaSetup { .. } => Next::Ask(Prompt::Unsupported {
            why: UnsupportedReason::MfaSetupByTextOrEmail,
        }),
    })
}

/// Whether the same sign-in can go on after `e` from an answer: a mistake the user can
/// correct (a wrong code, a password or attribute Cognito refuses, a code used already)
/// or an answer to a step it is not waiting for (refused before anything was sent).
pub fn keeps_sign_in(e: &CognitoError) -> bool {
    matches!(
        e,
        CognitoError::CodeMismatch
            | CognitoError::CodeUsed
            | CognitoError::PasswordPolicy { .. }
            | CognitoError::InvalidParameter { .. }
            | CognitoError::WrongStep { .. }
    )
}

impl Driver {
    /// A sign-in of `login` (a username or an alias) waiting for [`Answer::Password`].
    /// `enrolled` are the TOTP secrets the vault holds for this pool
    /// (`store::CognitoState::enrolled`).
    pub fn new(client: &CognitoClient, login: &str, enrolled: Vec<EnrolledTotp>) -> Driver {
        Driver {
            sign_in: SignIn::new(client, login, enrolled),
            prompt: Prompt::Password,
            session: None,
            over: false,
        }
    }

    /// What the sign-in waits for.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }

    /// Whether the sign-in is over: signed in, stopped at something Sesame cannot do, or
    /// ended by an error the user cannot correct. Drop it then.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The saved session, once [`Prompt::Done`].
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The sign-in underneath (who is signing in, through which client).
    pub fn sign_in(&self) -> &SignIn {
        &self.sign_in
    }

    /// Gives the sign-in `answer` and goes on until the user is needed again; the session
    /// is saved in the vault when done. After an error the sign-in goes on only when
    /// [`keeps_sign_in`] says so (else [`Driver::is_over`]).
    pub async fn answer(
        &mut self,
        vault: &impl VaultAccess,
        answer: Answer,
    ) -> Result<Prompt, CognitoError> {
        if self.over {
            return Err(CognitoError::WrongStep {
                wanted: "an answer",
                state: "finished",
            });
        }
        let step = match self.send(vault, answer).await {
            Ok(step) => step,
            Err(e) => {
                self.over = !keeps_sign_in(&e);
                return Err(e);
            }
        };
        match self.follow(vault, step).await {
            Ok(prompt) => {
                self.over = prompt.is_final();
                self.prompt = prompt.clone();
                Ok(prompt)
            }
            Err(e) => {
                self.over = true;
                Err(e)
            }
        }
    }

    async fn send(
        &mut self,
        vault: &impl VaultAccess,
        answer: Answer,
    ) -> Result<SignInStep, CognitoError> {
        let sign_in = &mut self.sign_in;
        match answer {
            Answer::Password { password, flow } => sign_in.send_password(&password, flow).await,
            Answer::MfaCode(code) => sign_in.answer_mfa(&code).await,
            Answer::MfaFromVault => sign_in.answer_mfa_from_vault().await,
            Answer::NewPassword {
                password,
                attributes,
            } => sign_in.set_new_password(&password, &attributes).await,
            Answer::SetUpMfa => enrollment::set_up_during_sign_in(vault, sign_in).await,
            Answer::SelectMfa(kind) => sign_in.select_mfa(kind).await,
        }
    }

    /// Goes on from `step` until it needs the user.
    async fn follow(
        &mut self,
        vault: &impl VaultAccess,
        mut step: SignInStep,
    ) -> Result<Prompt, CognitoError> {
        loop {
            step = match next(step)? {
                Next::Ask(prompt) => return Ok(prompt),
                Next::Select(kind) => self.sign_in.select_mfa(kind).await?,
                Next::Save(done) => {
                    vault.with_vault(|v| session::save(v, &self.sign_in, &done))?;
                    self.session = Some(*done);
                    return Ok(Prompt::Done);
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authenticator_app_is_picked_first() {
        assert_eq!(
            preferred(&[MfaKind::Sms, MfaKind::Totp]),
            Some(MfaKind::Totp)
        );
        assert_eq!(
            preferred(&[MfaKind::Email, MfaKind::Sms]),
            Some(MfaKind::Email)
        );
        assert_eq!(preferred(&[]), None);
        assert_eq!(
            next(SignInStep::SelectMfaType {
                options: vec![MfaKind::Sms, MfaKind::Totp]
            })
            .unwrap(),
            Next::Select(MfaKind::Totp)
        );
        assert!(matches!(
            next(SignInStep::SelectMfaType { options: vec![] }),
            Err(CognitoError::NoMfaOffered)
        ));
    }

    #[test]
    fn each_step_becomes_a_prompt() {
        assert_eq!(
            next(SignInStep::NeedMfaCode {
                kind: MfaKind::Totp,
                destination: None,
                can_answer_from_vault: true
            })
            .unwrap(),
            Next::Ask(Prompt::MfaCode {
                kind: MfaKind::Totp,
                destination: None,
                answerable_from_vault: true
            })
        );
        assert_eq!(
            next(SignInStep::NeedNewPassword {
                required_attributes: vec!["name".into()]
            })
            .unwrap(),
            Next::Ask(Prompt::NewPassword {
                required_attributes: vec!["name".into()]
            })
        );
        assert_eq!(
            next(SignInStep::MfaSetup {
                options: vec![MfaKind::Sms, MfaKind::Totp]
            })
            .unwrap(),
            Next::Ask(Prompt::MfaSetup)
        );
        // Only text message or email to set up: not something Sesame can do.
        assert_eq!(
            next(SignInStep::MfaSetup {
                options: vec![MfaKind::Sms, MfaKind::Email]
            })
            .unwrap(),
            Next::Ask(Prompt::Unsupported {
                why: UnsupportedReason::MfaSetupByTextOrEmail
            })
        );
    }

    #[test]
    fn only_mistakes_the_user_can_fix_keep_the_sign_in() {
        assert!(keeps_sign_in(&CognitoError::CodeMismatch));
        assert!(keeps_sign_in(&CognitoError::CodeUsed));
        assert!(keeps_sign_in(&CognitoError::PasswordPolicy {
            policy: "length".into()
        }));
        assert!(keeps_sign_in(&CognitoError::InvalidParameter {
            message: "name is missing".into()
        }));
        assert!(keeps_sign_in(&CognitoError::WrongStep {
            wanted: "MFA setup",
            state: "waiting for an MFA code"
        }));
        assert!(!keeps_sign_in(&CognitoError::Refused {
            code: "InternalErrorException".into(),
            message: "boom".into()
        }));
        assert!(!keeps_sign_in(&CognitoError::SessionExpired));
        assert!(!keeps_sign_in(&CognitoError::VaultLocked));
        assert!(!keeps_sign_in(&CognitoError::Unreachable {
            endpoint: "http://127.0.0.1:1".into(),
            reason: "connection refused".into()
        }));
    }

    #[test]
    fn a_new_driver_asks_for_the_password_and_a_finished_one_refuses_answers() {
        let client = CognitoClient::new(
            crate::cognito::config::CognitoConfig::new("eu-west-1", "eu-west-1_X", "c").unwrap(),
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        let mut driver = Driver::new(&client, " alice ", vec![]);
        assert_eq!(driver.prompt(), &Prompt::Password);
        assert!(!driver.is_over());
        assert_eq!(driver.sign_in().login(), "alice");
        let (_dir, mut vault) = crate::cognito::access::temp_vault();
        let held = std::sync::Mutex::new(&mut vault);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        // Out of order: refused before anything is sent, and the sign-in goes on.
        assert!(matches!(
            rt.block_on(driver.answer(&held, Answer::MfaFromVault)),
            Err(CognitoError::WrongStep { .. })
        ));
        assert!(!driver.is_over());
        driver.over = true;
        assert!(matches!(
            rt.block_on(driver.answer(&held, Answer::SetUpMfa)),
            Err(CognitoError::WrongStep { .. })
        ));
    }
}
