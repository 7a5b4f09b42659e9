//! The server's settings, from the command line or the environment (the Lambda function
//! has only the latter), and the state they build.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::AppState;
use crate::auth::{Auth, AuthConfig};
use crate::limits::Limits;
use crate::store::Store;
use crate::store::dynamodb::{DynamoConfig, DynamoStore};
use crate::store::sqlite::SqliteStore;

/// Where items are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// `sqlite:PATH`.
    Sqlite(PathBuf),
    /// `dynamodb:TABLE`.
    Dynamodb(String),
}

impl std::str::FromStr for StoreSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        match spec.split_once(':') {
            Some(("sqlite", path)) if !path.is_empty() => Ok(StoreSpec::Sqlite(path.into())),
            Some(("dynamodb", table)) if !table.is_empty() => Ok(StoreSpec::Dynamodb(table.into())),
            _ => Err(format!(
                "{spec:?} names no store: use sqlite:PATH or dynamodb:TABLE"
            )),
        }
    }
}

/// Everything `sesame-sync serve` (and the Lambda function) needs.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Where to listen.
    #[arg(long, env = "SESAME_SYNC_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// `sqlite:PATH` (one file, created if missing) or `dynamodb:TABLE`.
    #[arg(long, env = "SESAME_SYNC_STORE")]
    pub store: StoreSpec,
    /// Another DynamoDB endpoint than AWS's (an emulator).
    #[arg(long, env = "SESAME_SYNC_DYNAMODB_ENDPOINT")]
    pub dynamodb_endpoint: Option<String>,
    /// The AWS region of the user pool (and the table).
    #[arg(long, env = "AWS_REGION")]
    pub region: String,
    /// The Cognito user pool whose access tokens are accepted.
    #[arg(long, env = "SESAME_SYNC_USER_POOL_ID")]
    pub user_pool_id: String,
    /// An app client whose access tokens are accepted (repeat for several; comma-separated
    /// in the environment).
    #[arg(
        long = "client-id",
        env = "SESAME_SYNC_CLIENT_IDS",
        value_delimiter = ',',
        required = true
    )]
    pub client_ids: Vec<String>,
    /// The issuer tokens name, if not `https://cognito-idp.REGION.amazonaws.com/POOL`.
    #[arg(long, env = "SESAME_SYNC_ISSUER")]
    pub issuer: Option<String>,
    /// Where the pool's signing keys are, if not `ISSUER/.well-known/jwks.json`.
    #[arg(long, env = "SESAME_SYNC_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// Seconds of leeway on a token's expiry for clocks that disagree.
    #[arg(long, env = "SESAME_SYNC_TOKEN_GRACE_SECS", default_value_t = sesame::cognito::verify::DEFAULT_GRACE_SECS)]
    pub token_grace_secs: u64,
    /// The most live items per user.
    #[arg(long, env = "SESAME_SYNC_MAX_ITEMS", default_value_t = 10_000)]
    pub max_items: u64,
    /// Requests per second one user may sustain.
    #[arg(long, env = "SESAME_SYNC_RATE", default_value_t = 10.0)]
    pub rate: f64,
    /// Requests one user may make at once.
    #[arg(long, env = "SESAME_SYNC_BURST", default_value_t = 100)]
    pub burst: u32,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting is wrong.
    #[error("{0}")]
    Invalid(String),
    /// The store cannot be opened.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

fn check_url(what: &str, url: &str) -> Result<(), ConfigError> {
    let https = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    if https || sesame::cognito::config::is_loopback(url) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "{what} {url} must use https:// (plain http only to this machine)"
        )))
    }
}

impl ServerArgs {
    /// The token settings.
    pub fn auth(&self) -> Result<AuthConfig, ConfigError> {
        if self.client_ids.iter().any(|c| c.trim().is_empty()) {
            return Err(ConfigError::Invalid("a --client-id is empty".into()));
        }
        let mut config = AuthConfig::for_pool(
            &self.region,
            &self.user_pool_id,
            self.client_ids.clone(),
            self.issuer.clone(),
            self.jwks_url.clone(),
        );
        config.grace_secs = self.token_grace_secs;
        check_url("the JWKS URL", &config.jwks_url)?;
        Ok(config)
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        Limits {
            max_items: self.max_items,
            rate_per_sec: self.rate,
            burst: self.burst,
            ..Limits::default()
        }
    }

    /// Opens the store.
    pub fn open_store(&self) -> Result<Arc<dyn Store>, ConfigError> {
        Ok(match &self.store {
            StoreSpec::Sqlite(path) => Arc::new(SqliteStore::open(path)?),
            StoreSpec::Dynamodb(table) => {
                if let Some(endpoint) = &self.dynamodb_endpoint {
                    check_url("the DynamoDB endpoint", endpoint)?;
                }
                let client = crate::store::dynamodb::client(&DynamoConfig {
                    table: table.clone(),
                    region: self.region.clone(),
                    endpoint: self.dynamodb_endpoint.clone(),
                })?;
                Arc::new(DynamoStore::new(client, table.clone()))
            }
        })
    }

    /// The state the router serves.
    pub fn state(&self) -> Result<AppState, ConfigError> {
        let auth = Auth::new(&self.auth()?, Arc::new(sesame::clock::SystemClock));
        Ok(AppState::new(self.open_store()?, auth, self.limits()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_specs_name_an_engine_and_a_place() {
        assert_eq!(
            "sqlite:/tmp/x.db".parse(),
            Ok(StoreSpec::Sqlite("/tmp/x.db".into()))
        );
        assert_eq!("dynamodb:T".parse(), Ok(StoreSpec::Dynamodb("T".into())));
        assert!("postgres:x".parse::<StoreSpec>().is_err());
        assert!("sqlite:".parse::<StoreSpec>().is_err());
    }

    #[test]
    fn plain_http_keys_are_refused_off_this_machine() {
        assert!(check_url("x", "https://cognito-idp.eu-west-1.amazonaws.com/p").is_ok());
        assert!(check_url("x", "http://127.0.0.1:4566/p/.well-known/jwks.json").is_ok());
        assert!(check_url("x", "http://keys.example/jwks.json").is_err());
    }
}
