//! Proton Authenticator exports: Ente's plain and encrypted pair, Stratum's plain one.

use sesame::import::{Format, ImportError};

use crate::support::{assert_entries, read, try_read};

/// Ente's four entries, plain and encrypted alike (issuers `.env` and `/e/` kept whole).
const ENTE: &[&str] = &[
    "totp .env / example@ente.io SHA1 6 30 MI4GCOJSGIZTKLJSGMZWKLJUGEZDQLJYG5STILJSMUYDIYTCMQ3TSOJRGI",
    "totp /e/ / cool@ente.com SHA1 6 30 554VBDOGJRLDG2JV",
    "totp ente / simple@ente.sh SHA1 6 30 PIBTGMBYQYVSLN5PVZYQUTKYHOBRYYT7",
    "totp reddit / r@ente.com SHA1 6 30 J4YFC3TZKVYWCVCNIVBWIV2GHFAXUNDF",
];

const ENCRYPTED: &str = "ente/proton_authenticator_backup_encrypted_1231246.json";

#[test]
fn ente_plain_and_encrypted_hold_the_same_four_entries() {
    let plain = read(
        "ente/proton_authenticator_backup.json",
        Format::Proton,
        None,
    );
    assert!(!plain.encrypted);
    assert_entries(&plain, ENTE);
    let encrypted = read(ENCRYPTED, Format::Proton, Some("1231246"));
    assert!(encrypted.encrypted);
    assert_entries(&encrypted, ENTE);
}

#[test]
fn the_encrypted_export_needs_the_right_password() {
    assert!(matches!(
        try_read(ENCRYPTED, Some("1231245")),
        Err(ImportError::WrongPassword(Format::Proton))
    ));
    assert!(matches!(
        try_read(ENCRYPTED, None),
        Err(ImportError::PasswordNeeded(Format::Proton))
    ));
}

#[test]
fn stratum_export_with_nine_digits_and_a_steam_uri() {
    let export = read("stratum/protonauthenticator.json", Format::Proton, None);
    assert_entries(
        &export,
        &[
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "totp - / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
            "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
            "steam Steam / Steam SHA1 5 30 STEAMSTEAMSTEAMSTEAA",
        ],
    );
}
