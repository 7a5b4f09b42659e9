//! A real OpenID Connect provider on loopback, the federated identity provider of the
//! hosted-page tests: PyPI `oidc-provider-mock` (pinned in `scripts/oidc-idp-venv`, which
//! `make test` runs), with one predefined user, killed when dropped. Its sign-in page is a
//! form whose `sub` field names the user (no password: it is a test provider). Include it
//! beside `service.rs`.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use super::service::{self, free_port, http_get};

/// A running provider; killed when dropped.
pub struct OidcIdp {
    child: Child,
    /// `http://127.0.0.1:PORT` (also its issuer).
    pub issuer: String,
    dir: tempfile::TempDir,
}

fn venv() -> PathBuf {
    if let Some(dir) = std::env::var_os("OIDC_IDP_VENV") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/oidc-idp-venv")
}

fn ensure_venv() -> PathBuf {
    let venv = venv();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/oidc-idp-venv");
    service::ensure_venv(&script, "OIDC_IDP_VENV", &venv, "");
    venv
}

impl OidcIdp {
    /// Starts the provider with the user `claims` (a JSON object with `sub`).
    pub fn start(claims: &serde_json::Value) -> OidcIdp {
        let venv = ensure_venv();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("oidc-idp.log");
        let child = service::spawn_until_healthy(
            Command::new(venv.join("bin/oidc-provider-mock"))
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--user-claims", &claims.to_string()]),
            &log,
            Duration::from_secs(30),
            || {
                http_get(port, "/.well-known/openid-configuration")
                    .is_some_and(|answer| answer.starts_with("HTTP/1.1 200"))
            },
        );
        let Some(child) = child else {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("oidc-provider-mock did not start; its log:\n{log}");
        };
        OidcIdp {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
            dir,
        }
    }

    /// The provider's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("oidc-idp.log")).unwrap_or_default()
    }
}

impl Drop for OidcIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
