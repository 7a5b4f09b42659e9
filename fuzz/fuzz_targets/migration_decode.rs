//! Arbitrary bytes into the Google Authenticator export decoder: as the whole link (lossy
//! UTF-8), and as the protobuf payload itself (Base64-encoded into a link). Whatever
//! decodes must re-encode and decode to the same accounts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::{link, migration};

/// Standard Base64, written out here so the target needs no other dependency.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn check_round_trip(text: &str) {
    let Ok(batch) = migration::decode(text) else {
        return;
    };
    let accounts: Vec<_> = batch.accounts.iter().map(|p| p.account.clone()).collect();
    let links = migration::encode(&accounts).expect("decoded accounts re-encode");
    let again: Vec<_> = links
        .iter()
        .flat_map(|l| migration::decode(l).expect("encoded links decode").accounts)
        .collect();
    assert_eq!(
        again, batch.accounts,
        "encode → decode changed the accounts"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_round_trip(&text);
    let _ = link::parse(&text);
    let payload = format!("otpauth-migration://offline?data={}", base64(data));
    check_round_trip(&payload);
});
