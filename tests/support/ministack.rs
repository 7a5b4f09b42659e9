//! A real Cognito emulator for tests: PyPI `ministack` (pinned in `scripts/ministack-venv`,
//! which `make test` runs), started with `AUTH=true` on a free loopback port, with its own
//! state folder, and killed when dropped. Pools and app clients are created through the
//! admin API with the AWS SDK (static dummy credentials: ministack's root is `test`/`test`).
//! [`Ministack::start_with`] serves other services too (`cognito-idp,dynamodb` for the sync
//! server's tests, which include this file from `sync-server/tests/`). Include it beside
//! `service.rs`.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use super::service::{self, free_port, http_get};
use aws_sdk_cognitoidentityprovider as sdk;
use sdk::config::{BehaviorVersion, Credentials, Region};
use sdk::types::{
    ExplicitAuthFlowsType, SoftwareTokenMfaConfigType, TimeUnitsType, TokenValidityUnitsType,
    UserPoolMfaType,
};

/// The region test pools live in.
pub const REGION: &str = "us-east-1";

/// A running ministack; killed when dropped.
pub struct Ministack {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    dir: tempfile::TempDir,
}

/// MFA setting of a test pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mfa {
    Off,
    Optional,
    Required,
}

/// A pool and app client made for one test.
#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// The workspace root (this file is also compiled by `sync-server/`'s tests).
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if manifest.join("scripts/ministack-venv").exists() {
        manifest
    } else {
        manifest
            .parent()
            .expect("a workspace member has a parent")
            .to_path_buf()
    }
}

fn venv() -> PathBuf {
    if let Some(dir) = std::env::var_os("MINISTACK_VENV") {
        return PathBuf::from(dir);
    }
    root().join("target/ministack-venv")
}

/// Creates the pinned venv if it is missing (quick when it is there).
fn ensure_venv() -> PathBuf {
    let venv = venv();
    service::ensure_venv(
        &root().join("scripts/ministack-venv"),
        "MINISTACK_VENV",
        &venv,
        ": the Cognito tests need the ministack emulator (make test sets it up)",
    );
    venv
}

fn healthy(port: u16, services: &str) -> bool {
    http_get(port, "/_ministack/health").is_some_and(|answer| {
        answer.starts_with("HTTP/1.1 200")
            && services
                .split(',')
                .all(|s| answer.contains(&format!("\"{}\": \"available\"", s.trim())))
    })
}

impl Ministack {
    /// Starts ministack serving Cognito and waits until its health check answers.
    pub fn start() -> Ministack {
        Self::start_with("cognito-idp")
    }

    /// Starts ministack serving `services` (comma-separated, e.g. `cognito-idp,dynamodb`)
    /// and waits until each is available.
    pub fn start_with(services: &str) -> Ministack {
        let venv = ensure_venv();
        let mut last_log = String::new();
        for _attempt in 0..3 {
            let dir = tempfile::tempdir().expect("temp dir");
            let port = free_port();
            let log = dir.path().join("ministack.log");
            let child = service::spawn_until_healthy(
                Command::new(venv.join("bin/ministack"))
                    .env_remove("AWS_ACCESS_KEY_ID")
                    .env_remove("AWS_SECRET_ACCESS_KEY")
                    .env_remove("AWS_SESSION_TOKEN")
                    .env("AUTH", "true")
                    .env("SERVICES", services)
                    .env("IOT_MTLS_ENABLED", "0")
                    .env("BIND_HOST", "127.0.0.1")
                    .env("GATEWAY_PORT", port.to_string())
                    .env("STATE_DIR", dir.path().join("state"))
                    .env("MINISTACK_HOST", "127.0.0.1"),
                &log,
                Duration::from_secs(30),
                || healthy(port, services),
            );
            if let Some(child) = child {
                return Ministack {
                    child,
                    endpoint: format!("http://127.0.0.1:{port}"),
                    dir,
                };
            }
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("ministack did not start; its log:\n{last_log}");
    }

    /// The emulator's log so far (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("ministack.log")).unwrap_or_default()
    }

    /// An admin client (signed with ministack's root credentials).
    pub fn admin(&self) -> sdk::Client {
        let config = sdk::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            .endpoint_url(&self.endpoint)
            .http_client(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                        aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                    ))
                    .build_https(),
            )
            .build();
        sdk::Client::from_conf(config)
    }

    /// Creates a pool (software-token MFA enabled unless `Mfa::Off`) and an app client
    /// allowing SRP, password and refresh flows, with a secret if asked; `access_secs`
    /// sets the access and ID token lifetime.
    pub async fn pool(&self, mfa: Mfa, secret: bool, access_secs: Option<i32>) -> Pool {
        let admin = self.admin();
        let mfa_type = match mfa {
            Mfa::Off => UserPoolMfaType::Off,
            Mfa::Optional => UserPoolMfaType::Optional,
            Mfa::Required => UserPoolMfaType::On,
        };
        let pool = admin
            .create_user_pool()
            .pool_name(format!("sesame-test-{mfa:?}-{secret}"))
            .mfa_configuration(mfa_type.clone())
            .send()
            .await
            .expect("CreateUserPool");
        let id = pool.user_pool().and_then(|p| p.id()).unwrap().to_owned();
        if mfa != Mfa::Off {
            admin
                .set_user_pool_mfa_config()
                .user_pool_id(&id)
                .software_token_mfa_configuration(
                    SoftwareTokenMfaConfigType::builder().enabled(true).build(),
                )
                .mfa_configuration(mfa_type)
                .send()
                .await
                .expect("SetUserPoolMfaConfig");
        }
        let mut client = admin
            .create_user_pool_client()
            .user_pool_id(&id)
            .client_name("sesame")
            .generate_secret(secret)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth);
        if let Some(secs) = access_secs {
            client = client
                .access_token_validity(secs)
                .id_token_validity(secs)
                .token_validity_units(
                    TokenValidityUnitsType::builder()
                        .access_token(TimeUnitsType::Seconds)
                        .id_token(TimeUnitsType::Seconds)
                        .build(),
                );
        }
        let client = client.send().await.expect("CreateUserPoolClient");
        let client = client.user_pool_client().unwrap();
        Pool {
            id,
            client_id: client.client_id().unwrap().to_owned(),
            client_secret: client.client_secret().map(str::to_owned),
        }
    }

    /// Invites a user the way an administrator does: a temporary password that must be
    /// changed at the first sign-in (`NEW_PASSWORD_REQUIRED`).
    pub async fn invited_user(&self, pool: &Pool, username: &str, temporary: &str, email: &str) {
        self.admin()
            .admin_create_user()
            .user_pool_id(&pool.id)
            .username(username)
            .temporary_password(temporary)
            .user_attributes(
                sdk::types::AttributeType::builder()
                    .name("email")
                    .value(email)
                    .build()
                    .unwrap(),
            )
            .message_action(sdk::types::MessageActionType::Suppress)
            .send()
            .await
            .expect("AdminCreateUser");
    }
}

/// An app client for the hosted page: the code grant with `scopes`, answered at
/// `http://127.0.0.1:PORT/callback` (and signed out to `.../signed-out`), with
/// `providers` besides the pool's own users.
pub struct HostedClient<'a> {
    pub port: u16,
    pub scopes: &'a [&'a str],
    pub providers: &'a [&'a str],
    pub secret: bool,
}

impl Ministack {
    /// Creates a hosted-page app client in `pool`; returns it as a [`Pool`] (same pool id).
    pub async fn hosted_client(&self, pool: &Pool, hosted: HostedClient<'_>) -> Pool {
        let mut request = self
            .admin()
            .create_user_pool_client()
            .user_pool_id(&pool.id)
            .client_name("sesame-hosted")
            .generate_secret(hosted.secret)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .allowed_o_auth_flows(sdk::types::OAuthFlowType::Code)
            .allowed_o_auth_flows_user_pool_client(true)
            .callback_urls(format!("http://127.0.0.1:{}/callback", hosted.port))
            .logout_urls(format!("http://127.0.0.1:{}/signed-out", hosted.port))
            .supported_identity_providers("COGNITO");
        for scope in hosted.scopes {
            request = request.allowed_o_auth_scopes(*scope);
        }
        for provider in hosted.providers {
            request = request.supported_identity_providers(*provider);
        }
        let out = request.send().await.expect("CreateUserPoolClient (hosted)");
        let client = out.user_pool_client().unwrap();
        Pool {
            id: pool.id.clone(),
            client_id: client.client_id().unwrap().to_owned(),
            client_secret: client.client_secret().map(str::to_owned),
        }
    }

    /// A confirmed user with a permanent password and an email.
    pub async fn confirmed_user(&self, pool: &Pool, username: &str, password: &str, email: &str) {
        self.invited_user(pool, username, "Temporary-Pass-1", email)
            .await;
        self.admin()
            .admin_set_user_password()
            .user_pool_id(&pool.id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
    }

    /// Makes the OpenID provider at `issuer` an identity provider of `pool` named `name`,
    /// mapping its `email` and `name` claims.
    pub async fn oidc_provider(&self, pool: &Pool, name: &str, issuer: &str) {
        self.admin()
            .create_identity_provider()
            .user_pool_id(&pool.id)
            .provider_name(name)
            .provider_type(sdk::types::IdentityProviderTypeType::Oidc)
            .provider_details("client_id", "cognito-pool")
            .provider_details("client_secret", "cognito-pool-secret")
            .provider_details("oidc_issuer", issuer)
            .provider_details("authorize_scopes", "openid email profile")
            .provider_details("attributes_request_method", "GET")
            .attribute_mapping("email", "email")
            .attribute_mapping("name", "name")
            .send()
            .await
            .expect("CreateIdentityProvider");
    }
}

impl Drop for Ministack {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
