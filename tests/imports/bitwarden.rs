//! Bitwarden: password-manager JSON (plain, password-protected, account-restricted), CSV,
//! and the Bitwarden Authenticator app's JSON. An otpauth link's own issuer and name win;
//! else the item's name is the issuer and its username the account.

use sesame::import::{Format, ImportError};

use crate::support::{assert_entries, assert_trimmed, read, try_read};

const PASSWORD: &str = "rud9^5S6$^Ewmr%d";

/// Stratum's vault: eight logins with keys (a card, an identity and a note have none).
const STRATUM: &[&str] = &[
    "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
    "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
    "totp NoIssuer / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
    "totp Secret / Only SHA1 6 30 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
    "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
    "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
    "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
    "steam Steam / john@example.com SHA1 5 30 GJD4ZX3RQMLCAXKCT7GGQ4U27VN4FPK6",
];

/// Proton's four items, in JSON and CSV (trailing bits of `SOMESECRET` are dropped).
const PROTON: &[&str] = &[
    "totp ISSUER / LABEL_256_8_15 SHA256 8 15 SECRETDATA",
    "totp ISSUER_DEFAULT / LABEL_DEFAULT SHA1 6 30 SOMESECREQ",
    "steam SteamName /  SHA1 5 30 STEAMKEY",
    "totp SevenDigits / Seven digit username SHA1 7 30 SEVENDIGITSECRET",
];

#[test]
fn gnome_plain_json_reads_links_and_a_steam_key() {
    let export = read(
        "gnome-authenticator/bitwarden.json",
        Format::Bitwarden,
        None,
    );
    assert!(!export.encrypted);
    assert_entries(
        &export,
        &[
            "totp Deno / Mason SHA1 6 30 4SJHB4GSD43FZBAI7C2HLRJGPQ",
            "totp SPDX / James SHA256 7 20 5OM4WOOGPLQEF6UGN3CPEOOLWU",
            "totp Airbnb / Elijah SHA512 8 50 7ELGJSGXNCCTV3O6LKJWYFV2RA",
            "steam Test Steam /  SHA1 5 30 JRZCL47CMXVOQMNPZR2F7J4RGI",
        ],
    );
}

#[test]
fn stratum_plain_json_reads_every_login_with_a_key() {
    let export = read(
        "stratum/bitwarden.unencrypted.json",
        Format::Bitwarden,
        None,
    );
    assert_entries(&export, STRATUM);
}

#[test]
fn stratum_password_protected_pbkdf2_opens_with_its_password() {
    let path = "stratum/bitwarden.encrypted.pbkdf2.json";
    let export = read(path, Format::Bitwarden, Some(PASSWORD));
    assert!(export.encrypted);
    assert_entries(&export, STRATUM);
    assert!(matches!(
        try_read(path, Some("wrong")),
        Err(ImportError::WrongPassword(Format::Bitwarden))
    ));
    assert!(matches!(
        try_read(path, None),
        Err(ImportError::PasswordNeeded(Format::Bitwarden))
    ));
}

#[test]
fn stratum_password_protected_argon2id_opens_with_its_password() {
    let path = "stratum/bitwarden.encrypted.argon2id.json";
    let export = read(path, Format::Bitwarden, Some(PASSWORD));
    assert!(export.encrypted);
    assert_entries(&export, STRATUM);
    assert!(matches!(
        try_read(path, Some("wrong")),
        Err(ImportError::WrongPassword(Format::Bitwarden))
    ));
}

#[test]
fn stratum_account_restricted_export_is_refused_with_what_to_do() {
    let path = "stratum/bitwarden.encrypted.accountrestricted.json";
    for password in [None, Some(PASSWORD)] {
        match try_read(path, password) {
            Err(ImportError::Unsupported { format, reason }) => {
                assert_eq!(format, Format::Bitwarden);
                assert!(reason.contains("account's key"), "{reason}");
                assert!(reason.contains("JSON (password protected)"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn stratum_authenticator_app_json_reads_every_account() {
    let export = read(
        "stratum/bitwardenauthenticator.json",
        Format::Bitwarden,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "totp NoIssuer / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
            "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
        ],
    );
}

#[test]
fn proton_json_and_csv_read_the_same_four_accounts() {
    let json = read(
        "proton/authenticator/bitwarden/bitwarden.json",
        Format::Bitwarden,
        None,
    );
    assert_entries(&json, PROTON);
    // The CSV's rows hold more fields than its header names.
    let csv = read(
        "proton/authenticator/bitwarden/bitwarden.csv",
        Format::Bitwarden,
        None,
    );
    assert_entries(&csv, PROTON);
}

#[test]
fn proton_sample_csv_trims_a_key_one_character_too_long() {
    let export = read(
        "proton/authenticator/bitwarden/bitwarden_sample.csv",
        Format::Bitwarden,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp Code 2 /  SHA1 6 30 NDSKXJHDJNDBDBBB",
            "totp Code 3 /  SHA1 6 30 JSJZJFBBDI",
            // A link with `secret=JDKSNDJJDNDJJDBXB`: 17 characters, the last one dropped.
            "totp Code1 /  SHA1 6 30 JDKSNDJJDNDJJDBX",
        ],
    );
    assert_trimmed(&export, &[("Code1 / ", 17)]);
}

#[test]
fn proton_authenticator_app_json_reads_a_bare_key_and_not_a_password() {
    let export = read(
        "proton/authenticator/bitwarden/bitwarden_app.json",
        Format::Bitwarden,
        None,
    );
    assert_entries(
        &export,
        &["totp ItemWithTOTP / myusername SHA1 6 30 KNKVARKSKNCUGUSFKRFUKWJR"],
    );
}
