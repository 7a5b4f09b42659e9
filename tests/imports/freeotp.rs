//! FreeOTP 2 backups (Java-serialized, encrypted; HOTP counters stored as they are).

use sesame::import::{Format, ImportError};

use crate::support::{assert_entries, read, try_read};

#[test]
fn stratum_freeotp_2_backup_opens_with_its_password_and_only_with_it() {
    let path = "stratum/freeotp.bin";
    let export = read(path, Format::FreeOtp, Some("test"));
    assert!(export.encrypted);
    // The same tokens as the FreeOTP+ file: the HOTP counter (10) is stored as it is, and
    // a token without issuerExt has no issuer.
    assert_entries(
        &export,
        &[
            "totp Standard / Totp SHA1 6 30 54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
            "totp Sha / 512 SHA512 6 30 UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            "hotp Standard / Hotp SHA1 6 10 JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
            "totp Many / Digits SHA1 9 30 WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
            "totp Sha / 256 SHA256 6 30 RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            "totp - / NoIssuer SHA1 6 30 KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
            "totp Long / Period SHA1 6 60 JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
        ],
    );
    assert!(matches!(
        try_read(path, Some("wrong")),
        Err(ImportError::WrongPassword(Format::FreeOtp))
    ));
    assert!(matches!(
        try_read(path, None),
        Err(ImportError::PasswordNeeded(Format::FreeOtp))
    ));
}
