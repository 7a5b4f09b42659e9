//! Real Cognito access tokens from the emulator: a pool with app clients and users made
//! with the admin API, tokens from `USER_PASSWORD_AUTH` sign-ins; made once per test binary.

use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider as cognito;
use cognito::types::{AuthFlowType, ExplicitAuthFlowsType, TimeUnitsType, TokenValidityUnitsType};

use super::ministack::{Mfa, Ministack};

const PASSWORD: &str = "Correct-Horse-9";

impl Fixture {
    /// The server's settings for this pool: the first client allowed, keys from the
    /// emulator's JWKS.
    pub fn auth_config(&self) -> sesame_sync::auth::AuthConfig {
        sesame_sync::auth::AuthConfig::for_pool(
            super::ministack::REGION,
            &self.pool_id,
            vec![self.client.clone()],
            None,
            Some(format!(
                "{}/{}/.well-known/jwks.json",
                self.endpoint, self.pool_id
            )),
        )
    }
}

/// The pool, app clients and tokens every test uses.
pub struct Fixture {
    pub endpoint: String,
    pub pool_id: String,
    /// Clients whose tokens the server accepts.
    pub client: String,
    pub second_client: String,
    pub short_client: String,
    pub alice: String,
    pub bob: String,
    /// Alice through the second allowed client.
    pub alice_second: String,
    /// Alice through a client of the pool that is not in the allow-list.
    pub alice_other_client: String,
    /// A user of another pool.
    pub carol_other_pool: String,
    /// Alice through a client whose tokens live one second (expired by the time it is used).
    pub alice_expired: String,
}

async fn app_client(admin: &cognito::Client, pool: &str, short: bool) -> String {
    let mut request = admin
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("sync")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth);
    if short {
        request = request
            .access_token_validity(1)
            .id_token_validity(1)
            .token_validity_units(
                TokenValidityUnitsType::builder()
                    .access_token(TimeUnitsType::Seconds)
                    .id_token(TimeUnitsType::Seconds)
                    .build(),
            );
    }
    let out = request.send().await.expect("CreateUserPoolClient");
    out.user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned()
}

async fn user(admin: &cognito::Client, pool: &str, name: &str) {
    admin
        .admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .temporary_password("Temporary-1x")
        .message_action(cognito::types::MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    admin
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(name)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword");
}

async fn access_token(admin: &cognito::Client, client: &str, name: &str) -> String {
    let out = admin
        .initiate_auth()
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .client_id(client)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("InitiateAuth");
    out.authentication_result()
        .and_then(|r| r.access_token())
        .expect("an access token")
        .to_owned()
}

/// The pool, clients and tokens, made on first use.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let endpoint = super::endpoint().to_owned();
        super::with_ministack(|ms: &Ministack| {
            super::rt().block_on(async {
                let admin = ms.admin();
                let pool = ms.pool(Mfa::Off, false, None).await;
                let other_pool = ms.pool(Mfa::Off, false, None).await;
                let second_client = app_client(&admin, &pool.id, false).await;
                let other_client = app_client(&admin, &pool.id, false).await;
                let short_client = app_client(&admin, &pool.id, true).await;
                user(&admin, &pool.id, "alice").await;
                user(&admin, &pool.id, "bob").await;
                user(&admin, &other_pool.id, "carol").await;
                let alice_expired = access_token(&admin, &short_client, "alice").await;
                let fixture = Fixture {
                    endpoint: endpoint.clone(),
                    pool_id: pool.id.clone(),
                    alice: access_token(&admin, &pool.client_id, "alice").await,
                    bob: access_token(&admin, &pool.client_id, "bob").await,
                    alice_second: access_token(&admin, &second_client, "alice").await,
                    alice_other_client: access_token(&admin, &other_client, "alice").await,
                    carol_other_pool: access_token(&admin, &other_pool.client_id, "carol").await,
                    alice_expired,
                    client: pool.client_id,
                    second_client,
                    short_client,
                };
                // The short-lived token is now past its second.
                tokio::time::sleep(Duration::from_millis(2100)).await;
                fixture
            })
        })
    })
}
