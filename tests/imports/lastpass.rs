//! LastPass Authenticator exports: Stratum's Android one, Proton's Android, iOS and
//! missing-fields ones.

use sesame::import::Format;

use crate::support::{assert_entries, read};

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
fn proton_android_export_keeps_edited_names_and_skips_impossible_secrets() {
    let export = read(
        "proton/authenticator/lastpass/lastpass.json",
        Format::LastPass,
        None,
    );
    assert_entries(
        &export,
        &[
            "skipped issuer: account name default: the secret is not valid Base32: 19 characters cannot be a whole number of bytes (is a character missing?)",
            "skipped other: sha256: the secret is not valid Base32: 17 characters cannot be a whole number of bytes (is a character missing?)",
            "totp - / sha512 name SHA512 6 30 JDJDDJDJUEJEBDBFNE",
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
        &[
            "skipped sometest: the secret is not valid Base32: 22 characters cannot be a whole number of bytes (is a character missing?)",
        ],
    );
}
