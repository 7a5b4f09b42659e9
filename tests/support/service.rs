//! Starting a service for tests (ministack, the OpenID provider, chronyd): a process with
//! no stdin or stdout and its stderr in a log file, waited on until its health check says yes.
//! Include it beside the service's own file (which uses it as `super::service`).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a TCP port on loopback")
        .port()
}

/// The whole answer to `GET path` from `127.0.0.1:port`, or `None` when nothing answers.
pub fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    Some(answer)
}

/// Runs a `scripts/*-venv` script, which creates the pinned venv at `venv` (named to it in
/// the environment variable `var`) if it is missing.
pub fn ensure_venv(script: &Path, var: &str, venv: &Path, why: &str) {
    let status = Command::new(script)
        .env(var, venv)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(status.success(), "{} failed{why}", script.display());
}

/// Starts `command` (stderr into `log`) and waits up to `limit` until `healthy` says yes.
/// `None`, the process killed, when it exited or was not up in time.
pub fn spawn_until_healthy(
    command: &mut Command,
    log: &Path,
    limit: Duration,
    healthy: impl Fn() -> bool,
) -> Option<Child> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .unwrap_or_else(|e| panic!("start {:?}: {e}", command.get_program()));
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(Some(_)) = child.try_wait() {
            return None;
        }
        if healthy() {
            return Some(child);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}
