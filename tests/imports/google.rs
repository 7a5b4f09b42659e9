//! Google Authenticator transfer links and QR images: every account, bad links named by
//! line, and the missing parts of an export split over several QR codes.

use sesame::import::{Format, SkipReason};

use crate::support::{assert_entries, bytes, describe, read};

#[test]
fn transfer_links_read_every_account_and_name_bad_lines() {
    let export = read(
        "proton/_inline/google_migration_uris.txt",
        Format::Links,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp MYISSUER / MYLABEL SHA256 8 30 MYSECRET",
            "skipped line 2: the export link has no data parameter",
            "skipped line 3: the export data is damaged or not a Google Authenticator export: failed to decode Protobuf message: buffer underflow",
            "skipped line 4: the export data is damaged or not a Google Authenticator export: failed to decode Protobuf message: buffer underflow",
            "totp - / code 1 google auth SHA1 6 30 NXJDBXJDBDSJDBBXNXJBXBCB",
            "totp TestApp / Google4 code SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA1 6 30 JBSWY3DPEHPK3PXP",
            "hotp - / hotpitem SHA1 6 1 BFJFJFJFNSJDJDJBDBDNDJDJ",
            "hotp - / hotpitem2 SHA1 6 1 PSKDIDNDHDHFHDUDJDJHDNXBDBFBFXBJXCBCHJCF",
            "hotp - / cncnncncn SHA1 6 1 JFFJJDBDHXBDBNNN",
            "totp Amazon / suruceanumihaill@gmail.com SHA1 6 30 IUIUCFKMTXQZUV5U7LE664BVXQ4K7PDSDKHZ4QTZAC5GVIBMMZ6A",
            "totp Proton / b2baccount@proton.me SHA1 6 30 AQI55ICZEMJW2W67PAUVQ3BFN7LJBOQD",
            "totp - / namemisha SHA1 6 30 JDJDHDHDJHDHCHXHHE",
        ],
    );
}

#[test]
fn single_links_match_their_expected_accounts() {
    let export = read(
        "permissive/dim13-otpauth/google_migration_uri.txt",
        Format::Links,
        None,
    );
    assert_entries(
        &export,
        &["totp Example / alice@google.com SHA1 6 30 JBSWY3DPEHPK3PXP"],
    );
    // expected.txt beside it is the same account as an otpauth:// link.
    let expected = String::from_utf8(bytes("permissive/dim13-otpauth/expected.txt")).unwrap();
    let link = sesame::link::parse(expected.trim()).unwrap();
    assert_eq!(export.accounts().next().unwrap().account, link[0].account);
    let export = read(
        "gnome-authenticator/_inline/google_migration_uri.txt",
        Format::Links,
        None,
    );
    assert_entries(
        &export,
        &["totp Discord / johndoe@example.com SHA1 6 30 JRZCL47CMXVOQMNPZR2F7J4RGI"],
    );
}

#[test]
fn stratums_transfer_link_holds_its_test_accounts() {
    // Google's format has no period: "Long:Period" (60 s in Stratum) reads as 30 s.
    let export = read("stratum/googleauthenticator.txt", Format::Links, None);
    assert_entries(
        &export,
        &[
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
            "totp - / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
            "totp Long / Period SHA1 6 30 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
        ],
    );
}

/// The ten accounts of part 2 of a 3-code export (both screenshots show that part).
const PART_2_OF_3: [&str; 10] = [
    "totp - / new2 SHA1 6 30 NIMIMININININININININININIBBUBUB",
    "totp - / new3 SHA1 6 30 OMMMOMIMOMOMMIKMIMIMIMININOMOMIMIM",
    "totp - / new4 SHA1 6 30 INUNININININININININUNUNUNUBUBYBUBUBUBNUUNUNUNUN",
    "totp - / new5 SHA1 6 30 OMOMOMOMOMOMOMOMMIMIMIMIMININOMIMIMIMINININININININJM",
    "totp - / new7 SHA1 6 30 MIIMINNINININININININUNUBUBUBUBUBUBUBUBUBUBUBII",
    "totp - / new8 SHA1 6 30 NININNINUNUNUNUNUBUBUBUBUBUBUBUBUBUBUBUBUBUBUBQ",
    "totp - / new10 SHA1 6 30 NUNINUBUNUNUNUNUBUBUBUBUBUBUBUVUBUBUBUBUBU",
    "totp - / new6 SHA1 6 30 NUNINUBUNUNUNUNUBUBUBUBUBUBUBUVUBUBUBUBUBUNIM",
    "totp - / new9 SHA1 6 30 NUNINNUNUBUNUNUNUBUBUBUBUBUBUBUBYBYBYBYBYBYVYVYVYVYYYYY",
    "totp - / new0 SHA1 6 30 INNUNUNUNUBUBUBUBUBUBUBUBYBUBUBUVUBUBUBUBUBUBYBUBYVUBYA",
];

#[test]
fn a_qr_image_of_one_part_names_the_missing_parts() {
    for path in [
        "proton/qr/GoogleAuthenticatorExport_1.png",
        "proton/qr/GoogleAuthenticatorExport_2.png",
    ] {
        let export = read(path, Format::QrImage, None);
        let mut expected: Vec<String> = PART_2_OF_3.iter().map(|l| l.to_string()).collect();
        expected.push("skipped Google Authenticator export of 3 QR codes: parts 1 and 3 of 3 are not here, so their accounts are not imported: import every code of this export".into());
        assert_eq!(describe(&export), expected, "{path}");
        assert!(matches!(
            export.skipped().last().unwrap().reason,
            SkipReason::Invalid(_)
        ));
    }
    let export = read(
        "proton/qr/GoogleAuthenticatorExport_3.png",
        Format::QrImage,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp - / code SHA1 6 30 DKJDJDJXJCJXJXBXJXJA",
            "totp - / fbcncnh SHA1 6 30 FJJFJFNCJCJXBNFFJDJDJJCJ",
            "hotp - / cncnncncn SHA1 6 0 JFFJJDBDHXBDBNNN",
            "totp - / code 1 google auth SHA1 6 30 NXJDBXJDBDSJDBBXNXJBXBCB",
            "totp - / cose 2 google auth SHA1 6 30 MSJXJXBXJXJZBJSJDHDBDBXJSJHJDJXJ",
            "totp TestApp / Google4 code SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA1 6 30 JBSWY3DPEHPK3PXP",
            "skipped Google Authenticator export of 4 QR codes: parts 2, 3 and 4 of 4 are not here, so their accounts are not imported: import every code of this export",
        ],
    );
}

#[test]
fn whole_exports_in_qr_images_read_every_account() {
    let export = read(
        "proton/qr/GoogleAuthenticator_ScreenshotBigQR.jpeg",
        Format::QrImage,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp - / code 1 google auth SHA1 6 30 NXJDBXJDBDSJDBBXNXJBXBCB",
            "totp TestApp / Google4 code SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA256 6 30 JBSWY3DPEHPK3PXP",
            "totp TestApp / user@example.com SHA1 6 30 JBSWY3DPEHPK3PXP",
            "hotp - / hotpitem SHA1 6 2 BFJFJFJFNSJDJDJBDBDNDJDJ",
            "hotp - / hotpitem2 SHA1 6 2 PSKDIDNDHDHFHDUDJDJHDNXBDBFBFXBJXCBCHJCF",
        ],
    );
    let export = read(
        "proton/qr/GoogleAuthImportScreenshotCropped.jpg",
        Format::QrImage,
        None,
    );
    assert_entries(
        &export,
        &["totp - / ShouldDiffer SHA1 6 30 KRUGS42TNBXXK3DEIJZGKYLLGEZDGNBV"],
    );
    // A QR code of plain text: one entry, skipped, without repeating the text.
    let export = read("proton/qr/example.png", Format::QrImage, None);
    assert_entries(
        &export,
        &["skipped line 1: this is not a link: expected otpauth:// or otpauth-migration://"],
    );
}
