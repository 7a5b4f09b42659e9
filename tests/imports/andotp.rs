//! andOTP backups: plain (GNOME's, Stratum's), new-layout encrypted (GNOME's, Stratum's,
//! asmw's), old-layout encrypted (asmw's), and asmw's empty and garbage files.

use sesame::import::{self, Format, ImportError, Imported, Options};

use crate::support::{assert_entries, bytes, read, try_read};

/// Stratum's nine entries, plain and encrypted alike (the mOTP one is skipped).
const STRATUM: &[&str] = &[
    "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
    "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
    "totp - / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
    "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
    "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
    "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
    "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
    "skipped Motp: motp: mOTP codes are not supported",
    "steam Steam / Steam SHA1 5 30 BBBBBBBBBBBBBBBBBA",
];

/// asmw's seven entries with issuers (GNOME's encrypted fixture is the same blob).
const ASMW: &[&str] = &[
    "totp asmw.org / account1 SHA1 6 30 3G4IFPMFOAVRYJTTNQEBECRQU4GP6XQ4",
    "totp asmw.org / account2 SHA1 6 30 CFRT34OKJGJD5WXYE4RYR6XBU4MKEVYR",
    "totp asmw.org / account2 SHA1 6 30 MTCGQYWEURZMUSXBLZ6YYVUOME6ZOCH6",
    "totp ACME Inc. / acme_account SHA1 6 30 AGXJE727UYEYQRRVZ73V3YJLZLGDOFVQ",
    "totp ACME Inc. / coyote SHA1 6 30 KTHQMHAWZHDI5VNEWYPS7ZGQSWIPJ6BN",
    "totp NoAccountIssuer /  SHA1 6 30 NMWEMYZDMORTCIFAZMYDIV3NIFZREC5B",
    "totp - / :no_issuer_account SHA1 6 30 N52C2PQUCKJM36ZQXYXKQGQKINGEYW43",
];

const ENCRYPTED: &[(&str, &str)] = &[
    ("gnome-authenticator/andotp_enc.json.aes", "123456"),
    ("stratum/andotp.encrypted.bin", "testtest"),
    (
        "permissive/asmw-andOTP-decrypt/accounts_new_123456.json.aes",
        "123456",
    ),
    (
        "permissive/asmw-andOTP-decrypt/accounts_old_123456.json.aes",
        "123456",
    ),
    (
        "permissive/asmw-andOTP-decrypt/accounts_issuer_123456.json.aes",
        "123456",
    ),
];

#[test]
fn gnome_plain_backup_reads_the_shared_vectors() {
    let export = read(
        "gnome-authenticator/andotp_plain.json",
        Format::AndOtp,
        None,
    );
    assert!(!export.encrypted);
    assert_entries(
        &export,
        &[
            "totp Deno / Mason SHA1 6 30 4SJHB4GSD43FZBAI7C2HLRJGPQ",
            "totp SPDX / James SHA256 7 20 5OM4WOOGPLQEF6UGN3CPEOOLWU",
            "totp Airbnb / Elijah SHA512 8 50 7ELGJSGXNCCTV3O6LKJWYFV2RA",
            "hotp Issuu / James SHA1 6 1 YOOMIXWS5GN6RTBPUFFWKTW5M4",
            "hotp Air Canada / Benjamin SHA256 7 50 KUVJJOM753IHTNDSZVCNKL7GII",
            "hotp WWE / Mason SHA512 8 10300 5VAML3X35THCEBVRLV24CGBKOY",
            "steam Boeing / Sophia SHA1 5 30 JRZCL47CMXVOQMNPZR2F7J4RGI",
        ],
    );
}

#[test]
fn stratum_plain_and_encrypted_hold_the_same_entries() {
    let plain = read("stratum/andotp.unencrypted.json", Format::AndOtp, None);
    assert_entries(&plain, STRATUM);
    let encrypted = read(
        "stratum/andotp.encrypted.bin",
        Format::AndOtp,
        Some("testtest"),
    );
    assert!(encrypted.encrypted);
    assert_entries(&encrypted, STRATUM);
}

#[test]
fn new_layout_backups_with_issuers() {
    for path in [
        "gnome-authenticator/andotp_enc.json.aes",
        "permissive/asmw-andOTP-decrypt/accounts_issuer_123456.json.aes",
    ] {
        let export = read(path, Format::AndOtp, Some("123456"));
        assert!(export.encrypted);
        assert_entries(&export, ASMW);
    }
}

#[test]
fn new_and_old_layouts_without_issuer_fields() {
    for path in [
        "permissive/asmw-andOTP-decrypt/accounts_new_123456.json.aes",
        "permissive/asmw-andOTP-decrypt/accounts_old_123456.json.aes",
    ] {
        let export = read(path, Format::AndOtp, Some("123456"));
        assert_entries(&export, &["totp - / test SHA1 6 30 JBSWY3DPEHPK3PXP"]);
    }
}

#[test]
fn encrypted_backups_need_the_right_password() {
    for (path, _) in ENCRYPTED {
        assert!(
            matches!(
                try_read(path, Some("wrong")),
                Err(ImportError::WrongPassword(Format::AndOtp))
            ),
            "{path}"
        );
        assert!(matches!(
            try_read(path, None),
            Err(ImportError::PasswordNeeded(Format::AndOtp))
        ));
    }
}

#[test]
fn empty_and_garbage_files_are_typed_errors() {
    let empty = "permissive/asmw-andOTP-decrypt/emptyfile.json.aes";
    assert!(matches!(
        try_read(empty, Some("123456")),
        Err(ImportError::Unrecognised { .. })
    ));
    let forced = Options {
        format: Some(Format::AndOtp),
        password: Some("123456"),
    };
    assert!(matches!(
        import::read_bytes(&bytes(empty), empty, forced),
        Err(ImportError::Damaged {
            format: Format::AndOtp,
            ..
        })
    ));
    // Random bytes could be an old-layout backup (no magic, no count): only a password
    // can tell, and this one does not open it.
    let garbage = "permissive/asmw-andOTP-decrypt/garbage.json.aes";
    assert_eq!(import::detect(&bytes(garbage)), Some(Format::AndOtp));
    assert!(matches!(
        try_read(garbage, Some("123456")),
        Err(ImportError::WrongPassword(Format::AndOtp))
    ));
    assert!(!matches!(
        import::read_bytes(&bytes(garbage), garbage, forced),
        Ok(Imported::Export(_))
    ));
}
