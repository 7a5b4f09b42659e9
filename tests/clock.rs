//! The clock module against a real NTP server (chronyd on loopback) and hostile peers.

mod support;

use std::net::UdpSocket;
use std::time::Duration;

use sesame::clock::{
    Clock, CorrectedClock, SntpOptions, SystemClock, TimeError, measure_offset, measure_offset_with,
};
use sesame::{Otp, Params, Secret};
use support::chrony::Chrony;

fn quick() -> SntpOptions {
    SntpOptions {
        timeout: Duration::from_millis(500),
        samples: 3,
    }
}

#[test]
fn offset_against_chrony_on_the_same_clock_is_near_zero() {
    let chrony = Chrony::start();
    let m = measure_offset(&chrony.address, quick()).unwrap();
    assert!(m.offset_ms.abs() < 500, "offset {} ms", m.offset_ms);
    assert_eq!(m.stratum, 8, "chrony serves `local stratum 8`");
    assert_eq!(m.server.to_string(), chrony.address);
}

#[test]
fn a_local_clock_an_hour_slow_is_measured_and_corrected() {
    let chrony = Chrony::start();
    let slow = CorrectedClock::new(SystemClock);
    slow.set_offset_ms(-3_600_000);
    let m = measure_offset_with(&chrony.address, quick(), &slow).unwrap();
    assert!(
        (m.offset_ms - 3_600_000).abs() < 500,
        "expected about +3600000 ms, measured {}",
        m.offset_ms
    );

    // Applying the measurement to the slow clock gives codes for the real time.
    let corrected = CorrectedClock::new(slow);
    corrected.set_offset_ms(m.offset_ms);
    let otp = Otp::new(
        &Secret::from_bytes(b"12345678901234567890".to_vec()),
        Params::default(),
    )
    .unwrap();
    let before = SystemClock.now_secs();
    let code = otp.code_at(corrected.now_secs());
    let after = SystemClock.now_secs();
    assert!(
        code == otp.code_at(before) || code == otp.code_at(after),
        "corrected code should match the real time's code"
    );
    let uncorrected = otp.code_at(SystemClock.now_secs() - 3600);
    assert_ne!(code, uncorrected, "an hour apart, codes differ");
}

#[test]
fn a_silent_server_times_out() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap().to_string();
    let options = SntpOptions {
        timeout: Duration::from_millis(200),
        samples: 1,
    };
    match measure_offset(&address, options) {
        Err(TimeError::Timeout { timeout_ms, .. }) => assert_eq!(timeout_ms, 200),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn a_closed_port_is_a_clear_error() {
    let port = {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let options = SntpOptions {
        timeout: Duration::from_millis(300),
        samples: 1,
    };
    let err = measure_offset(&format!("127.0.0.1:{port}"), options).unwrap_err();
    // Linux reports ICMP port-unreachable on a connected UDP socket as ECONNREFUSED.
    assert!(
        matches!(err, TimeError::Network { .. } | TimeError::Timeout { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&port.to_string()), "{err}");
}

/// A peer that answers every request with what `reply` makes of it.
fn hostile_server(reply: fn(&[u8]) -> Vec<u8>) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&reply(&buf[..n]), from);
        }
    });
    address
}

fn echo_with(first: u8, stratum: u8, request: &[u8]) -> Vec<u8> {
    let mut r = vec![0u8; 48];
    r[0] = first;
    r[1] = stratum;
    r[24..32].copy_from_slice(&request[40..48]);
    r[32..40].copy_from_slice(&[0xEC, 0, 0, 0, 0, 0, 0, 0]);
    r[40..48].copy_from_slice(&[0xEC, 0, 0, 0, 0, 0, 0, 0]);
    if stratum == 0 {
        r[12..16].copy_from_slice(b"DENY");
    }
    r
}

#[test]
fn hostile_replies_are_refused_with_typed_errors() {
    let options = SntpOptions {
        timeout: Duration::from_millis(300),
        samples: 2,
    };
    // Garbage that does not echo our nonce is ignored until the time runs out.
    let garbage = hostile_server(|_| vec![0xFF; 48]);
    assert!(matches!(
        measure_offset(&garbage, options),
        Err(TimeError::Timeout { .. })
    ));
    // A kiss-of-death is final and says its code.
    let deny = hostile_server(|req| echo_with((4 << 3) | 4, 0, req));
    let err = measure_offset(&deny, options).unwrap_err();
    assert!(
        matches!(err, TimeError::KissOfDeath { ref code, .. } if code == "DENY"),
        "{err:?}"
    );
    // An unsynchronised server (leap indicator 3).
    let unsync = hostile_server(|req| echo_with((3 << 6) | (4 << 3) | 4, 3, req));
    assert!(matches!(
        measure_offset(&unsync, options),
        Err(TimeError::Unsynchronised { .. })
    ));
    // A reply in client mode.
    let client = hostile_server(|req| echo_with((4 << 3) | 3, 2, req));
    assert!(matches!(
        measure_offset(&client, options),
        Err(TimeError::BadReply { .. })
    ));
    // A short reply that echoes the nonce.
    let short = hostile_server(|req| echo_with((4 << 3) | 4, 2, req)[..40].to_vec());
    assert!(matches!(
        measure_offset(&short, options),
        Err(TimeError::BadReply { .. })
    ));
}

/// A time server on loopback that answers every request with its clock plus one hour, as
/// an on-path attacker answering for the real one would.
fn an_hour_ahead(request: &[u8]) -> Vec<u8> {
    let ahead = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + Duration::from_secs(3600);
    let seconds = (ahead.as_secs() + 2_208_988_800) as u32;
    let fraction = ((u64::from(ahead.subsec_nanos()) << 32) / 1_000_000_000) as u32;
    let mut stamp = [0u8; 8];
    stamp[..4].copy_from_slice(&seconds.to_be_bytes());
    stamp[4..].copy_from_slice(&fraction.to_be_bytes());
    let mut r = vec![0u8; 48];
    r[0] = (4 << 3) | 4;
    r[1] = 2;
    r[24..32].copy_from_slice(&request[40..48]);
    r[32..40].copy_from_slice(&stamp);
    r[40..48].copy_from_slice(&stamp);
    r
}

fn sesame_code(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sesame"))
        .args(["code", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"])
        .args(args)
        .env(
            "SESAME_HOME",
            std::env::temp_dir().join("sesame-clock-test-no-vault"),
        )
        .output()
        .expect("run sesame")
}

#[test]
fn the_cli_does_not_apply_an_hour_from_a_time_server_without_accept_offset() {
    let server = hostile_server(an_hour_ahead);
    let refused = sesame_code(&["--ntp", &server]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(refused.stdout.is_empty(), "no code was printed");
    assert!(stderr.contains(&server), "names the server: {stderr}");
    assert!(
        stderr.contains("--accept-offset"),
        "says what to do: {stderr}"
    );
    assert!(stderr.contains("+3"), "says the offset: {stderr}");

    // Accepted deliberately, the code is the one an hour from now.
    let accepted = sesame_code(&["--ntp", &server, "--accept-offset"]);
    assert!(accepted.status.success(), "{accepted:?}");
    let code = String::from_utf8_lossy(&accepted.stdout).trim().to_owned();
    let otp = Otp::new(
        &Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
        Params::default(),
    )
    .unwrap();
    let in_an_hour = SystemClock.now_secs() + 3600;
    assert!(
        code == otp.code_at(in_an_hour).as_str() || code == otp.code_at(in_an_hour - 30).as_str(),
        "the accepted offset is applied"
    );
}

#[test]
fn the_cli_applies_a_small_offset_from_chrony_without_asking() {
    let chrony = Chrony::start();
    let out = sesame_code(&["--ntp", &chrony.address]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().len(), 6);
}
