//! Ente Auth: plain exports (link lists whose links carry `codeDisplay`, trashed entries
//! skipped) and encrypted ones (Argon2id + secretstream), at each cost the fixtures use.

use sesame::import::{Format, ImportError, SkipReason};

use crate::support::{assert_entries, describe, read, try_read};

/// Ente's test fixtures write secrets of lengths no Base32 encoder makes; Sesame refuses
/// them rather than guess the missing bits.
fn not_base32(line: usize, length: usize) -> String {
    format!(
        "skipped line {line}: the secret parameter is not valid: the secret is not valid Base32: {length} characters cannot be a whole number of bytes (is a character missing?)"
    )
}

#[test]
fn plain_exports_read_every_account() {
    let export = read("proton/authenticator/ente/plain.txt", Format::Links, None);
    assert_entries(
        &export,
        &[
            "totp MyIssuer / MyLabel256_8_15 SHA256 8 15 JVMVGRKDKJCVI",
            "totp MyIssuer / MyLabelDefault SHA1 6 30 JVMVGRKDKJCVI",
        ],
    );
    let export = read(
        "proton/authenticator/ente/plain_20_entries.txt",
        Format::Links,
        None,
    );
    let expected: Vec<String> = (1..=20)
        .map(|i| format!("totp Proton / Account {i} SHA1 6 30 SECRETI"))
        .collect();
    assert_eq!(describe(&export), expected);
    let export = read(
        "proton/authenticator/ente/plain_with_missing_fields.txt",
        Format::Links,
        None,
    );
    assert_entries(&export, &["totp - / accountname SHA1 6 30 JCXJJXJXJCJXNNI"]);
}

#[test]
fn trashed_entries_are_skipped_as_such() {
    let export = read(
        "proton/authenticator/ente/plain_with_hotp.txt",
        Format::Links,
        None,
    );
    let expected = [
        not_base32(1, 14),
        not_base32(2, 17),
        "skipped code1 ente: jdjdbfbdbdbdb: it is in the trash of Ente Auth".to_owned(),
        not_base32(4, 19),
        "totp issuer / account SHA1 6 30 JDJDBFHFJDHDHXNB".to_owned(),
        "totp issuer / amazon SHA1 6 30 CBKANXSKXBJSJDNBDBDNXBXNNXBA".to_owned(),
    ];
    assert_eq!(describe(&export), expected);
    let trashed: Vec<_> = export
        .skipped()
        .filter(|s| s.reason == SkipReason::Trashed(Format::Ente))
        .collect();
    assert_eq!(trashed.len(), 1);
}

#[test]
fn steam_and_hotp_entries_are_read() {
    let export = read(
        "proton/authenticator/ente/plain_with_steam_and_hotp.txt",
        Format::Links,
        None,
    );
    let expected = [
        not_base32(1, 17),
        "hotp Item2hotp / additional info SHA1 6 0 CBJXCBCBCBCA".to_owned(),
        "totp Item3-90sec / additional info SHA1 6 90 NDJDJFNXNNCNCNA".to_owned(),
    ];
    assert_eq!(describe(&export), expected);
}

/// The accounts of Stratum's test export, in Ente's order.
const STRATUM_ACCOUNTS: [&str; 7] = [
    "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
    "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
    "totp NoIssuer / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
    "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
    "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
    "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
    "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
];

#[test]
fn stratums_ente_exports_match() {
    let plain = read("stratum/ente.unencrypted.txt", Format::Links, None);
    assert_entries(&plain, &STRATUM_ACCOUNTS);
    // Memory limit 1 GiB, 4 passes: what Ente writes on a capable device.
    let encrypted = read("stratum/ente.encrypted.json", Format::Ente, Some("test"));
    assert!(encrypted.encrypted);
    assert_entries(&encrypted, &STRATUM_ACCOUNTS);
}

#[test]
fn a_low_cost_encrypted_export_opens() {
    let path = "proton/authenticator/ente/encrypted.lowcomplexity.txt";
    let export = read(path, Format::Ente, Some("password"));
    assert_eq!(export.format, Format::Ente);
    assert!(export.encrypted);
    let expected = [
        "hotp dfdf / adfasdf SHA1 6 1 ASDFADA".to_owned(),
        "totp issuertest / accountest SHA256 6 30 SECRETDATA".to_owned(),
        not_base32(3, 9),
    ];
    assert_eq!(describe(&export), expected);
    assert!(matches!(
        try_read(path, Some("Password")),
        Err(ImportError::WrongPassword(Format::Ente))
    ));
    assert!(matches!(
        try_read(path, None),
        Err(ImportError::PasswordNeeded(Format::Ente))
    ));
}

#[test]
fn the_nominal_encrypted_export_holds_the_decrypted_list() {
    // Memory limit 256 MiB, 16 passes. `encrypted_decrypted.txt` is its plaintext.
    let path = "proton/authenticator/ente/encrypted.nominalcomplexity.txt";
    let encrypted = read(path, Format::Ente, Some("password"));
    let plain = read(
        "proton/authenticator/ente/encrypted_decrypted.txt",
        Format::Links,
        None,
    );
    let expected = [
        "hotp HOTPISSUER / HOTPACCOUNT SHA1 6 1 ASECREQ".to_owned(),
        "totp MYISSUER / MYLABEL SHA1 6 30 MYSECRET".to_owned(),
        not_base32(3, 11),
    ];
    assert_eq!(describe(&plain), expected);
    assert_eq!(describe(&encrypted), expected);
}
