//! A real OpenID Connect provider on loopback, the federated identity provider of the
//! hosted-page tests: PyPI `oidc-provider-mock` (pinned in `scripts/oidc-idp-venv`, which
//! `make test` runs), with one predefined user, killed when dropped. Its sign-in page is a
//! form whose `sub` field names the user (no password: it is a test provider).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    let status = Command::new(&script)
        .env("OIDC_IDP_VENV", &venv)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(status.success(), "{} failed", script.display());
    venv
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a TCP port on loopback")
        .port()
}

fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let request = format!(
        "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

impl OidcIdp {
    /// Starts the provider with the user `claims` (a JSON object with `sub`).
    pub fn start(claims: &serde_json::Value) -> OidcIdp {
        let venv = ensure_venv();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("oidc-idp.log");
        let child = Command::new(venv.join("bin/oidc-provider-mock"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--user-claims", &claims.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start oidc-provider-mock");
        let mut idp = OidcIdp {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
            dir,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = idp.child.try_wait() {
                break;
            }
            if ready(port) {
                return idp;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = idp.child.kill();
        panic!("oidc-provider-mock did not start; its log:\n{}", idp.log());
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
