//! Sesame Sync: the server that stores a user's end-to-end encrypted vault items, and the
//! wire types its clients share ([`wire`], the only module without the `server` feature).
//!
//! The server ([`api::router`]) checks a Cognito access token per request ([`auth`]),
//! keeps each user's items, key and devices in one [`store::Store`] (SQLite or DynamoDB),
//! enforces the [`limits`], and runs as a process (`sesame-sync serve`) or as an AWS Lambda
//! function ([`lambda`], feature `lambda`).

pub mod wire;

#[cfg(feature = "server")]
pub mod api;
#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "lambda")]
pub mod lambda;
#[cfg(feature = "server")]
pub mod limits;
#[cfg(feature = "server")]
pub mod store;
