//! A real NTP server for tests: Debian's `chronyd`, serving its local clock on a free
//! loopback port, never touching the system clock (`-x`). `make test` installs chrony.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use super::service;

/// A running `chronyd`; stopped when dropped.
pub struct Chrony {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    _dir: tempfile::TempDir,
}

fn chronyd_path() -> PathBuf {
    for candidate in ["/usr/sbin/chronyd", "/sbin/chronyd"] {
        let path = PathBuf::from(candidate);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "chronyd is not installed: run `make test` (it installs Debian's chrony) or `apt-get install chrony`"
    );
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind a UDP port on loopback")
        .port()
}

/// Whether an NTP server at `address` answers one sample.
fn answers(address: &str) -> bool {
    let probe = sesame::clock::SntpOptions {
        timeout: Duration::from_millis(200),
        samples: 1,
    };
    sesame::clock::measure_offset(address, probe).is_ok()
}

impl Chrony {
    /// Starts chronyd and waits until it answers.
    pub fn start() -> Chrony {
        let mut last_log = String::new();
        for _attempt in 0..5 {
            let dir = tempfile::tempdir().expect("temp dir");
            let port = free_udp_port();
            let conf = dir.path().join("chrony.conf");
            std::fs::write(
                &conf,
                format!(
                    "port {port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 8\ncmdport 0\npidfile {pid}\ndriftfile {drift}\n",
                    pid = dir.path().join("chronyd.pid").display(),
                    drift = dir.path().join("drift").display(),
                ),
            )
            .expect("write chrony.conf");
            let log = dir.path().join("chronyd.log");
            let address = format!("127.0.0.1:{port}");
            let child = service::spawn_until_healthy(
                Command::new(chronyd_path())
                    .args(["-d", "-x", "-u", "root", "-f"])
                    .arg(&conf),
                &log,
                Duration::from_secs(5),
                || answers(&address),
            );
            if let Some(child) = child {
                return Chrony {
                    child,
                    address,
                    _dir: dir,
                };
            }
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("chronyd did not start; its log:\n{last_log}");
    }
}

impl Drop for Chrony {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
