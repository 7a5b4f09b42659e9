//! 2FAS `.2fas` backups: Stratum's schema 3 pair and Proton's schema 4 set (Android, iOS,
//! HOTP, unsupported algorithms, missing fields, manual entries, encrypted).

use sesame::import::{Entry, Format, ImportError};

use crate::support::{assert_entries, assert_trimmed, read, try_read};

/// Stratum's six services, plain and encrypted alike (the `algorithm: null` one is SHA1).
const STRATUM: &[&str] = &[
    "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
    "totp NoIssuer /  SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
    "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
    "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
    "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
    "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
];

/// Proton's Android export, plain and encrypted alike.
const PROTON: &[&str] = &[
    "totp myissuer / mylabeldefault SHA1 6 30 MYSECRET",
    "steam Steam /  SHA1 5 30 STEAMKEY",
];

#[test]
fn stratum_plain_and_encrypted_hold_the_same_six_services() {
    let plain = read("stratum/twofas.unencrypted.2fas", Format::TwoFas, None);
    assert!(!plain.encrypted);
    assert_entries(&plain, STRATUM);
    let encrypted = read(
        "stratum/twofas.encrypted.2fas",
        Format::TwoFas,
        Some("test"),
    );
    assert!(encrypted.encrypted);
    assert_entries(&encrypted, STRATUM);
}

#[test]
fn proton_android_plain_and_encrypted_hold_the_same_two_services() {
    let plain = read(
        "proton/authenticator/2fas/decrypted.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(&plain, PROTON);
    let encrypted = read(
        "proton/authenticator/2fas/encrypted.2fas",
        Format::TwoFas,
        Some("test"),
    );
    assert!(encrypted.encrypted);
    assert_entries(&encrypted, PROTON);
}

#[test]
fn encrypted_backups_need_the_right_password() {
    for path in [
        "stratum/twofas.encrypted.2fas",
        "proton/authenticator/2fas/encrypted.2fas",
    ] {
        assert!(
            matches!(
                try_read(path, Some("wrong")),
                Err(ImportError::WrongPassword(Format::TwoFas))
            ),
            "{path}"
        );
        assert!(matches!(
            try_read(path, None),
            Err(ImportError::PasswordNeeded(Format::TwoFas))
        ));
    }
}

#[test]
fn ios_secrets_of_impossible_lengths_are_trimmed_with_a_warning() {
    let export = read(
        "proton/authenticator/2fas/decrypted_ios.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(
        &export,
        &[
            // JDJDBDBDDBDBBXBXB (17) and JDJDUZBXHSHDBXBXHBB (19), last character dropped.
            "totp Code1 2FAS /  SHA1 6 30 JDJDBDBDDBDBBXBX",
            "totp Code2 2FAS /  SHA1 6 30 JDJDUZBXHSHDBXBXHA",
        ],
    );
    assert_trimmed(&export, &[("Code1 2FAS / ", 17), ("Code2 2FAS / ", 19)]);
    let Entry::Account(code1) = &export.entries[0] else {
        panic!("Code1 2FAS is an account");
    };
    let messages: Vec<String> = code1.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "the secret has 17 characters, one more than whole bytes need; its last character was dropped, as the app that exported it does",
            "the secret is only 80 bits long; RFC 4226 asks for at least 128",
        ]
    );
}

#[test]
fn hotp_services_keep_their_counter() {
    let export = read(
        "proton/authenticator/2fas/decrypted_with_hotp.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp Proton / den den SHA1 6 30 IAKDNDND",
            "hotp Hotp /  SHA1 6 0 JEKEKRQ",
        ],
    );
}

#[test]
fn an_unsupported_algorithm_is_skipped_with_the_reason() {
    let export = read(
        "proton/authenticator/2fas/decrypted_with_hotp_and_unsupported_algorithms.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(
        &export,
        &[
            "hotp cncnncncn /  SHA1 6 4 JFFJJDBDHXBDBNNN",
            "skipped Itemname: Optional info: codes cannot be computed: the SHA384 algorithm is not supported",
        ],
    );
}

#[test]
fn hotp_without_a_period_and_totp_with_odd_periods() {
    let export = read(
        "proton/authenticator/2fas/decrypted_with_hotp_missing_period.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(
        &export,
        &[
            "hotp cncnncncn /  SHA1 6 5 JFFJJDBDHXBDBNNN",
            "totp Item1 / Additional item SHA1 6 60 GFJDHDJDJDJDNJDJ",
            "totp Item256 / Bdjdbfjr SHA256 8 90 HDIDVDJDBDJA",
            "totp Item512 / Additional info SHA512 7 30 HXOXHDJDBDJFJFJH",
        ],
    );
    assert_trimmed(
        &export,
        &[
            ("Item1 / Additional item", 17),
            ("Item512 / Additional info", 17),
        ],
    );
}

#[test]
fn manual_and_linked_services_take_the_edited_names_and_fill_gaps_from_the_link() {
    let export = read(
        "proton/authenticator/2fas/decrypted_with_manual_entries.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp Amazon / some@test.email SHA1 6 30 IUIUCFKMTXQZUV5U7LE664BVXQ4K7PDSDKHZ4QTZAC5GVIBMMZ6A",
            "totp GitHub / Test-acc SHA1 6 30 KOCK222AHLNV4TW6",
            "totp Facebook / random.sometest SHA1 6 30 IYLZ3FWEJRCCQZS7NYP3PLZDDX3I3C4M",
            "totp Google / some@test.email SHA1 6 30 V4YX7JV5YNQADQGR2UO753CQC5RWKRN7",
            "totp LinkedIn / some@test.email SHA1 6 30 2YR5IOOODODSXKW725H54V7MXIKZATD7",
            "totp Binance.com / some@test.email SHA1 6 30 NFRVOZJ6FFZQXX6G",
            "totp kick / some@test.email SHA1 6 30 JYUAHOREVBAX3XEB",
            "totp Proton / sometestaccount@proton.me SHA1 6 30 XEMYPVZTB6AMR6O3S7XZZ37VPH32YICW",
            "hotp Service name hotp /  SHA1 6 1 HDJDBDKXBSHDI",
            "totp Reddit / Some-Account1234 SHA1 6 30 OAL6R5T5CBSYUZSLO356EBGSJWZ7JLO2",
            "totp 20 /  SHA1 6 30 DHJDXHCHHCHCG",
            // hssjdhhxhxh: 11 characters, the last dropped with the 10th's two leftover bits.
            "totp Manual /  SHA1 6 30 HSSJDHHXHU",
        ],
    );
    assert_trimmed(&export, &[("Manual / ", 11)]);
}

#[test]
fn missing_period_digits_and_algorithm_take_the_defaults() {
    let export = read(
        "proton/authenticator/2fas/decrypted_with_missing_fields.2fas",
        Format::TwoFas,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp Amazon / atest@email.com SHA1 6 30 IUIUCFKMTXQZUV5U7LE664BVXQ4K7PDSDKHZ4QTZAC5GVIBMMZ6A",
        ],
    );
}
