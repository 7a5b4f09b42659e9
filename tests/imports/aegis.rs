//! Aegis vaults, plain and encrypted (password `test`, per the manifest), from the test
//! suites of GNOME Authenticator, Stratum and Proton Authenticator; and Aegis's plain-text
//! export, a list of links.

use sesame::import::{Format, ImportError};

use crate::support::{assert_entries, read, try_read};

/// The Aegis test vectors V1–V7 of the manifest.
const VECTORS: [&str; 7] = [
    "totp Deno / Mason SHA1 6 30 4SJHB4GSD43FZBAI7C2HLRJGPQ",
    "totp SPDX / James SHA256 7 20 5OM4WOOGPLQEF6UGN3CPEOOLWU",
    "totp Airbnb / Elijah SHA512 8 50 7ELGJSGXNCCTV3O6LKJWYFV2RA",
    "hotp Issuu / James SHA1 6 1 YOOMIXWS5GN6RTBPUFFWKTW5M4",
    "hotp Air Canada / Benjamin SHA256 7 50 KUVJJOM753IHTNDSZVCNKL7GII",
    "hotp WWE / Mason SHA512 8 10300 5VAML3X35THCEBVRLV24CGBKOY",
    "steam Boeing / Sophia SHA1 5 30 JRZCL47CMXVOQMNPZR2F7J4RGI",
];

/// Stratum's 11 authenticators: mOTP and Yandex codes are not Sesame's, so 9 accounts.
const STRATUM: [&str; 11] = [
    "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
    "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
    "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
    "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
    "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
    "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
    "totp NoIssuer / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
    "skipped Motp: Motp: mOTP codes are not supported",
    "skipped Yandex: Yandex: Yandex codes are not supported",
    "totp - / Username SHA1 6 30 BBBBBBBBBBBBBBBBBBBBBBBB",
    "steam Steam / Steam SHA1 5 30 CCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
];

/// Proton's vault, and its text export of the same three accounts.
const PROTON: [&str; 3] = [
    "totp myissuer / mylabel815256 SHA256 8 15 MYSECRET",
    "totp myissuer / mylabeldefault SHA1 6 30 MYSECRET",
    "steam Steam / Steam SHA1 5 30 STEAMKEY",
];

#[test]
fn gnome_authenticators_plain_vault() {
    let export = read("gnome-authenticator/aegis_plain.json", Format::Aegis, None);
    assert!(!export.encrypted);
    assert_entries(
        &export,
        &[
            "totp Google / Bob SHA1 6 30 ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            VECTORS[4],
            VECTORS[6],
        ],
    );
}

#[test]
fn gnome_authenticators_encrypted_vault_holds_the_vectors() {
    let path = "gnome-authenticator/aegis_encrypted.json";
    // Its second slot is a fingerprint slot, passed over.
    let export = read(path, Format::Aegis, Some("test"));
    assert!(export.encrypted);
    assert_entries(&export, &VECTORS);
    assert!(matches!(
        try_read(path, None),
        Err(ImportError::PasswordNeeded(Format::Aegis))
    ));
    let err = try_read(path, Some("Test")).unwrap_err();
    assert!(
        matches!(err, ImportError::WrongPassword(Format::Aegis)),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "wrong password for this Aegis export");
}

#[test]
fn a_missing_issuer_is_taken_from_the_name() {
    let export = read(
        "gnome-authenticator/aegis_issuer_from_name.json",
        Format::Aegis,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp issuer / missing-issuer SHA1 6 30 ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            "totp issuer / missing-issuer@domain.com SHA1 6 30 ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        ],
    );
}

#[test]
fn stratums_vaults_plain_and_encrypted() {
    let plain = read("stratum/aegis.unencrypted.json", Format::Aegis, None);
    assert_entries(&plain, &STRATUM);
    let path = "stratum/aegis.encrypted.json";
    let encrypted = read(path, Format::Aegis, Some("test"));
    assert!(encrypted.encrypted);
    assert_entries(&encrypted, &STRATUM);
    assert!(matches!(
        try_read(path, Some("tset")),
        Err(ImportError::WrongPassword(Format::Aegis))
    ));
}

#[test]
fn protons_vaults_and_text_export() {
    assert_entries(
        &read(
            "proton/authenticator/aegis/aegis-json-unencrypted.json",
            Format::Aegis,
            None,
        ),
        &PROTON,
    );
    let password =
        String::from_utf8(crate::support::bytes("proton/authenticator/aegis/password")).unwrap();
    assert_eq!(password.trim(), "test");
    let path = "proton/authenticator/aegis/aegis-json-encrypted-test.json";
    assert_entries(&read(path, Format::Aegis, Some(password.trim())), &PROTON);
    assert!(matches!(
        try_read(path, Some("")),
        Err(ImportError::WrongPassword(Format::Aegis))
    ));
    // Aegis's plain-text export is a list of links.
    assert_entries(
        &read(
            "proton/authenticator/aegis/aegis-txt.txt",
            Format::Links,
            None,
        ),
        &PROTON,
    );
}

#[test]
fn protons_odd_vaults() {
    assert_entries(
        &read(
            "proton/authenticator/aegis/aegis-json-unencrypted-hotp.json",
            Format::Aegis,
            None,
        ),
        &[
            "totp - / Test SHA1 6 30 ABCDEFA",
            "hotp - / HotpOne SHA1 6 10 KNCUGUSF",
        ],
    );
    assert_entries(
        &read(
            "proton/authenticator/aegis/aegis-json-unencrypted-with-missing-fields.json",
            Format::Aegis,
            None,
        ),
        &[
            "totp Proton / some@test.email SHA1 6 30 AQI55ICZEMJW2W67PAUVQ3BFN7LJBOQD",
            "totp Amazon / some@account.test SHA1 6 30 IUIUCFKMTXQZUV5U7LE664BVXQ4K7PDSDKHZ4QTZAC5GVIBMMZ6A",
            "totp - / Somename SHA256 7 30 CHJDDHDHXE",
        ],
    );
    // Both entries have parameters no code can be made with: each is skipped and says why.
    assert_entries(
        &read(
            "proton/authenticator/aegis/aegis-json-unencrypted-with-bad-period-digits.json",
            Format::Aegis,
            None,
        ),
        &[
            "skipped myissuer: bad-digits: codes cannot be computed: 0 digits is not supported: codes have 6 to 10 digits",
            "skipped myissuer: bad-period: codes cannot be computed: the period must be a positive number of seconds",
        ],
    );
}
