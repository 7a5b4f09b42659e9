//! Cognito end to end against a real emulator (ministack, `AUTH=true`, loopback): the core
//! API (sign-up, codes, password reset, SRP and password sign-in, MFA from the vault,
//! refresh, sign-out, the new password an invitation asks for, Sesame enrolled during a
//! sign-in) and the `sesame cognito` CLI as a person uses it. Pools with and without an
//! app client secret, with MFA off, optional and required.

#[path = "support/cognito_cli.rs"]
mod cognito_cli;
#[path = "support/home.rs"]
mod home;
#[path = "support/ministack.rs"]
#[allow(dead_code)]
mod ministack;
#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/service.rs"]
mod service;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use cognito_cli::{jwks_url, pw, sign_in_args, sign_up_args};
use home::Home;
use ministack::{Mfa, Ministack, Pool, REGION};
use serde_json::Value;
use sesame::account::Account;
use sesame::clock::SystemClock;
use sesame::cognito::{
    self, Answer, AuthFlow, ClientSecret, CognitoClient, CognitoConfig, CognitoError, Driver,
    MfaKind, Prompt, Session, SignIn, SignInStep, UnsupportedReason, VaultAccess,
};
use sesame::keystore::{self, KeystoreChoice};
use sesame::otp::Params;
use sesame::secret::Secret;
use sesame::vault::{Added, KdfCost, Vault, VaultPaths};
use zeroize::Zeroizing;

const PASSWORD: &str = "Correct-Horse-9";
const NEW_PASSWORD: &str = "Battery-Staple-7";
/// What an administrator gives an invited user, to be changed at the first sign-in.
const TEMPORARY_PASSWORD: &str = "Temporary-Pass-1";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn config(ms: &Ministack, pool: &Pool) -> CognitoConfig {
    let mut config = CognitoConfig::new(REGION, &pool.id, &pool.client_id).unwrap();
    config.endpoint = Some(ms.endpoint.clone());
    // The keys are never looked for at the endpoint unless named: an emulator's are.
    config.jwks_url = Some(jwks_url(&ms.endpoint, pool));
    config.client_secret = pool.client_secret.clone().map(ClientSecret::new);
    config
}

fn client(ms: &Ministack, pool: &Pool) -> CognitoClient {
    CognitoClient::new(config(ms, pool), Arc::new(SystemClock)).unwrap()
}

/// The vault, lent to a Cognito flow (as the CLI does).
fn lend(vault: &mut Vault) -> Mutex<&mut Vault> {
    Mutex::new(vault)
}

/// A vault in a temp dir with a file keystore.
struct TempVault {
    dir: tempfile::TempDir,
}

impl TempVault {
    fn new() -> TempVault {
        let dir = tempfile::tempdir().unwrap();
        let t = TempVault { dir };
        Vault::create(t.paths(), t.keystore(), None, KdfCost::DEFAULT).unwrap();
        t
    }
    fn paths(&self) -> VaultPaths {
        VaultPaths::in_dir(self.dir.path().join("sesame"))
    }
    fn keystore(&self) -> Box<dyn keystore::Keystore> {
        keystore::open(&KeystoreChoice::File(self.dir.path().join("keys"))).unwrap()
    }
    fn open(&self) -> Vault {
        Vault::open(self.paths(), self.keystore(), None).unwrap()
    }
}

async fn sign_up_confirmed(client: &CognitoClient, username: &str, email: &str) {
    let outcome = client
        .sign_up(username, PASSWORD, &[("email".into(), email.into())])
        .await
        .unwrap();
    assert!(!outcome.confirmed);
    assert_eq!(
        outcome.delivery.as_ref().and_then(|d| d.medium.as_deref()),
        Some("EMAIL")
    );
    client.confirm_sign_up(username, "123456").await.unwrap();
}

async fn sign_in_done(client: &CognitoClient, username: &str, flow: AuthFlow) -> Session {
    let (sign_in, step) = SignIn::start(client, username, PASSWORD, flow, vec![])
        .await
        .unwrap();
    assert!(sign_in.is_done());
    match step {
        SignInStep::Done(session) => *session,
        other => panic!("expected tokens, got {other:?}"),
    }
}

/// Signs `username` in with SRP (no MFA step) and saves the session in `vault`.
async fn sign_in_saved(vault: &mut Vault, client: &CognitoClient, username: &str) -> Session {
    let (sign_in, step) = SignIn::start(client, username, PASSWORD, AuthFlow::Srp, vec![])
        .await
        .unwrap();
    let SignInStep::Done(session) = step else {
        panic!("expected tokens, got {step:?}")
    };
    cognito::session::save(vault, &sign_in, &session).unwrap();
    *session
}

/// Configures Cognito in `vault`; the client it made.
fn configured(vault: &mut Vault, config: CognitoConfig) -> CognitoClient {
    cognito::store::configure(vault, config).unwrap();
    cognito::store::client(vault.data()).unwrap()
}

#[test]
fn sign_up_confirm_sign_in_refresh_and_sign_out_with_and_without_a_client_secret() {
    let ms = Ministack::start();
    rt().block_on(async {
        for secret in [false, true] {
            let pool = ms.pool(Mfa::Off, secret, None).await;
            assert_eq!(pool.client_secret.is_some(), secret);
            let client = client(&ms, &pool);
            sign_up_confirmed(&client, "alice", "alice@example.com").await;

            for flow in [AuthFlow::Srp, AuthFlow::Password] {
                let session = sign_in_done(&client, "alice", flow).await;
                assert_eq!(session.username, "alice");
                assert_eq!(session.login, "alice");
                assert!(session.tokens.refresh.is_some());
                assert!(session.expires_at() > session.issued_at);
                let profile = client.get_user(&session.tokens.access).await.unwrap();
                assert_eq!(profile.username, "alice");
                assert_eq!(profile.attribute("email"), Some("alice@example.com"));
            }

            // Refresh: new, verified tokens; the refresh token is kept.
            let session = sign_in_done(&client, "alice", AuthFlow::Srp).await;
            let refreshed = client.refresh(&session).await.unwrap();
            assert_ne!(refreshed.tokens.access, session.tokens.access);
            assert_eq!(refreshed.tokens.refresh, session.tokens.refresh);
            assert_eq!(refreshed.sub, session.sub);

            // Sign-out: every token of the session stops working.
            client
                .global_sign_out(&refreshed.tokens.access)
                .await
                .unwrap();
            client
                .revoke_token(session.tokens.refresh.as_ref().unwrap())
                .await
                .unwrap();
            assert!(matches!(
                client.refresh(&session).await,
                Err(CognitoError::SessionEnded { .. })
            ));
            assert!(matches!(
                client.get_user(&refreshed.tokens.access).await,
                Err(CognitoError::SessionEnded { .. })
            ));
        }
    });
}

#[test]
fn mistakes_get_errors_a_person_can_act_on() {
    let ms = Ministack::start();
    rt().block_on(async {
        let pool = ms.pool(Mfa::Off, true, None).await;
        let client = client(&ms, &pool);

        // Sign-up: password policy (and what it is), a taken name.
        match client
            .sign_up(
                "bob",
                "short",
                &[("email".into(), "bob@example.com".into())],
            )
            .await
        {
            Err(CognitoError::PasswordPolicy { policy }) => {
                assert!(policy.contains("length"), "{policy}")
            }
            other => panic!("{other:?}"),
        }
        client
            .sign_up(
                "bob",
                PASSWORD,
                &[("email".into(), "bob@example.com".into())],
            )
            .await
            .unwrap();
        assert!(matches!(
            client
                .sign_up(
                    "bob",
                    PASSWORD,
                    &[("email".into(), "bob@example.com".into())]
                )
                .await,
            Err(CognitoError::UsernameExists)
        ));

        // Not confirmed yet: sign-in says so (both flows); a new code can be sent.
        for flow in [AuthFlow::Srp, AuthFlow::Password] {
            assert!(matches!(
                SignIn::start(&client, "bob", PASSWORD, flow, vec![]).await,
                Err(CognitoError::NotConfirmed)
            ));
        }
        client.resend_confirmation_code("bob").await.unwrap();
        assert!(matches!(
            client.confirm_sign_up("bob", "000000").await,
            Err(CognitoError::CodeMismatch)
        ));
        client.confirm_sign_up("bob", "123456").await.unwrap();

        // Wrong password, unknown user.
        for flow in [AuthFlow::Srp, AuthFlow::Password] {
            assert!(matches!(
                SignIn::start(&client, "bob", "Wrong-Password-1", flow, vec![]).await,
                Err(CognitoError::WrongCredentials)
            ));
            assert!(matches!(
                SignIn::start(&client, "nobody", PASSWORD, flow, vec![]).await,
                Err(CognitoError::UserNotFound)
            ));
        }

        // Password reset: a wrong code, an unsent code, a weak password, then the real one.
        assert!(matches!(
            client
                .confirm_forgot_password("bob", "654321", NEW_PASSWORD)
                .await,
            Err(CognitoError::CodeExpired)
        ));
        let delivery = client.forgot_password("bob").await.unwrap().unwrap();
        assert!(delivery.destination.is_some());
        assert!(matches!(
            client
                .confirm_forgot_password("bob", "111111", NEW_PASSWORD)
                .await,
            Err(CognitoError::CodeMismatch)
        ));
        assert!(matches!(
            client
                .confirm_forgot_password("bob", "654321", "weak")
                .await,
            Err(CognitoError::PasswordPolicy { .. })
        ));
        client
            .confirm_forgot_password("bob", "654321", NEW_PASSWORD)
            .await
            .unwrap();
        assert!(matches!(
            SignIn::start(&client, "bob", PASSWORD, AuthFlow::Srp, vec![]).await,
            Err(CognitoError::WrongCredentials)
        ));
        let (_, step) = SignIn::start(&client, "bob", NEW_PASSWORD, AuthFlow::Srp, vec![])
            .await
            .unwrap();
        assert!(matches!(step, SignInStep::Done(_)));

        // A wrong or missing app client secret.
        let mut no_secret = config(&ms, &pool);
        no_secret.client_secret = None;
        let unsecret = CognitoClient::new(no_secret.clone(), Arc::new(SystemClock)).unwrap();
        assert!(matches!(
            SignIn::start(&unsecret, "bob", NEW_PASSWORD, AuthFlow::Srp, vec![]).await,
            Err(CognitoError::ClientSecret)
        ));
        no_secret.client_secret = Some(ClientSecret::new("not-the-secret"));
        let wrong = CognitoClient::new(no_secret, Arc::new(SystemClock)).unwrap();
        assert!(matches!(
            wrong.forgot_password("bob").await,
            Err(CognitoError::ClientSecret)
        ));

        // An endpoint where nothing listens.
        let mut down = config(&ms, &pool);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        down.endpoint = Some(format!("http://127.0.0.1:{port}"));
        let down = CognitoClient::new(down, Arc::new(SystemClock)).unwrap();
        let err = SignIn::start(&down, "bob", PASSWORD, AuthFlow::Srp, vec![])
            .await
            .unwrap_err();
        assert!(matches!(err, CognitoError::Unreachable { .. }), "{err:?}");
        assert!(err.to_string().contains(&format!("127.0.0.1:{port}")));
    });
}

#[test]
fn mfa_is_enrolled_in_the_vault_and_answered_from_it() {
    let ms = Ministack::start();
    let vault_dir = TempVault::new();
    rt().block_on(async {
        for (mfa, secret) in [(Mfa::Optional, false), (Mfa::Required, true)] {
            let pool = ms.pool(mfa, secret, None).await;
            let mut vault = vault_dir.open();
            let client = configured(&mut vault, config(&ms, &pool));
            sign_up_confirmed(&client, "carol", "carol@example.com").await;

            // The emulator asks no MFA before one is set up (even when required).
            let session = sign_in_saved(&mut vault, &client, "carol").await;

            // Enroll Sesame: the secret is an ordinary account, linked to pool and user.
            let enrolled = cognito::enrollment::enable_totp(&lend(&mut vault), &client)
                .await
                .unwrap();
            assert_eq!(enrolled.preference_error, None);
            let account = vault
                .data()
                .accounts
                .iter()
                .find(|a| a.id == enrolled.account_id)
                .unwrap()
                .clone();
            assert_eq!(
                account.account.issuer.as_deref(),
                Some(&*format!("Cognito ({})", pool.id))
            );
            assert_eq!(account.account.name, "carol");
            let profile = client.get_user(&session.tokens.access).await.unwrap();
            assert_eq!(profile.mfa_methods, ["SOFTWARE_TOKEN_MFA"]);

            cognito::session::sign_out(&lend(&mut vault), &client)
                .await
                .unwrap();
            assert!(cognito::session::stored(vault.data()).unwrap().is_none());

            // Signing in again: Cognito asks for the code, and the vault can answer it.
            let state = cognito::CognitoState::load(vault.data()).unwrap();
            let enrolled_totp = state.enrolled(vault.data(), &pool.id);
            assert_eq!(enrolled_totp.len(), 1);
            let (mut sign_in, step) = SignIn::start(
                &client,
                "carol",
                PASSWORD,
                AuthFlow::Srp,
                enrolled_totp.clone(),
            )
            .await
            .unwrap();
            assert_eq!(
                step,
                SignInStep::NeedMfaCode {
                    kind: MfaKind::Totp,
                    destination: None,
                    can_answer_from_vault: true
                }
            );
            // Session handling on our side: the wrong answers for this step are refused
            // before anything is sent.
            assert!(matches!(
                sign_in.select_mfa(MfaKind::Totp).await,
                Err(CognitoError::WrongStep { .. })
            ));
            assert!(matches!(
                sign_in.set_new_password(NEW_PASSWORD, &[]).await,
                Err(CognitoError::WrongStep { .. })
            ));
            // A wrong code is refused and the challenge stays open.
            assert!(matches!(
                sign_in.answer_mfa("000000").await,
                Err(CognitoError::CodeMismatch)
            ));
            let step = sign_in.answer_mfa_from_vault().await.unwrap();
            let SignInStep::Done(session) = step else {
                panic!("{step:?}")
            };
            assert!(sign_in.is_done());
            assert!(matches!(
                sign_in.answer_mfa_from_vault().await,
                Err(CognitoError::WrongStep { .. })
            ));
            let (used_account, used_step) = sign_in.totp_used().cloned().unwrap();
            assert_eq!(used_account, enrolled.account_id);
            cognito::session::save(&mut vault, &sign_in, &session).unwrap();
            let state = cognito::CognitoState::load(vault.data()).unwrap();
            assert_eq!(
                state.link(&pool.id, "carol").unwrap().last_step,
                Some(used_step)
            );

            // Without the vault's secret the code must be typed: a computed one works too.
            let (mut sign_in, step) =
                SignIn::start(&client, "carol", PASSWORD, AuthFlow::Password, vec![])
                    .await
                    .unwrap();
            assert!(matches!(
                step,
                SignInStep::NeedMfaCode {
                    can_answer_from_vault: false,
                    ..
                }
            ));
            assert!(matches!(
                sign_in.answer_mfa_from_vault().await,
                Err(CognitoError::NoVaultSecret { .. })
            ));
            let code = enrolled_totp[0].otp.code_at(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs(),
            );
            assert!(matches!(
                sign_in.answer_mfa(code.as_str()).await.unwrap(),
                SignInStep::Done(_)
            ));

            // Turning it off removes the link and the account; sign-in needs no code then.
            if mfa == Mfa::Optional {
                let removed = cognito::enrollment::disable_totp(&lend(&mut vault), &client, false)
                    .await
                    .unwrap();
                assert_eq!(removed, Some(enrolled.account_id.clone()));
                assert!(
                    vault
                        .data()
                        .accounts
                        .iter()
                        .all(|a| a.id != enrolled.account_id)
                );
                sign_in_done(&client, "carol", AuthFlow::Srp).await;
            }
        }
    });
}

/// A clock 10 minutes fast, like a badly set computer.
struct FastClock;

impl sesame::clock::Clock for FastClock {
    fn now_ms(&self) -> u64 {
        SystemClock.now_ms() + 600_000
    }
}

#[test]
fn mfa_codes_use_the_corrected_clock() {
    let ms = Ministack::start();
    let vault_dir = TempVault::new();
    rt().block_on(async {
        let pool = ms.pool(Mfa::Optional, false, None).await;
        let mut vault = vault_dir.open();
        let client = configured(&mut vault, config(&ms, &pool));
        sign_up_confirmed(&client, "gina", "gina@example.com").await;
        sign_in_saved(&mut vault, &client, "gina").await;
        cognito::enrollment::enable_totp(&lend(&mut vault), &client)
            .await
            .unwrap();
        let state = cognito::CognitoState::load(vault.data()).unwrap();
        let enrolled = state.enrolled(vault.data(), &pool.id);

        // Ten minutes fast: the vault's code is twenty steps off and Cognito refuses it.
        let fast = sesame::clock::CorrectedClock::new(FastClock);
        let skewed = CognitoClient::new(config(&ms, &pool), Arc::new(fast)).unwrap();
        let (mut sign_in, _) =
            SignIn::start(&skewed, "gina", PASSWORD, AuthFlow::Srp, enrolled.clone())
                .await
                .unwrap();
        assert!(matches!(
            sign_in.answer_mfa_from_vault().await,
            Err(CognitoError::CodeMismatch)
        ));

        // With the measured offset applied, the same clock gives the right code.
        let corrected = sesame::clock::CorrectedClock::new(FastClock);
        corrected.set_offset_ms(-600_000);
        let fixed = CognitoClient::new(config(&ms, &pool), Arc::new(corrected)).unwrap();
        let (mut sign_in, _) = SignIn::start(&fixed, "gina", PASSWORD, AuthFlow::Srp, enrolled)
            .await
            .unwrap();
        assert!(matches!(
            sign_in.answer_mfa_from_vault().await.unwrap(),
            SignInStep::Done(_)
        ));
    });
}

#[test]
fn stored_sessions_refresh_before_they_expire() {
    let ms = Ministack::start();
    let vault_dir = TempVault::new();
    rt().block_on(async {
        // Tokens that live 2 minutes are inside the 5-minute refresh margin at once.
        let pool = ms.pool(Mfa::Off, false, Some(120)).await;
        let mut vault = vault_dir.open();
        let client = configured(&mut vault, config(&ms, &pool));
        sign_up_confirmed(&client, "dave", "dave@example.com").await;
        assert!(matches!(
            cognito::session::whoami(&lend(&mut vault), &client).await,
            Err(CognitoError::NotSignedIn)
        ));
        let first = sign_in_saved(&mut vault, &client, "dave").await;
        let verified = cognito::session::whoami(&lend(&mut vault), &client)
            .await
            .unwrap();
        assert_ne!(verified.session.tokens.access, first.tokens.access);
        assert_eq!(verified.id.username(), Some("dave"));
        assert_eq!(verified.id.str("email"), Some("dave@example.com"));
        let stored = cognito::session::stored(vault.data()).unwrap().unwrap();
        assert_eq!(stored.tokens.access, verified.session.tokens.access);

        // Signed out on another device: refreshing here says so and forgets the tokens.
        let elsewhere = sign_in_done(&client, "dave", AuthFlow::Password).await;
        client
            .global_sign_out(&elsewhere.tokens.access)
            .await
            .unwrap();
        assert!(matches!(
            cognito::session::refresh(&lend(&mut vault), &client).await,
            Err(CognitoError::SessionEnded { .. })
        ));
        assert!(cognito::session::stored(vault.data()).unwrap().is_none());

        // Signing out a session Cognito already ended still signs out here.
        sign_in_saved(&mut vault, &client, "dave").await;
        let elsewhere = sign_in_done(&client, "dave", AuthFlow::Password).await;
        client
            .global_sign_out(&elsewhere.tokens.access)
            .await
            .unwrap();
        let done = cognito::session::sign_out(&lend(&mut vault), &client)
            .await
            .unwrap();
        assert!(!done.global);
        assert!(cognito::session::stored(vault.data()).unwrap().is_none());
        assert!(matches!(
            cognito::session::sign_out(&lend(&mut vault), &client).await,
            Err(CognitoError::NotSignedIn)
        ));

        // Reconfiguring to another pool forgets the session.
        sign_in_saved(&mut vault, &client, "dave").await;
        let other = ms.pool(Mfa::Off, false, None).await;
        let done = cognito::store::configure(&mut vault, config(&ms, &other)).unwrap();
        assert!(done.dropped_session);
        assert!(cognito::session::stored(vault.data()).unwrap().is_none());
    });
}

/// An app's vault: shared, and locked (`None`) whenever the app likes.
struct AppVault(Arc<Mutex<Option<Vault>>>);

impl VaultAccess for AppVault {
    fn with_vault<R>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
    ) -> Result<R, CognitoError> {
        let mut guard = self.0.lock().unwrap();
        f(guard.as_mut().ok_or(CognitoError::VaultLocked)?)
    }
}

/// The pool requires MFA, but ministack hands out tokens to users without one: the proxy
/// turns the first tokens after `ask` is set into the `MFA_SETUP` challenge Cognito sends.
fn ask_for_mfa_setup(ask: Arc<AtomicBool>) -> impl Fn(&str, &Value, &mut Value) {
    move |operation, sent, answer| {
        let tokens = answer.get("AuthenticationResult").is_some();
        if operation == "RespondToAuthChallenge"
            && sent["ChallengeName"] != "MFA_SETUP"
            && tokens
            && ask.swap(false, Ordering::SeqCst)
        {
            *answer = serde_json::json!({
                "ChallengeName": "MFA_SETUP",
                "Session": "proxy-mfa-setup-session",
                "ChallengeParameters": {
                    "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]",
                    "USER_ID_FOR_SRP": sent["ChallengeResponses"]["USERNAME"],
                },
            });
        }
    }
}

#[test]
fn an_invited_user_sets_a_new_password_and_enrolls_sesame_as_the_pool_requires() {
    let ms = Ministack::start();
    let vault_dir = TempVault::new();
    let ask = Arc::new(AtomicBool::new(false));
    let lock_on_verify = Arc::new(AtomicBool::new(false));
    let app_vault: Arc<Mutex<Option<Vault>>> = Arc::new(Mutex::new(None));
    let proxy = {
        let setup = ask_for_mfa_setup(ask.clone());
        let (lock_on_verify, app_vault) = (lock_on_verify.clone(), app_vault.clone());
        proxy::Proxy::start(&ms.endpoint, move |operation, sent, answer| {
            setup(operation, sent, answer);
            // The app locks itself while Cognito checks the code.
            if operation == "VerifySoftwareToken" && lock_on_verify.swap(false, Ordering::SeqCst) {
                *app_vault.lock().unwrap() = None;
            }
        })
    };
    rt().block_on(async {
        let pool = ms.pool(Mfa::Required, false, None).await;
        ms.invited_user(&pool, "ines", TEMPORARY_PASSWORD, "ines@example.com")
            .await;
        let mut through_proxy = config(&ms, &pool);
        through_proxy.endpoint = Some(proxy.endpoint.clone());
        let mut vault = vault_dir.open();
        let client = configured(&mut vault, through_proxy.clone());
        // An older enrollment of the same user, which a new one replaces.
        let Added::New(stale) = vault
            .update(|data| {
                Ok(data.add(
                    Account {
                        issuer: Some(cognito::enrollment::issuer_for(&pool.id)),
                        name: "ines".into(),
                        secret: Secret::from_bytes(vec![7; 20]),
                        params: Params::default(),
                    },
                    0,
                ))
            })
            .unwrap()
        else {
            panic!()
        };
        cognito::store::update(&mut vault, |state, _| {
            state.totp.push(cognito::store::TotpLink {
                user_pool_id: pool.id.clone(),
                username: "ines".into(),
                login: "ines".into(),
                account_id: stale.clone(),
                verified: true,
                last_step: None,
            });
            Ok(())
        })
        .unwrap();

        // The temporary password asks for a new one; then the pool asks for MFA.
        let (mut sign_in, step) =
            SignIn::start(&client, "ines", TEMPORARY_PASSWORD, AuthFlow::Srp, vec![])
                .await
                .unwrap();
        assert_eq!(
            step,
            SignInStep::NeedNewPassword {
                required_attributes: vec![]
            }
        );
        assert!(matches!(
            cognito::enrollment::set_up_during_sign_in(&lend(&mut vault), &mut sign_in).await,
            Err(CognitoError::WrongStep { .. })
        ));
        ask.store(true, Ordering::SeqCst);
        let step = sign_in
            .set_new_password(NEW_PASSWORD, &[("name".into(), "Ines".into())])
            .await
            .unwrap();
        assert_eq!(
            step,
            SignInStep::MfaSetup {
                options: vec![MfaKind::Totp]
            }
        );
        assert!(matches!(
            sign_in.set_new_password(NEW_PASSWORD, &[]).await,
            Err(CognitoError::WrongStep { .. })
        ));

        // Sesame enrolls itself: Cognito accepted the code computed from the secret the
        // vault now holds, and the sign-in finished. The older enrollment is gone.
        let step = cognito::enrollment::set_up_during_sign_in(&lend(&mut vault), &mut sign_in)
            .await
            .unwrap();
        let SignInStep::Done(session) = step else {
            panic!("{step:?}")
        };
        let state = cognito::CognitoState::load(vault.data()).unwrap();
        assert_eq!(state.totp.len(), 1, "{:?}", state.totp);
        let link = state.link(&pool.id, "ines").unwrap().clone();
        assert!(link.verified && link.last_step.is_some());
        assert_ne!(link.account_id, stale);
        let enrolled = vault
            .data()
            .accounts
            .iter()
            .find(|a| a.id == link.account_id)
            .unwrap();
        assert_eq!(
            enrolled.account.issuer.as_deref(),
            Some(&*cognito::enrollment::issuer_for(&pool.id))
        );
        assert!(vault.data().accounts.iter().all(|a| a.id != stale));
        cognito::session::save(&mut vault, &sign_in, &session).unwrap();
        let who = cognito::session::whoami(&lend(&mut vault), &client)
            .await
            .unwrap();
        assert_eq!(who.id.username(), Some("ines"));

        // The temporary password is spent; the new one works.
        assert!(matches!(
            SignIn::start(&client, "ines", TEMPORARY_PASSWORD, AuthFlow::Srp, vec![]).await,
            Err(CognitoError::WrongCredentials)
        ));
        let (_, step) = SignIn::start(&client, "ines", NEW_PASSWORD, AuthFlow::Password, vec![])
            .await
            .unwrap();
        assert!(matches!(step, SignInStep::Done(_)), "{step:?}");
        let accounts_before = vault.data().accounts.len();

        // A code Cognito refuses (a clock 10 minutes fast) rolls the enrollment back.
        let skewed = CognitoClient::new(
            through_proxy.clone(),
            Arc::new(sesame::clock::CorrectedClock::new(FastClock)),
        )
        .unwrap();
        ask.store(true, Ordering::SeqCst);
        let (mut sign_in, step) =
            SignIn::start(&skewed, "ines", NEW_PASSWORD, AuthFlow::Srp, vec![])
                .await
                .unwrap();
        assert!(matches!(step, SignInStep::MfaSetup { .. }), "{step:?}");
        assert!(matches!(
            cognito::enrollment::set_up_during_sign_in(&lend(&mut vault), &mut sign_in).await,
            Err(CognitoError::CodeMismatch)
        ));
        assert_eq!(vault.data().accounts.len(), accounts_before);
        assert_eq!(
            cognito::CognitoState::load(vault.data()).unwrap().totp,
            vec![link.clone()]
        );

        // An app that locks itself while Cognito checks the code: the error says so, and
        // the secret Cognito now accepts is still in the vault (never lost).
        drop(vault);
        *app_vault.lock().unwrap() = Some(vault_dir.open());
        let access = AppVault(app_vault.clone());
        ask.store(true, Ordering::SeqCst);
        lock_on_verify.store(true, Ordering::SeqCst);
        let (mut sign_in, _) = SignIn::start(&client, "ines", NEW_PASSWORD, AuthFlow::Srp, vec![])
            .await
            .unwrap();
        let locked = cognito::enrollment::set_up_during_sign_in(&access, &mut sign_in).await;
        assert!(
            matches!(locked, Err(CognitoError::VaultLocked)),
            "{locked:?}"
        );
        assert!(app_vault.lock().unwrap().is_none());
        let vault = vault_dir.open();
        assert_eq!(vault.data().accounts.len(), accounts_before + 1);
        let state = cognito::CognitoState::load(vault.data()).unwrap();
        assert_eq!(state.totp.iter().filter(|l| !l.verified).count(), 1);
    });
}

/// The core's `Driver`, as the app and the CLI use it: one prompt per step, every rule
/// (new password, MFA setup by Sesame, text-message-only setup unsupported, which errors
/// end the sign-in) decided in the core.
#[test]
fn the_driver_walks_a_sign_in_prompt_by_prompt() {
    let ms = Ministack::start();
    let vault_dir = TempVault::new();
    // 0: pass answers through; 1: the next tokens become MFA_SETUP (authenticator app);
    // 2: the same, but offering text messages only.
    let setup = Arc::new(std::sync::atomic::AtomicU8::new(0));
    let proxy = {
        let setup = setup.clone();
        proxy::Proxy::start(&ms.endpoint, move |operation, sent, answer| {
            let tokens = answer.get("AuthenticationResult").is_some();
            if operation == "RespondToAuthChallenge"
                && sent["ChallengeName"] != "MFA_SETUP"
                && tokens
            {
                let offered = match setup.swap(0, Ordering::SeqCst) {
                    1 => "[\"SOFTWARE_TOKEN_MFA\"]",
                    2 => "[\"SMS_MFA\"]",
                    _ => return,
                };
                *answer = serde_json::json!({
                    "ChallengeName": "MFA_SETUP",
                    "Session": "proxy-mfa-setup-session",
                    "ChallengeParameters": {
                        "MFAS_CAN_SETUP": offered,
                        "USER_ID_FOR_SRP": sent["ChallengeResponses"]["USERNAME"],
                    },
                });
            }
        })
    };
    rt().block_on(async {
        let pool = ms.pool(Mfa::Required, false, None).await;
        ms.invited_user(&pool, "ivan", TEMPORARY_PASSWORD, "ivan@example.com")
            .await;
        let mut through_proxy = config(&ms, &pool);
        through_proxy.endpoint = Some(proxy.endpoint.clone());
        let mut vault = vault_dir.open();
        let client = configured(&mut vault, through_proxy);
        let held = lend(&mut vault);
        let password = |text: &str| Answer::Password {
            password: Zeroizing::new(text.to_owned()),
            flow: AuthFlow::Srp,
        };

        // A wrong password ends the sign-in.
        let mut driver = Driver::new(&client, "ivan", vec![]);
        assert_eq!(driver.prompt(), &Prompt::Password);
        assert!(matches!(
            driver.answer(&held, password("Wrong-Pass-1")).await,
            Err(CognitoError::WrongCredentials)
        ));
        assert!(driver.is_over());

        // The invitation asks for a new password; an answer out of turn is refused and
        // the sign-in waits on; then the pool asks for MFA and Sesame sets itself up.
        let mut driver = Driver::new(&client, "ivan", vec![]);
        let prompt = driver
            .answer(&held, password(TEMPORARY_PASSWORD))
            .await
            .unwrap();
        assert_eq!(
            prompt,
            Prompt::NewPassword {
                required_attributes: vec![]
            }
        );
        assert!(matches!(
            driver.answer(&held, Answer::MfaFromVault).await,
            Err(CognitoError::WrongStep { .. })
        ));
        assert!(!driver.is_over());
        setup.store(1, Ordering::SeqCst);
        let prompt = driver
            .answer(
                &held,
                Answer::NewPassword {
                    password: Zeroizing::new(NEW_PASSWORD.to_owned()),
                    attributes: vec![("name".into(), "Ivan".into())],
                },
            )
            .await
            .unwrap();
        assert_eq!(prompt, Prompt::MfaSetup);
        let prompt = driver.answer(&held, Answer::SetUpMfa).await.unwrap();
        assert_eq!(prompt, Prompt::Done);
        assert!(driver.is_over());
        let signed_in = driver.session().unwrap().clone();
        held.with_vault(|v| {
            let state = cognito::CognitoState::load(v.data())?;
            assert_eq!(state.session.as_ref(), Some(&signed_in));
            assert!(state.link(&pool.id, "ivan").is_some_and(|l| l.verified));
            Ok(())
        })
        .unwrap();

        // A pool that lets this user set up text messages only: Sesame cannot go on.
        setup.store(2, Ordering::SeqCst);
        let mut driver = Driver::new(&client, "ivan", vec![]);
        let prompt = driver.answer(&held, password(NEW_PASSWORD)).await.unwrap();
        assert_eq!(
            prompt,
            Prompt::Unsupported {
                why: UnsupportedReason::MfaSetupByTextOrEmail
            }
        );
        assert!(driver.is_over());
        assert!(matches!(
            driver.answer(&held, Answer::SetUpMfa).await,
            Err(CognitoError::WrongStep { .. })
        ));
    });
}

// ---------------------------------------------------------------------------------------
// The CLI, as a person uses it.

const POOL: &str = "eu-west-1_AbC123";

/// `sesame cognito configure` of [`POOL`] (a made-up pool, never called) and `extra`.
fn configure_pool_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "cognito",
        "configure",
        "--region",
        "eu-west-1",
        "--user-pool-id",
        POOL,
        "--client-id",
        "abc123",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn cli_configure_refuses_plain_http_off_loopback() {
    let home = Home::with_vault();
    for url in ["http://10.0.0.5", "http://127.attacker.example"] {
        for flag in ["--endpoint", "--issuer", "--jwks-url"] {
            let out = home.run(&configure_pool_args(&[flag, url]), "");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{flag} {url} was accepted");
            assert!(err.contains("plain HTTP"), "{err}");
        }
    }
    // Nothing was stored.
    let err = home.fail(&["cognito", "whoami"], "");
    assert!(err.contains("sesame cognito configure"), "{err}");
}

#[test]
fn cli_configure_takes_the_keys_from_the_issuer_unless_the_endpoint_is_this_machine() {
    let home = Home::with_vault();
    let out = home.ok(
        &configure_pool_args(&["--endpoint", "https://evil.example"]),
        "",
    );
    assert!(
        out.contains(&format!(
            "https://cognito-idp.eu-west-1.amazonaws.com/{POOL}/.well-known/jwks.json"
        )),
        "{out}"
    );
    assert!(!out.contains("evil.example/"), "{out}");
    // Loopback HTTP (an emulator) is accepted, with a warning.
    let out = home.run(
        &configure_pool_args(&["--endpoint", "http://127.0.0.1:4566"]),
        "",
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: plain HTTP"), "{err}");
    let out = String::from_utf8_lossy(&out.stdout);
    // An emulator on this machine serves its keys beside it.
    assert!(
        out.contains(&format!(
            "http://127.0.0.1:4566/{POOL}/.well-known/jwks.json"
        )),
        "{out}"
    );
}

#[test]
fn cli_sign_up_sign_in_enable_mfa_and_sign_in_again_from_the_vault() {
    let ms = Ministack::start();
    let pool = rt().block_on(ms.pool(Mfa::Optional, false, None));
    let home = Home::with_vault();

    let err = home.fail(&["cognito", "whoami"], "");
    assert!(err.contains("sesame cognito configure"), "{err}");
    let out = home.configure_cognito(&ms.endpoint, &pool, &[]);
    assert!(out.contains(&pool.id), "{out}");
    assert!(out.contains("/.well-known/jwks.json"), "{out}");

    // Sign up and confirm; signing in before confirming says what to do.
    let out = home.ok(
        &sign_up_args("erin", "erin@example.com", &[]),
        &pw(PASSWORD),
    );
    assert!(out.contains("confirmation code was sent by email"), "{out}");
    let err = home.fail(&sign_in_args("erin", &[]), &pw(PASSWORD));
    assert!(
        err.contains("not confirmed") && err.contains("sesame cognito confirm --username erin"),
        "{err}"
    );
    home.ok(&["cognito", "resend", "--username", "erin"], "");
    let err = home.fail(
        &[
            "cognito",
            "confirm",
            "--username",
            "erin",
            "--code",
            "999999",
        ],
        "",
    );
    assert!(err.contains("code is not right"), "{err}");
    // The code from stdin (issue 12 finding 13: not on the command line).
    home.ok(
        &["cognito", "confirm", "--username", "erin", "--code-stdin"],
        "123456\n",
    );

    // Not signed in: whoami answers no (exit 1), nothing on stdout.
    let out = home.run(&["cognito", "whoami"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    // A wrong password is refused.
    let err = home.fail(&sign_in_args("erin", &[]), &pw("Wrong-Password-1"));
    assert!(err.contains("incorrect username or password"), "{err}");

    // Sign in (SRP), see who we are, enable MFA.
    let out = home.ok(&sign_in_args("erin", &[]), &pw(PASSWORD));
    assert!(out.contains("Signed in as erin"), "{out}");
    let who = home.whoami().unwrap();
    assert_eq!(who["username"], "erin");
    assert_eq!(who["email"], "erin@example.com");
    assert_eq!(who["user_pool_id"], pool.id.as_str());
    assert_eq!(who["mfa"], serde_json::json!([]));
    assert_eq!(who["id_claims"]["token_use"], "id");
    assert!(who["expires_in_s"].as_u64().unwrap() > 3000);
    assert_eq!(who["vault_account_id"], Value::Null);

    let out = home.ok(&["cognito", "enable-mfa"], "");
    assert!(out.contains("authenticator app"), "{out}");
    let codes = home.codes();
    let cognito_code = codes
        .iter()
        .find(|c| c["issuer"] == format!("Cognito ({})", pool.id))
        .expect("the enrolled secret is an ordinary account");
    assert_eq!(cognito_code["account"], "erin");
    assert_eq!(cognito_code["code"].as_str().unwrap().len(), 6);
    let who = home.whoami().unwrap();
    assert_eq!(who["mfa"], serde_json::json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(who["vault_account_id"], cognito_code["id"]);

    // Refresh, then sign out: the old tokens are revoked.
    let before: Session = cognito::session::stored(home.vault().data())
        .unwrap()
        .unwrap();
    let out = home.ok(&["cognito", "refresh"], "");
    assert!(out.contains("Refreshed"), "{out}");
    let refreshed: Session = cognito::session::stored(home.vault().data())
        .unwrap()
        .unwrap();
    assert_ne!(refreshed.tokens.access, before.tokens.access);
    let out = home.ok(&["cognito", "sign-out"], "");
    assert!(out.contains("Signed out everywhere"), "{out}");
    assert!(
        cognito::session::stored(home.vault().data())
            .unwrap()
            .is_none()
    );
    let client = cognito::store::client(home.vault().data()).unwrap();
    rt().block_on(async {
        assert!(matches!(
            client.refresh(&before).await,
            Err(CognitoError::SessionEnded { .. })
        ));
        assert!(matches!(
            client.get_user(&refreshed.tokens.access).await,
            Err(CognitoError::SessionEnded { .. })
        ));
    });

    // Sign in again: only the password is typed, the MFA code comes from the vault.
    let out = home.ok(&sign_in_args("erin", &[]), &pw(PASSWORD));
    assert!(out.contains("answered from the vault"), "{out}");

    // A wrong MFA code is refused with its own error; the right one (typed) works.
    let err = home.fail(
        &sign_in_args("erin", &["--mfa-code", "000000"]),
        &pw(PASSWORD),
    );
    assert!(err.contains("code is not right"), "{err}");
    // The typed code is read from the line after the password (--mfa-code-stdin), not
    // answered from the vault and never on the command line.
    let code = home.ok(&["code", "erin"], "").trim().to_owned();
    let out = home.ok(
        &sign_in_args("erin", &["--flow", "password", "--mfa-code-stdin"]),
        &format!("{PASSWORD}\n{code}\n"),
    );
    assert!(out.contains("Signed in as erin"), "{out}");
    assert!(!out.contains("from the vault"), "{out}");

    // Disable MFA: the account leaves the vault and sign-in needs no code.
    home.ok(&["cognito", "disable-mfa"], "");
    assert!(home.codes().iter().all(|c| c["account"] != "erin"));
    assert_eq!(home.whoami().unwrap()["mfa"], serde_json::json!([]));
    let out = home.ok(&sign_in_args("erin", &[]), &pw(PASSWORD));
    assert!(!out.contains("from the vault"), "{out}");
}

#[test]
fn cli_with_a_client_secret_required_mfa_and_a_password_reset() {
    let ms = Ministack::start();
    let pool = rt().block_on(ms.pool(Mfa::Required, true, None));
    let home = Home::with_vault();
    let out = home.configure_cognito(&ms.endpoint, &pool, &[]);
    assert!(out.contains("with its secret"), "{out}");
    // The secret is in the vault, never printed.
    assert!(!out.contains(pool.client_secret.as_deref().unwrap()));

    let err = home.fail(
        &sign_up_args("frank", "frank@example.com", &[]),
        &pw("weak"),
    );
    assert!(err.contains("policy") && err.contains("length"), "{err}");
    home.ok(
        &sign_up_args("frank", "frank@example.com", &["--attribute", "name=Frank"]),
        &pw(PASSWORD),
    );
    home.ok(
        &[
            "cognito",
            "confirm",
            "--username",
            "frank",
            "--code",
            "123456",
        ],
        "",
    );

    // Forgot password: code sent, new password set, the old one refused.
    let out = home.ok(&["cognito", "forgot-password", "--username", "frank"], "");
    assert!(out.contains("reset code"), "{out}");
    let err = home.fail(
        &[
            "cognito",
            "confirm-forgot-password",
            "--username",
            "frank",
            "--code",
            "000000",
            "--password-stdin",
        ],
        &pw(NEW_PASSWORD),
    );
    assert!(err.contains("code is not right"), "{err}");
    // The reset code is the first line of stdin, the new password the next.
    home.ok(
        &[
            "cognito",
            "confirm-forgot-password",
            "--username",
            "frank",
            "--code-stdin",
            "--password-stdin",
        ],
        &format!("654321\n{NEW_PASSWORD}\n"),
    );
    home.fail(&sign_in_args("frank", &[]), &pw(PASSWORD));
    home.ok(&sign_in_args("frank", &[]), &pw(NEW_PASSWORD));
    home.ok(&["cognito", "enable-mfa"], "");
    home.ok(&["cognito", "sign-out"], "");
    let out = home.ok(&sign_in_args("frank", &[]), &pw(NEW_PASSWORD));
    assert!(out.contains("answered from the vault"), "{out}");
    let who = home.whoami().unwrap();
    assert_eq!(who["username"], "frank");
    assert_eq!(who["id_claims"]["name"], "Frank");

    // Without the vault's secret and no terminal, the CLI says how to give the code.
    home.ok(&["cognito", "sign-out", "--local"], "");
    let mut vault = home.vault();
    cognito::store::update(&mut vault, |state, _| {
        state.totp.clear();
        Ok(())
    })
    .unwrap();
    let err = home.fail(&["cognito", "sign-in", "--username", "frank"], "");
    assert!(err.contains("--password-stdin"), "{err}");
    let err = home.fail(&sign_in_args("frank", &[]), &pw(NEW_PASSWORD));
    assert!(err.contains("--mfa-code-stdin"), "{err}");
    // A wrong code from stdin is refused like a typed one.
    let err = home.fail(
        &sign_in_args("frank", &["--mfa-code-stdin"]),
        &format!("{NEW_PASSWORD}\n000000\n"),
    );
    assert!(err.contains("code is not right"), "{err}");
}

/// A new pool (MFA off, with a client secret if `secret`) to which an administrator
/// invited "hana" with [`TEMPORARY_PASSWORD`].
fn pool_inviting_hana(ms: &Ministack, secret: bool) -> Pool {
    rt().block_on(async {
        let pool = ms.pool(Mfa::Off, secret, None).await;
        ms.invited_user(&pool, "hana", TEMPORARY_PASSWORD, "hana@example.com")
            .await;
        pool
    })
}

/// The stdin of a first sign-in: the temporary password, then the new one.
fn temporary_then_new() -> String {
    format!("{TEMPORARY_PASSWORD}\n{NEW_PASSWORD}\n")
}

#[test]
fn cli_sets_the_new_password_an_invitation_requires() {
    let ms = Ministack::start();
    let pool = pool_inviting_hana(&ms, true);
    let home = Home::with_vault();
    home.configure_cognito(&ms.endpoint, &pool, &[]);
    // The temporary password, then the new one, one per line.
    let out = home.ok(&sign_in_args("hana", &[]), &temporary_then_new());
    assert!(out.contains("Signed in as hana"), "{out}");
    home.ok(&["cognito", "sign-out"], "");
    home.fail(&sign_in_args("hana", &[]), &pw(TEMPORARY_PASSWORD));
    let out = home.ok(
        &sign_in_args("hana", &["--flow", "password"]),
        &pw(NEW_PASSWORD),
    );
    assert!(out.contains("Signed in as hana"), "{out}");
}

/// ministack never lists required attributes in `NEW_PASSWORD_REQUIRED`; the proxy adds
/// `name` as a pool that requires it would, and records what Sesame answers.
#[test]
fn cli_gives_the_attributes_a_new_password_step_requires() {
    let ms = Ministack::start();
    let answered: Arc<Mutex<Option<Value>>> = Arc::new(Mutex::new(None));
    let proxy = {
        let answered = answered.clone();
        proxy::Proxy::start(&ms.endpoint, move |operation, sent, answer| {
            if answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED" {
                answer["ChallengeParameters"]["requiredAttributes"] =
                    serde_json::json!("[\"userAttributes.name\"]");
            }
            if operation == "RespondToAuthChallenge"
                && sent["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
            {
                *answered.lock().unwrap() = Some(sent["ChallengeResponses"].clone());
            }
        })
    };
    let pool = pool_inviting_hana(&ms, false);
    let home = Home::with_vault();
    home.configure_cognito(&proxy.endpoint, &pool, &[]);
    // Without a terminal and without --attribute: refused before a new password is sent,
    // naming the attribute and how to give it.
    let err = home.fail(&sign_in_args("hana", &[]), &temporary_then_new());
    assert!(
        err.contains("these attributes: name") && err.contains("--attribute name=VALUE"),
        "{err}"
    );
    assert!(answered.lock().unwrap().is_none());
    assert!(home.whoami().is_none());
    // With it: the value goes with the new password, and the user is signed in.
    let out = home.ok(
        &sign_in_args("hana", &["--attribute", "name=Hana Example"]),
        &temporary_then_new(),
    );
    assert!(out.contains("Signed in as hana"), "{out}");
    let sent = answered.lock().unwrap().clone().unwrap();
    assert_eq!(sent["userAttributes.name"], "Hana Example");
    assert_eq!(sent["NEW_PASSWORD"], NEW_PASSWORD);
    assert_eq!(home.whoami().unwrap()["username"], "hana");
}
