//! Arbitrary bytes (read as lossy UTF-8) into the `otpauth://` parser and the link
//! dispatcher. Besides "never panic", checks that whatever parses formats to a canonical
//! link that reads back to the same account.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::{link, uri};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = uri::parse(&text) {
        let canonical = uri::format(&parsed.account);
        if canonical.len() > uri::MAX_LEN {
            // Percent-encoding raw UTF-8 can triple a label; such links are refused on input.
            return;
        }
        let again = uri::parse(&canonical).expect("a formatted link parses");
        assert_eq!(
            again.account, parsed.account,
            "format → parse changed the account"
        );
        assert_eq!(
            uri::format(&again.account),
            canonical,
            "format is not canonical"
        );
    }
    let _ = link::parse(&text);
    // Also as the query of an otpauth link, where most of the parsing happens.
    let _ = uri::parse(&format!("otpauth://totp/L?secret=JBSWY3DPEHPK3PXP&{text}"));
});
