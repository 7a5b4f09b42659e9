//! Sesame Sync, the client side: end-to-end encrypted sync of a vault's accounts between a
//! user's devices through a server that sees ids, versions, sizes and times only (the wire
//! contract is in `wire`).
//!
//! - `key`: the random sync key, wrapped under the sync passphrase (Argon2id) and a
//!   recovery key, as the opaque blob the server stores;
//! - `seal`: one account sealed as one item (XChaCha20-Poly1305, bound to user, item, version);
//! - `item`: item ids and an item's plaintext (the account + when and where it was edited);
//! - `state`: what a device keeps in its vault (`VaultData::sync`);
//! - `merge`: the pure merge rules (README "Sync", "How changes merge");
//! - `wire` + `engine`: one sync round over a [`engine::SyncTransport`].
//!
//! Only `http` (with the `cognito` feature: reqwest) touches the network: the
//! [`engine::SyncTransport`] over HTTPS with the Cognito access token; `client` runs it on a
//! vault (through `cognito::VaultAccess`), for the CLI and the app alike.

#[cfg(feature = "cognito")]
pub mod client;
pub mod engine;
#[cfg(feature = "cognito")]
pub mod http;
pub mod item;
pub mod key;
pub mod merge;
pub mod seal;
pub mod state;
pub mod wire;

#[cfg(test)]
pub(crate) mod memory;

pub use item::{DeviceId, InvalidId, ItemId, ItemPlain};
pub use key::{KeyBlob, KeyError, RecoveryKey, SyncKey};
pub use state::SyncState;
