//! `sesame cognito …`: configure a user pool, sign up, sign in (SRP, MFA answered from the
//! vault when it holds the secret), enroll Sesame as the authenticator, show, refresh and
//! end the session. The core does the work (`sesame::cognito`); this drives it to
//! completion on a small tokio runtime.

use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use sesame::cognito::hosted::{self, HostedConfig, HostedError};
use sesame::cognito::{
    self, Answer, AuthFlow, ClientSecret, CodeDelivery, CognitoClient, CognitoConfig, CognitoError,
    CognitoState, Driver, MfaKind, Prompt, UnsupportedReason,
};
use sesame::vault::Vault;
use zeroize::Zeroizing;

use crate::args::Global;
use crate::error::{CliError, EXIT_NO};
use crate::session::{self, Secrets};

/// `sesame cognito`.
#[derive(Debug, Args)]
pub struct CognitoArgs {
    #[command(subcommand)]
    pub command: CognitoCommand,
}

#[derive(Debug, Subcommand)]
pub enum CognitoCommand {
    /// Set the user pool and app client to use (kept in the vault).
    Configure(ConfigureArgs),
    /// Create a user (the password is asked, or read with --password-stdin).
    SignUp(SignUpArgs),
    /// Confirm a sign-up with the code that was sent.
    Confirm(UserCodeArgs),
    /// Send the sign-up confirmation code again.
    Resend(UserArgs),
    /// Start a password reset: a code is sent.
    ForgotPassword(UserArgs),
    /// Set a new password with the reset code (the password is asked).
    ConfirmForgotPassword(UserCodeArgs),
    /// Sign in; an authenticator code is answered from the vault when Sesame holds it.
    SignIn(SignInArgs),
    /// Make Sesame the signed-in user's authenticator app and turn TOTP MFA on.
    EnableMfa,
    /// Turn TOTP MFA off for the signed-in user.
    DisableMfa(DisableMfaArgs),
    /// Who is signed in: verified claims and when the tokens expire (exit 1 if nobody).
    Whoami(WhoamiArgs),
    /// Get new tokens with the refresh token now.
    Refresh,
    /// Sign out everywhere and revoke the refresh token.
    SignOut(SignOutArgs),
}

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// AWS region, e.g. eu-west-1.
    #[arg(long)]
    pub region: String,
    /// User pool id, e.g. eu-west-1_AbC123xyz.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: String,
    /// App client id.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// Read the app client secret from standard input (after the vault password, if any).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Another endpoint than cognito-idp.REGION.amazonaws.com (an emulator, a VPC endpoint).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The issuer tokens must name (default: https://cognito-idp.REGION.amazonaws.com/POOL).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Where the pool's signing keys are (default: ISSUER/.well-known/jwks.json, whatever the
    /// --endpoint; an emulator needs it named).
    #[arg(long, value_name = "URL")]
    pub jwks_url: Option<String>,
    /// The pool's domain, for sign-in through its hosted page (`sign-in --browser`):
    /// https://PREFIX.auth.REGION.amazoncognito.com or a custom domain.
    #[arg(long, value_name = "URL")]
    pub domain: Option<String>,
    /// The loopback port the hosted page sends the browser back to; the app client must
    /// list http://127.0.0.1:PORT/callback as a callback URL (and .../signed-out as a
    /// sign-out URL).
    #[arg(long, value_name = "N", requires = "domain", default_value_t = hosted::DEFAULT_REDIRECT_PORT)]
    pub redirect_port: u16,
    /// The scopes to ask the hosted page for, separated by spaces. Add
    /// aws.cognito.signin.user.admin for `whoami` to read the profile from Cognito and
    /// for the MFA commands.
    #[arg(long, value_name = "SCOPES", requires = "domain", default_value = hosted::DEFAULT_SCOPES)]
    pub scopes: String,
    /// An identity provider the hosted sign-in goes straight to (its name in the pool,
    /// e.g. Google); `sign-in --identity-provider` overrides it.
    #[arg(long, value_name = "NAME", requires = "domain")]
    pub identity_provider: Option<String>,
    /// An identity provider the app offers a "Continue with NAME" button for (its name
    /// in the pool; repeatable).
    #[arg(long = "provider", value_name = "NAME", requires = "domain")]
    pub providers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SignUpArgs {
    /// The user name (or the email, in pools that sign in by email).
    #[arg(long)]
    pub username: String,
    /// The email address (the confirmation code goes there).
    #[arg(long)]
    pub email: Option<String>,
    /// Another attribute, NAME=VALUE (repeatable), e.g. --attribute name="Alice Liddell".
    #[arg(long = "attribute", value_name = "NAME=VALUE")]
    pub attributes: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UserArgs {
    /// The user name (or alias).
    #[arg(long)]
    pub username: String,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("sent_code").args(["code", "code_stdin"]).required(true)))]
pub struct UserCodeArgs {
    /// The user name (or alias).
    #[arg(long)]
    pub username: String,
    /// The code that was sent. Prefer --code-stdin: an argument is visible to other users
    /// in the process list and stays in shell history.
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Read the code from the first line of standard input (before the vault password
    /// and the new password, with --password-stdin).
    #[arg(long)]
    pub code_stdin: bool,
}

/// How the password is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowArg {
    /// SRP: the password never leaves this computer.
    Srp,
    /// USER_PASSWORD_AUTH: the password is sent over TLS (the app client must allow it).
    Password,
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    /// The user name (or alias).
    #[arg(long, required_unless_present = "browser")]
    pub username: Option<String>,
    /// How to prove the password.
    #[arg(long, value_enum, default_value_t = FlowArg::Srp, conflicts_with = "browser")]
    pub flow: FlowArg,
    /// The MFA code (authenticator, SMS or email), when the vault cannot answer it.
    /// Prefer --mfa-code-stdin: an argument is visible to other users in the process list.
    #[arg(long, value_name = "CODE", conflicts_with_all = ["mfa_code_stdin", "browser"])]
    pub mfa_code: Option<String>,
    /// Read the MFA code from the next line of standard input when Cognito asks for it
    /// (after the password lines, with --password-stdin), instead of answering from the
    /// vault.
    #[arg(long, conflicts_with = "browser")]
    pub mfa_code_stdin: bool,
    /// A value for an attribute the pool requires when it asks for a new password,
    /// NAME=VALUE (repeatable); missing ones are asked on a terminal.
    #[arg(
        long = "attribute",
        value_name = "NAME=VALUE",
        conflicts_with = "browser"
    )]
    pub attributes: Vec<String>,
    /// Sign in through the pool's hosted page in a browser (needs `configure --domain`).
    #[arg(long, conflicts_with = "username")]
    pub browser: bool,
    /// With --browser: go straight to this identity provider (its name in the pool).
    #[arg(long, value_name = "NAME", requires = "browser")]
    pub identity_provider: Option<String>,
    /// With --browser: print the address to open instead of opening a browser (for a
    /// remote shell: open it on any machine whose browser can reach this one's port).
    #[arg(long, requires = "browser")]
    pub no_open: bool,
    /// With --browser: how long to wait for the browser to come back, in seconds.
    #[arg(long, value_name = "SECS", requires = "browser", default_value_t = 300)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct DisableMfaArgs {
    /// Keep the authenticator account in the vault.
    #[arg(long)]
    pub keep_account: bool,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// One JSON object (fields documented in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignOutArgs {
    /// Only forget the tokens here, without telling Cognito (they stay valid until they
    /// expire).
    #[arg(long)]
    pub local: bool,
    /// For a hosted-page session: print the hosted page's sign-out address instead of
    /// opening a browser.
    #[arg(long)]
    pub no_open: bool,
    /// For a hosted-page session: how long to wait for the browser to come back from the
    /// hosted page's sign-out, in seconds (0: do not end the hosted page's session).
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub browser_timeout: u64,
}

fn block_on<F: Future>(future: F) -> Result<F::Output, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    Ok(runtime.block_on(future))
}

/// Runs a `sesame cognito` command.
pub fn run(global: &Global, args: &CognitoArgs) -> Result<ExitCode, CliError> {
    // A sent code read from stdin comes first, before any password (as `add --secret-stdin`).
    let code = match &args.command {
        CognitoCommand::Confirm(a) | CognitoCommand::ConfirmForgotPassword(a) => {
            Some(sent_code(a)?)
        }
        _ => None,
    };
    let mut secrets = Secrets::new(global);
    let mut vault = session::open(global, &mut secrets)?;
    match &args.command {
        CognitoCommand::Configure(a) => configure(&mut vault, a),
        command => {
            let client = cognito::store::client(vault.data())?;
            let from_stdin = global.password_stdin;
            block_on(run_online(
                &mut vault,
                &client,
                &mut secrets,
                from_stdin,
                command,
                code.as_ref().map(|c| c.as_str()).unwrap_or_default(),
            ))?
        }
    }
}

/// The code of `confirm` / `confirm-forgot-password`: --code, or the first line of stdin.
fn sent_code(args: &UserCodeArgs) -> Result<Zeroizing<String>, CliError> {
    let code = match &args.code {
        Some(code) => Zeroizing::new(code.clone()),
        None => read_stdin_line("code")?,
    };
    Ok(Zeroizing::new(code.trim().to_owned()))
}

async fn run_online(
    vault: &mut Vault,
    client: &CognitoClient,
    secrets: &mut Secrets,
    from_stdin: bool,
    command: &CognitoCommand,
    code: &str,
) -> Result<ExitCode, CliError> {
    match command {
        CognitoCommand::Configure(_) => unreachable!("handled offline"),
        CognitoCommand::SignUp(a) => sign_up(client, secrets, a).await,
        CognitoCommand::Confirm(a) => {
            client.confirm_sign_up(&a.username, code).await?;
            println!("Confirmed {}: you can sign in now.", a.username);
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::Resend(a) => {
            let delivery = client.resend_confirmation_code(&a.username).await?;
            println!(
                "Sent a new confirmation code{}.",
                sent_to(delivery.as_ref())
            );
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::ForgotPassword(a) => {
            let delivery = client.forgot_password(&a.username).await?;
            println!(
                "Sent a password reset code{}; then: sesame cognito confirm-forgot-password --username {} --code-stdin",
                sent_to(delivery.as_ref()),
                a.username
            );
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::ConfirmForgotPassword(a) => {
            let password = secrets.ask_new("Cognito password")?;
            client
                .confirm_forgot_password(&a.username, code, &password)
                .await?;
            println!(
                "The password of {} is changed: sign in with it now.",
                a.username
            );
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::SignIn(a) => sign_in(vault, client, secrets, from_stdin, a).await,
        CognitoCommand::EnableMfa => {
            require_user_api(vault, client, "turn MFA on").await?;
            let enrolled = cognito::enrollment::enable_totp(&lend(vault), client).await?;
            let label = account_label(vault, &enrolled.account_id);
            println!("Sesame is now the authenticator app for this user: {label}");
            println!(
                "Sign-ins from here answer its codes from the vault; `sesame codes` shows them too."
            );
            if enrolled.replaced.is_some() {
                println!(
                    "It replaces the authenticator Sesame held before (removed from the vault)."
                );
            }
            if let Some(e) = enrolled.preference_error {
                return Err(CliError::MfaPreference { reason: e });
            }
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::DisableMfa(a) => {
            require_user_api(vault, client, "turn MFA off").await?;
            let removed =
                cognito::enrollment::disable_totp(&lend(vault), client, a.keep_account).await?;
            println!("TOTP MFA is off for this user.");
            match (removed, a.keep_account) {
                (Some(_), false) => {
                    println!("Its authenticator account was removed from the vault.")
                }
                (Some(id), true) => println!(
                    "Its authenticator account stays in the vault ({}).",
                    id.short()
                ),
                (None, _) => {}
            }
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::Whoami(a) => whoami(vault, client, a).await,
        CognitoCommand::Refresh => {
            let session = cognito::session::refresh(&lend(vault), client).await?;
            println!(
                "Refreshed: the tokens of {} are valid for {}.",
                session.login,
                duration(session.expires_in(client.clock().now_secs()))
            );
            Ok(ExitCode::SUCCESS)
        }
        CognitoCommand::SignOut(a) => {
            if a.local {
                if cognito::session::forget_locally(vault)? {
                    println!(
                        "Forgot the tokens here; Cognito still accepts them until they expire."
                    );
                } else {
                    println!("Not signed in.");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let hosted_session = cognito::session::stored(vault.data())?.is_some_and(|s| s.hosted);
            let done = cognito::session::sign_out(&lend(vault), client).await?;
            match (done.global, done.revoked) {
                (true, true) => println!("Signed out everywhere; the refresh token is revoked."),
                (true, false) => println!("Signed out everywhere."),
                (false, true) => println!("Signed out; the refresh token is revoked."),
                (false, false) => {
                    println!("Signed out here (Cognito had already ended the session).")
                }
            }
            if hosted_session && client.config().hosted.is_some() && a.browser_timeout > 0 {
                let ended = hosted::end_hosted_session(
                    client,
                    std::time::Duration::from_secs(a.browser_timeout),
                    |url| show_url(url, a.no_open, "end the hosted page's session"),
                )
                .await;
                match ended {
                    Ok(()) => println!("The hosted page's session has ended too."),
                    Err(e) => eprintln!(
                        "warning: the hosted page's own session may still be open in the browser: {e}"
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The vault, lent to a Cognito flow for one command (nothing else uses it meanwhile).
fn lend(vault: &mut Vault) -> Mutex<&mut Vault> {
    Mutex::new(vault)
}

/// A sign-in error, whose hints name the user.
fn with_hint(e: CognitoError, username: &str) -> CliError {
    match e {
        CognitoError::Vault(v) => CliError::Vault(v),
        source => CliError::CognitoSignIn {
            username: username.to_owned(),
            source,
        },
    }
}

fn configure(vault: &mut Vault, args: &ConfigureArgs) -> Result<ExitCode, CliError> {
    let mut config = CognitoConfig::new(&args.region, &args.user_pool_id, &args.client_id)?;
    config.endpoint = args.endpoint.clone();
    config.issuer = args.issuer.clone();
    config.jwks_url = args.jwks_url.clone();
    if let Some(domain) = &args.domain {
        let mut hosted = HostedConfig::new(domain)?.with_scopes(&args.scopes)?;
        hosted.redirect_port = args.redirect_port;
        hosted.identity_provider = args.identity_provider.clone();
        let hosted = hosted.with_providers(&args.providers)?;
        config.hosted = Some(hosted);
    }
    if args.client_secret_stdin {
        let secret = read_stdin_line("app client secret")?;
        config.client_secret = Some(ClientSecret::new(secret.trim().to_owned()));
    }
    // Plain HTTP is refused here unless to a loopback address (`cognito::config::is_loopback`).
    config.check()?;
    if config.uses_plain_http() {
        eprintln!(
            "warning: plain HTTP to this machine: fine for an emulator, never for a real user pool"
        );
    }
    let done = cognito::store::configure(vault, config.clone())?;
    println!(
        "Configured user pool {} (app client {}{}) at {}.",
        config.user_pool_id,
        config.client_id,
        if config.client_secret.is_some() {
            ", with its secret"
        } else {
            ""
        },
        config.endpoint_or_default()
    );
    println!(
        "Tokens must be issued by {} and signed with a key from {}.",
        config.issuer(),
        config.jwks_url()
    );
    if let Some(hosted) = &config.hosted {
        println!(
            "Hosted sign-in at {} (scopes: {}); the app client must list {} as a callback URL and {} as a sign-out URL.",
            hosted.domain,
            hosted.scopes,
            hosted.redirect_uri(),
            hosted.logout_uri()
        );
        if !hosted.providers.is_empty() {
            println!(
                "Identity providers offered in the app: {}.",
                hosted.providers.join(", ")
            );
        }
    }
    if done.dropped_session {
        println!("The session with the previous pool was forgotten: sign in again.");
    }
    Ok(ExitCode::SUCCESS)
}

fn read_stdin_line(what: &str) -> Result<Zeroizing<String>, CliError> {
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| CliError::Stdin {
            what: "a line",
            source,
        })?;
    if read == 0 {
        return Err(CliError::StdinEnded {
            what: what.to_owned(),
        });
    }
    Ok(Zeroizing::new(
        line.trim_end_matches(['\n', '\r']).to_owned(),
    ))
}

fn sent_to(delivery: Option<&CodeDelivery>) -> String {
    match delivery {
        Some(CodeDelivery {
            destination: Some(to),
            medium,
            ..
        }) => match medium.as_deref() {
            Some("EMAIL") => format!(" by email to {to}"),
            Some("SMS") => format!(" by text message to {to}"),
            _ => format!(" to {to}"),
        },
        _ => String::new(),
    }
}

/// `--attribute NAME=VALUE` pairs (a name given twice keeps the last value).
fn parse_attributes(pairs: &[String]) -> Result<Vec<(String, String)>, CliError> {
    let mut attributes: Vec<(String, String)> = Vec::new();
    for pair in pairs {
        let (name, value) = pair
            .split_once('=')
            .filter(|(name, _)| !name.trim().is_empty())
            .ok_or_else(|| {
                CliError::Usage(format!("--attribute {pair}: write it as NAME=VALUE"))
            })?;
        let name = name.trim().trim_start_matches("userAttributes.").to_owned();
        attributes.retain(|(n, _)| *n != name);
        attributes.push((name, value.to_owned()));
    }
    Ok(attributes)
}

/// The required attributes `given` has no value for.
fn missing_attributes(required: &[String], given: &[(String, String)]) -> Vec<String> {
    required
        .iter()
        .filter(|r| !given.iter().any(|(n, _)| n == *r))
        .cloned()
        .collect()
}

/// Values for the attributes a new-password step requires: those given with
/// `--attribute`, and one prompt per missing one on a terminal (none without one).
fn attributes_for_new_password(
    required: &[String],
    given: &[(String, String)],
    secrets_from_stdin: bool,
) -> Result<Vec<(String, String)>, CliError> {
    let missing = missing_attributes(required, given);
    let mut attributes = given.to_vec();
    if missing.is_empty() {
        return Ok(attributes);
    }
    if secrets_from_stdin || !std::io::stdin().is_terminal() {
        return Err(CliError::NewPasswordAttributes {
            attributes: missing,
        });
    }
    for name in missing {
        eprint!("Cognito requires the attribute {name}: ");
        let _ = std::io::stderr().flush();
        let value = read_stdin_line(&format!("the attribute {name}"))?;
        attributes.push((name, value.trim().to_owned()));
    }
    Ok(attributes)
}

async fn sign_up(
    client: &CognitoClient,
    secrets: &mut Secrets,
    args: &SignUpArgs,
) -> Result<ExitCode, CliError> {
    let mut attributes = Vec::new();
    if let Some(email) = &args.email {
        attributes.push(("email".to_owned(), email.clone()));
    }
    attributes.extend(parse_attributes(&args.attributes)?);
    let password = secrets.ask_new("Cognito password")?;
    let outcome = client
        .sign_up(&args.username, &password, &attributes)
        .await?;
    if outcome.confirmed {
        println!(
            "Signed up {}; the account is already confirmed: sign in.",
            args.username
        );
    } else {
        println!(
            "Signed up {}; a confirmation code was sent{}.",
            args.username,
            sent_to(outcome.delivery.as_ref())
        );
        println!(
            "Next: sesame cognito confirm --username {} --code-stdin",
            args.username
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// An MFA code: --mfa-code, else the next line of stdin (with --mfa-code-stdin or
/// --password-stdin), else the terminal.
fn mfa_code(
    given: &mut Option<String>,
    secrets_from_stdin: bool,
    kind: MfaKind,
    destination: Option<&str>,
) -> Result<Zeroizing<String>, CliError> {
    if let Some(code) = given.take() {
        return Ok(Zeroizing::new(code));
    }
    let what = match kind {
        MfaKind::Totp => "code from the authenticator app".to_owned(),
        MfaKind::Sms => format!("code sent by text message{}", to(destination)),
        MfaKind::Email => format!("code sent by email{}", to(destination)),
    };
    if secrets_from_stdin {
        return read_stdin_line(&format!("MFA {what}")).map_err(|_| {
            CliError::Usage(format!(
                "Cognito asks for the {what}: pass --mfa-code-stdin and write it on the line after the password"
            ))
        });
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "Cognito asks for the {what}: pass --mfa-code-stdin and write it to standard input"
        )));
    }
    eprint!("The {what}: ");
    let _ = std::io::stderr().flush();
    read_stdin_line(&what)
}

fn to(destination: Option<&str>) -> String {
    destination.map(|d| format!(" to {d}")).unwrap_or_default()
}

async fn sign_in(
    vault: &mut Vault,
    client: &CognitoClient,
    secrets: &mut Secrets,
    from_stdin: bool,
    args: &SignInArgs,
) -> Result<ExitCode, CliError> {
    if args.browser {
        return sign_in_browser(vault, client, args).await;
    }
    let username = args
        .username
        .as_deref()
        .ok_or_else(|| CliError::Usage("give --username NAME, or --browser".into()))?;
    let given_attributes = parse_attributes(&args.attributes)?;
    let password = secrets.ask("Cognito password: ")?;
    let flow = match args.flow {
        FlowArg::Srp => AuthFlow::Srp,
        FlowArg::Password => AuthFlow::Password,
    };
    let state = CognitoState::load(vault.data())?;
    let enrolled = state.enrolled(vault.data(), &client.config().user_pool_id);
    let held = lend(vault);
    let mut driver = Driver::new(client, username, enrolled);
    let mut prompt = driver
        .answer(&held, Answer::Password { password, flow })
        .await
        .map_err(|e| with_hint(e, username))?;
    let mut given = args.mfa_code.clone();
    let code_from_stdin = from_stdin || args.mfa_code_stdin;
    let mut answered_from_vault = false;
    let mut enrolled_now = false;
    loop {
        let answer = match prompt {
            Prompt::Done => break,
            Prompt::MfaCode {
                answerable_from_vault: true,
                ..
            } if given.is_none() && !args.mfa_code_stdin => {
                answered_from_vault = true;
                Answer::MfaFromVault
            }
            Prompt::MfaCode {
                kind, destination, ..
            } => Answer::MfaCode(mfa_code(
                &mut given,
                code_from_stdin,
                kind,
                destination.as_deref(),
            )?),
            Prompt::NewPassword {
                required_attributes,
            } => {
                // Refused before the password is asked when they cannot be had.
                if !missing_attributes(&required_attributes, &given_attributes).is_empty()
                    && (from_stdin || !std::io::stdin().is_terminal())
                {
                    return Err(CliError::NewPasswordAttributes {
                        attributes: missing_attributes(&required_attributes, &given_attributes),
                    });
                }
                eprintln!("Cognito asks for a new password for {username}.");
                let password = secrets.ask_new("Cognito password")?;
                Answer::NewPassword {
                    password,
                    attributes: attributes_for_new_password(
                        &required_attributes,
                        &given_attributes,
                        from_stdin,
                    )?,
                }
            }
            Prompt::MfaSetup => {
                eprintln!(
                    "The user pool requires MFA: setting Sesame up as the authenticator app."
                );
                enrolled_now = true;
                Answer::SetUpMfa
            }
            Prompt::Unsupported {
                why: UnsupportedReason::MfaSetupByTextOrEmail,
            } => {
                return Err(CliError::MfaSetupElsewhere);
            }
            Prompt::SelectMfa { options } => {
                return Err(CliError::MfaChoice { options });
            }
            Prompt::Password => {
                return Err(CliError::PasswordAgain);
            }
        };
        prompt = driver.answer(&held, answer).await?;
    }
    let session = driver.session().cloned().ok_or(CliError::NoSession)?;
    println!(
        "Signed in as {}{}.",
        session.login,
        if session.login != session.username {
            format!(" (user {})", session.username)
        } else {
            String::new()
        }
    );
    if answered_from_vault {
        println!("The authenticator code was answered from the vault.");
    }
    if enrolled_now {
        println!("Sesame now holds this user's authenticator; `sesame codes` shows it.");
    }
    println!(
        "The tokens are valid for {} and are refreshed when needed.",
        duration(session.expires_in(client.clock().now_secs()))
    );
    Ok(ExitCode::SUCCESS)
}

/// Shows `url` for the user to open: in the system browser, or printed alone on standard
/// output (with `no_open`, or when no browser could be started) for a remote shell.
fn show_url(url: &str, no_open: bool, what: &str) {
    if !no_open && open_in_browser(url) {
        eprintln!("Opened the browser to {what}; if it did not, open this address:\n  {url}");
        return;
    }
    eprintln!("Open this address in a browser to {what}:");
    println!("{url}");
    let _ = std::io::stdout().flush();
}

/// Starts the system's browser on `url`; whether it could be started.
fn open_in_browser(url: &str) -> bool {
    use std::process::{Command, Stdio};
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .is_ok()
}

async fn sign_in_browser(
    vault: &mut Vault,
    client: &CognitoClient,
    args: &SignInArgs,
) -> Result<ExitCode, CliError> {
    let hosted = hosted::hosted_config(client)?;
    eprintln!(
        "Waiting for the browser at {} (up to {} s).",
        hosted.redirect_uri(),
        args.timeout
    );
    for account in hosted::page_code_accounts(vault.data(), &client.config().user_pool_id)? {
        eprintln!("{}", page_code_hint(&account.label));
    }
    let session = hosted::sign_in_with_browser(
        &lend(vault),
        client,
        args.identity_provider.as_deref(),
        std::time::Duration::from_secs(args.timeout),
        |url| show_url(url, args.no_open, "sign in"),
    )
    .await?;
    println!(
        "Signed in through the hosted page as {}{}.",
        session.login,
        if session.login != session.username {
            format!(" (user {})", session.username)
        } else {
            String::new()
        }
    );
    println!(
        "The tokens are valid for {} and are refreshed when needed.",
        duration(session.expires_in(client.clock().now_secs()))
    );
    Ok(ExitCode::SUCCESS)
}

/// What to do if the hosted page asks for an authenticator code that the vault account
/// `label` gives: the command that prints it (no code or secret here).
fn page_code_hint(label: &str) -> String {
    format!(
        "If the page asks for an authenticator code, this vault holds it ({label}): sesame code {}",
        shell_quoted(label)
    )
}

/// `text` as one word for a POSIX shell.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Refuses an MFA command for a hosted-page session whose access token cannot call the
/// user pool's API (Cognito would refuse it).
async fn require_user_api(
    vault: &mut Vault,
    client: &CognitoClient,
    what: &'static str,
) -> Result<(), CliError> {
    if cognito::session::stored(vault.data())?.is_some_and(|s| s.hosted) {
        let verified = cognito::session::whoami(&lend(vault), client).await?;
        if !hosted::identity::can_call_user_api(&verified.access) {
            return Err(CognitoError::from(HostedError::NoAdminScope { what }).into());
        }
    }
    Ok(())
}

fn account_label(vault: &Vault, id: &sesame::account::AccountId) -> String {
    vault
        .data()
        .accounts
        .iter()
        .find(|a| &a.id == id)
        .map(|a| format!("{} ({})", a.account.label(), id.short()))
        .unwrap_or_else(|| id.to_string())
}

fn duration(secs: u64) -> String {
    match secs {
        0 => "no time (expired)".into(),
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, s / 60 % 60),
    }
}

async fn whoami(
    vault: &mut Vault,
    client: &CognitoClient,
    args: &WhoamiArgs,
) -> Result<ExitCode, CliError> {
    let before = cognito::session::stored(vault.data())?;
    let verified = match cognito::session::whoami(&lend(vault), client).await {
        Ok(v) => v,
        Err(CognitoError::NotSignedIn) => {
            eprintln!("sesame: not signed in to Cognito");
            return Ok(ExitCode::from(EXIT_NO));
        }
        Err(e) => return Err(e.into()),
    };
    let refreshed = before.is_some_and(|b| b.issued_at != verified.session.issued_at);
    // A hosted-page session without the admin scope cannot call GetUser (Cognito refuses
    // it): its profile is then the verified ID token's claims.
    let profile = if hosted::identity::can_call_user_api(&verified.access) {
        match client.get_user(&verified.session.tokens.access).await {
            Ok(profile) => Some(profile),
            Err(e @ CognitoError::SessionEnded { .. }) => {
                // Revoked or signed out elsewhere: these tokens are of no use any more.
                cognito::session::forget_locally(vault)?;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let source = if profile.is_some() {
        "get_user"
    } else {
        "id_token"
    };
    let attributes = match &profile {
        Some(p) => p.attributes.clone(),
        None => hosted::identity::attributes(&verified.id),
    };
    let identities = hosted::identity::identities(&verified.id);
    let state = CognitoState::load(vault.data())?;
    let config = client.config();
    let link = state
        .link(&config.user_pool_id, &verified.session.username)
        .filter(|l| l.verified);
    let session = &verified.session;
    let now = client.clock().now_secs();
    if args.json {
        let out = json!({
            "user_pool_id": config.user_pool_id,
            "client_id": config.client_id,
            "username": session.username,
            "login": session.login,
            "sub": session.sub,
            "email": verified.id.str("email"),
            "id_token_expires_at": session.id_expires_at,
            "access_token_expires_at": session.access_expires_at,
            "expires_in_s": session.expires_in(now),
            "refreshed": refreshed,
            "scope": verified.access.str("scope"),
            "groups": verified.id.all().get("cognito:groups").cloned().unwrap_or(json!([])),
            "hosted": session.hosted,
            "profile_source": source,
            "provider": identities.first().map(|i| i.provider_name.clone()),
            "identities": identities.iter().map(|i| json!({
                "provider_name": i.provider_name,
                "provider_type": i.provider_type,
                "user_id": i.user_id,
            })).collect::<Vec<_>>(),
            "attributes": attributes.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<serde_json::Map<String, Value>>(),
            "mfa": profile.as_ref().map(|p| p.mfa_methods.clone()),
            "preferred_mfa": profile.as_ref().and_then(|p| p.preferred_mfa.clone()),
            "vault_account_id": link.map(|l| l.account_id.to_string()),
            "id_claims": Value::Object(verified.id.all().clone()),
        });
        println!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Signed in to {} as {}{}{}",
        config.user_pool_id,
        session.login,
        if session.login != session.username {
            format!(" (user {})", session.username)
        } else {
            String::new()
        },
        if session.hosted {
            " through the hosted page"
        } else {
            ""
        }
    );
    println!("sub:      {}", session.sub);
    if let Some(email) = verified.id.str("email") {
        println!("email:    {email}");
    }
    for identity in &identities {
        println!(
            "provider: {}{}",
            identity.provider_name,
            identity
                .provider_type
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default()
        );
    }
    println!(
        "tokens:   verified; valid for {}{}",
        duration(session.expires_in(now)),
        if refreshed { " (just refreshed)" } else { "" }
    );
    match &profile {
        Some(profile) => {
            let mfa = if profile.mfa_methods.is_empty() {
                "off".to_owned()
            } else {
                profile.mfa_methods.join(", ")
            };
            println!("MFA:      {mfa}");
        }
        None => println!(
            "profile:  from the verified ID token (the access token lacks the {} scope, so Cognito's GetUser is not asked; MFA state unknown)",
            hosted::ADMIN_SCOPE
        ),
    }
    if let Some(link) = link {
        println!(
            "          Sesame holds the authenticator: {}",
            account_label(vault, &link.account_id)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_code_hint_quotes_the_account_for_the_shell() {
        assert_eq!(
            page_code_hint("Cognito (eu-west-1_X): alice"),
            "If the page asks for an authenticator code, this vault holds it (Cognito (eu-west-1_X): alice): sesame code 'Cognito (eu-west-1_X): alice'"
        );
        assert_eq!(shell_quoted("o'brien"), r"'o'\''brien'");
    }

    #[test]
    fn attributes_parse_and_the_missing_ones_are_named() {
        let given = parse_attributes(&[
            "name=Alice Liddell".into(),
            "userAttributes.locale=en=GB".into(),
            "name=Alice".into(),
        ])
        .unwrap();
        assert_eq!(
            given,
            [
                ("locale".to_owned(), "en=GB".to_owned()),
                ("name".to_owned(), "Alice".to_owned())
            ]
        );
        assert!(matches!(
            parse_attributes(&["name".into()]),
            Err(CliError::Usage(m)) if m.contains("NAME=VALUE")
        ));
        assert!(parse_attributes(&["=x".into()]).is_err());
        let required = ["name".to_owned(), "family_name".to_owned()];
        assert_eq!(missing_attributes(&required, &given), ["family_name"]);
        // Without a terminal the missing ones are an error that names them.
        match attributes_for_new_password(&required, &given, true) {
            Err(CliError::NewPasswordAttributes { attributes }) => {
                assert_eq!(attributes, ["family_name"])
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            attributes_for_new_password(&required[..1], &given, true).unwrap(),
            given
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "no time (expired)");
        assert_eq!(duration(59), "59 s");
        assert_eq!(duration(3599), "59 min");
        assert_eq!(duration(7320), "2 h 2 min");
    }
}
