//! The `sesame cognito` commands as the CLI tests type them, against an emulator's pool
//! (tests/cognito.rs, tests/cognito_hosted.rs, tests/sync.rs). Include it beside `home.rs` and `ministack.rs`.
#![allow(dead_code)]

use serde_json::Value;

use crate::home::Home;
use crate::ministack::{Pool, REGION};

/// Where the emulator (or a proxy in front of it) at `endpoint` serves a pool's signing keys.
pub fn jwks_url(endpoint: &str, pool: &Pool) -> String {
    format!("{endpoint}/{}/.well-known/jwks.json", pool.id)
}

/// `sesame cognito configure` for `pool`, every call at `endpoint` (the emulator's, or a
/// proxy's in front of it) and its keys at `jwks`.
pub fn configure_args<'a>(endpoint: &'a str, pool: &'a Pool, jwks: &'a str) -> Vec<&'a str> {
    vec![
        "cognito",
        "configure",
        "--region",
        REGION,
        "--user-pool-id",
        &pool.id,
        "--client-id",
        &pool.client_id,
        "--endpoint",
        endpoint,
        "--jwks-url",
        jwks,
    ]
}

/// `sesame cognito sign-in --username USER --password-stdin` and `extra`.
pub fn sign_in_args<'a>(user: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["cognito", "sign-in", "--username", user, "--password-stdin"];
    args.extend_from_slice(extra);
    args
}

/// `sesame cognito sign-up --username USER --email EMAIL --password-stdin` and `extra`.
pub fn sign_up_args<'a>(user: &'a str, email: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "cognito",
        "sign-up",
        "--username",
        user,
        "--email",
        email,
        "--password-stdin",
    ];
    args.extend_from_slice(extra);
    args
}

/// A password as stdin takes it: one line.
pub fn pw(password: &str) -> String {
    format!("{password}\n")
}

impl Home {
    /// `sesame cognito configure` for `pool`, every call (and the keys) at `endpoint`, and
    /// `extra`; the client secret (if any) on stdin. Its stdout.
    pub fn configure_cognito(&self, endpoint: &str, pool: &Pool, extra: &[&str]) -> String {
        let jwks = jwks_url(endpoint, pool);
        let mut args = configure_args(endpoint, pool, &jwks);
        args.extend_from_slice(extra);
        let stdin = match &pool.client_secret {
            Some(secret) => {
                args.push("--client-secret-stdin");
                format!("{secret}\n")
            }
            None => String::new(),
        };
        self.ok(&args, &stdin)
    }

    /// `sesame cognito whoami --json`: the session, or `None` when signed out (exit 1).
    pub fn whoami(&self) -> Option<Value> {
        let out = self.run(&["cognito", "whoami", "--json"], "");
        match out.status.code() {
            Some(0) => Some(serde_json::from_slice(&out.stdout).unwrap()),
            Some(1) => None,
            other => panic!("whoami: {other:?} {}", String::from_utf8_lossy(&out.stderr)),
        }
    }
}
