//! Stratum (Authenticator Pro) backups: plain, strong (Argon2id + AES-GCM) and legacy
//! (PBKDF2-SHA1 + AES-CBC), and Stratum's plain link list.

use sesame::import::{Format, ImportError};

use crate::support::{assert_entries, assert_trimmed, read, try_read};

#[test]
fn a_plain_backup_reads_every_authenticator() {
    let export = read("stratum/backup.unencrypted.authpro", Format::Stratum, None);
    assert!(!export.encrypted);
    assert_entries(
        &export,
        &[
            "totp Amazon / john@example.com SHA1 6 30 ASKDJKQ",
            "totp Facebook / john@example.com SHA1 6 30 APAOSDIDSM",
            "totp Instagram / john@example.com SHA1 6 30 POIAOSIDOSOIC",
            "totp PayPal / john@example.com SHA1 6 30 AADSDDSSSA",
            "totp Slack / john@example.com SHA1 6 30 POKOSKAOSKDAOSA",
            "totp DigitalOcean / john@example.com SHA1 6 30 PAOSKDOASKDOSKDA",
            "totp Microsoft / example@live.com SHA1 6 30 OAISJDISJDIA",
            // POAKSPDOASKDOS: 14 characters, the last one dropped.
            "totp Epic Games / john@example.com SHA1 6 30 POAKSPDOASKDO",
            "totp GitHub / github SHA1 6 30 ASDASGASGASGASA",
            "totp Dropbox / john@example.com SHA1 6 30 ALKSJDAOSIDJAIQ",
            "totp Twitter / @jack SHA1 6 30 AOISJDOAISJDAOSIJA",
            "hotp HOTP example / john@example.com SHA1 6 4 OISJDIASJDIASJDOAI",
            "steam Steam / example SHA1 5 30 AOSKDPAOSKDPASODKOAPSDI",
            "skipped Company VPN: john@example.com: mOTP codes are not supported",
            // OIDJAOSIJDOASIJDS: 17 characters.
            "totp Blizzard / example SHA1 8 30 OIDJAOSIJDOASIJD",
        ],
    );
    // Stratum's test data: made-up secrets, two of lengths no Base32 encoder makes.
    assert_trimmed(
        &export,
        &[
            ("Epic Games / john@example.com", 14),
            ("Blizzard / example", 17),
        ],
    );
}

/// The accounts of Stratum's encrypted test backups (the same as its link list).
const ACCOUNTS: [&str; 7] = [
    "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
    "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
    "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
    "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
    "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
    "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
    // Issuer "NoIssuer", username "".
    "totp NoIssuer /  SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
];

#[test]
fn encrypted_backups_open_with_their_password() {
    for path in [
        "stratum/backup.strong.authpro",
        "stratum/backup.legacy.authpro",
    ] {
        let export = read(path, Format::Stratum, Some("test"));
        assert!(export.encrypted, "{path}");
        assert_entries(&export, &ACCOUNTS);
        assert!(
            matches!(
                try_read(path, Some("tset")),
                Err(ImportError::WrongPassword(Format::Stratum))
            ),
            "{path}"
        );
        assert!(
            matches!(
                try_read(path, None),
                Err(ImportError::PasswordNeeded(Format::Stratum))
            ),
            "{path}"
        );
    }
}

#[test]
fn stratums_link_list_reads_every_account() {
    let export = read("stratum/urilist.txt", Format::Links, None);
    assert_entries(
        &export,
        &[
            "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
            "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "totp NoIssuer / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
        ],
    );
}
