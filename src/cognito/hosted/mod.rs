//! Sign-in through the user pool's hosted (managed login) page: OAuth 2.0 authorization
//! code with S256 PKCE, `state` and `nonce`, answered to a loopback redirect
//! (`http://127.0.0.1:PORT/callback`, RFC 8252), optionally straight through a federated
//! identity provider. The tokens are verified like every session's and kept, refreshed
//! and revoked by [`session`](super::session).
//!
//! - [`config`]: the domain, scopes, port and provider, kept in the pool's configuration;
//! - [`endpoints`]: discovery of the OAuth endpoints (else derived from the domain);
//! - [`pkce`], [`authorize`]: the request and its answer;
//! - [`listener`]: the loopback listener that takes exactly one answer;
//! - [`token`]: the code exchange;
//! - [`sign_in`]: all of it, and the hosted page's sign-out;
//! - [`page_mfa`]: the vault accounts whose codes answer the hosted page's own MFA step;
//! - [`identity`]: who signed in, from the ID token's claims (`identities` for federated
//!   users), for sessions whose access token cannot call `GetUser`.

pub mod authorize;
pub mod config;
pub mod endpoints;
pub mod error;
pub mod identity;
pub mod listener;
pub mod page_mfa;
pub mod pkce;
pub mod sign_in;
pub mod token;

pub use config::{ADMIN_SCOPE, DEFAULT_REDIRECT_PORT, DEFAULT_SCOPES, HostedConfig};
pub use endpoints::{EndpointSource, Endpoints};
pub use error::HostedError;
pub use page_mfa::{PageCodeAccount, page_code_accounts};
pub use sign_in::{
    DEFAULT_TIMEOUT, HostedSignIn, HostedSignOut, end_hosted_session, hosted_config, logout_url,
    logout_url_to, sign_in_with_browser,
};
