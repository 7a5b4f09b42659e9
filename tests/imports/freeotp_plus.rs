//! FreeOTP+ JSON: secrets as signed bytes, HOTP counters stored one behind.

use sesame::import::Format;

use crate::support::{assert_entries, read};

#[test]
fn gnome_freeotp_plus_json_reads_the_vectors_with_counters_one_on() {
    let export = read(
        "gnome-authenticator/freeotp_json.json",
        Format::FreeOtpPlus,
        None,
    );
    assert_entries(
        &export,
        &[
            "totp Deno / Mason SHA1 6 30 4SJHB4GSD43FZBAI7C2HLRJGPQ",
            "totp SPDX / James SHA256 7 20 5OM4WOOGPLQEF6UGN3CPEOOLWU",
            "totp Airbnb / Elijah SHA512 8 50 7ELGJSGXNCCTV3O6LKJWYFV2RA",
            "hotp Issuu / James SHA1 6 1 YOOMIXWS5GN6RTBPUFFWKTW5M4",
            "hotp Air Canada / Benjamin SHA256 7 50 KUVJJOM753IHTNDSZVCNKL7GII",
            "hotp WWE / Mason SHA512 8 10300 5VAML3X35THCEBVRLV24CGBKOY",
        ],
    );
}

#[test]
fn stratum_freeotp_plus_json_reads_every_token() {
    let export = read("stratum/freeotpplus.json", Format::FreeOtpPlus, None);
    assert_entries(
        &export,
        &[
            "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
            "totp Many / Digits SHA1 8 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "totp NoIssuer / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
        ],
    );
}
