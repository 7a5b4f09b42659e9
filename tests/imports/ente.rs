//! Ente Auth: plain exports (link lists whose links carry `codeDisplay`, trashed entries
//! skipped) and encrypted ones (Argon2id + secretstream), at each cost the fixtures use.

use sesame::import::{Format, ImportError, SkipReason};

use crate::support::{assert_entries, assert_trimmed, describe, read, try_read};

// Ente's test fixtures write secrets of lengths no Base32 encoder makes (one character
// too many); Ente drops that character's bits, and so does Sesame, with a warning.

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
    assert_entries(
        &export,
        &[
            // xbjzbxbxbcbcbb (14) and irnshxhxbxbxbbxbb (17), the last character dropped.
            "totp - / account SHA1 6 30 XBJZBXBXBCBCA",
            "totp - / title no issuer SHA1 6 30 IRNSHXHXBXBXBBXB",
            "skipped code1 ente: jdjdbfbdbdbdb: it is in the trash of Ente Auth",
            // Its secret would be trimmed too, but a HOTP link needs a counter.
            "skipped line 4: HOTP links need a counter parameter, and this one has none",
            "totp issuer / account SHA1 6 30 JDJDBFHFJDHDHXNB",
            "totp issuer / amazon SHA1 6 30 CBKANXSKXBJSJDNBDBDNXBXNNXBA",
        ],
    );
    assert_trimmed(&export, &[("- / account", 14), ("- / title no issuer", 17)]);
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
    assert_entries(
        &export,
        &[
            // DJDJDJHDJDHFHHFHF: 17 characters, the last dropped.
            "steam Item1happysteam / additional info SHA1 5 30 DJDJDJHDJDHFHHFH",
            "hotp Item2hotp / additional info SHA1 6 0 CBJXCBCBCBCA",
            "totp Item3-90sec / additional info SHA1 6 90 NDJDJFNXNNCNCNA",
        ],
    );
    assert_trimmed(&export, &[("Item1happysteam / additional info", 17)]);
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
    assert_entries(
        &export,
        &[
            "hotp dfdf / adfasdf SHA1 6 1 ASDFADA",
            "totp issuertest / accountest SHA256 6 30 SECRETDATA",
            // 9 characters, the last dropped.
            "steam steam / steam SHA1 5 30 AAAAAAAA",
        ],
    );
    assert_trimmed(&export, &[("steam / steam", 9)]);
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
        "hotp HOTPISSUER / HOTPACCOUNT SHA1 6 1 ASECREQ",
        "totp MYISSUER / MYLABEL SHA1 6 30 MYSECRET",
        // STEAMSECRET: 11 characters, the last dropped with the 10th's two leftover bits.
        "steam Steam / STEAMACCOUNT SHA1 5 30 STEAMSECRE",
    ];
    for export in [&plain, &encrypted] {
        assert_entries(export, &expected);
        assert_trimmed(export, &[("Steam / STEAMACCOUNT", 11)]);
    }
}
