//! LastPass Authenticator exports: Stratum's Android one, Proton's Android, iOS and
//! missing-fields ones.

use sesame::import::Format;

use crate::support::{assert_entries, assert_trimmed, read};

#[test]
fn stratum_android_export_reads_all_six_accounts() {
    let export = read("stratum/lastpass.json", Format::LastPass, None);
    assert!(!export.encrypted);
    assert_entries(
        &export,
        &[
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
            "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
            "totp - / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
        ],
    );
}

#[test]
fn proton_android_export_keeps_edited_names_and_trims_impossible_secrets() {
    let export = read(
        "proton/authenticator/lastpass/lastpass.json",
        Format::LastPass,
        None,
    );
    assert_entries(
        &export,
        &[
            // BDKSIEHWBDBBDBDZBZJ: 19 characters, the last dropped; the 18th keeps only
            // its first three bits, so the canonical form ends in Y, not Z.
            "totp issuer / account name default SHA1 6 30 BDKSIEHWBDBBDBDZBY",
            // JDJSKDKDKDKDKDKDK: 17 characters, the last dropped.
            "totp other / sha256 SHA256 8 20 JDJSKDKDKDKDKDKD",
            "totp - / sha512 name SHA512 6 30 JDJDDJDJUEJEBDBFNE",
        ],
    );
    assert_trimmed(
        &export,
        &[
            ("issuer / account name default", 19),
            ("other / sha256", 17),
        ],
    );
}

#[test]
fn proton_ios_export_has_no_device_fields() {
    let export = read(
        "proton/authenticator/lastpass/lastpass_ios_export.json",
        Format::LastPass,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp code 1 lastpass / snjxxndjbdbdb SHA1 6 30 MDLAXBJJZBXBXZJZBBZBA",
            "totp code2 lastpass / ndjdbxxnbcb SHA1 6 30 KSJFBDJDBXJBXJXBXI",
        ],
    );
}

#[test]
fn proton_missing_fields_export_names_its_one_entry() {
    let export = read(
        "proton/authenticator/lastpass/lastpass_missing_fields.json",
        Format::LastPass,
        None,
    );
    assert_entries(
        &export,
        // CDJDHHDHXHXBXBHNDDNNDN: 22 characters, the last dropped (and the 21st's one
        // leftover bit with it).
        &["totp - / sometest SHA1 6 30 CDJDHHDHXHXBXBHNDDNNC"],
    );
    assert_trimmed(&export, &[("- / sometest", 22)]);
}
