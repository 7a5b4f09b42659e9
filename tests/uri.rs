//! `otpauth://` links from the real world, the QR corpus, and format → parse round trips.

use proptest::prelude::*;
use sesame::uri::{self, UriError};
use sesame::{Account, Algorithm, Kind, Params, Secret, Warning, link};

const MANIFEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/qr/manifest.jsonl"
);

/// Every distinct `(payload_id, text)` in the QR corpus manifest.
fn corpus_texts() -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(MANIFEST)
        .unwrap_or_else(|e| panic!("{MANIFEST}: {e} (the shared corpus sits beside the repo)"));
    let mut texts: Vec<(String, String)> = Vec::new();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut all = vec![row["expected_text"].as_str().unwrap().to_owned()];
        if let Some(list) = row["expected_texts"].as_array() {
            all.extend(list.iter().map(|t| t.as_str().unwrap().to_owned()));
        }
        let id = row["payload_id"].as_str().unwrap_or("?").to_owned();
        for text in all {
            if !texts.iter().any(|(_, t)| *t == text) {
                texts.push((id.clone(), text));
            }
        }
    }
    texts
}

fn ok(link: &str) -> sesame::ParsedAccount {
    uri::parse(link).unwrap_or_else(|e| panic!("{link}: {e}"))
}

#[test]
fn every_otpauth_text_in_the_qr_corpus_parses() {
    let texts = corpus_texts();
    let otpauth: Vec<_> = texts
        .iter()
        .filter(|(_, t)| t.starts_with("otpauth://"))
        .collect();
    assert!(
        otpauth.len() >= 10,
        "only {} otpauth payloads",
        otpauth.len()
    );
    for (id, text) in otpauth {
        let parsed = ok(text);
        assert!(
            !parsed
                .warnings
                .iter()
                .any(|w| matches!(w, Warning::IssuerMismatch { .. })),
            "{id}"
        );
        assert!(parsed.account.otp().is_ok(), "{id}");
        let accounts = link::parse(text).unwrap();
        assert_eq!(accounts, vec![parsed.clone()], "{id}");
        // The canonical form reads back to the same account.
        assert_eq!(
            ok(&uri::format(&parsed.account)).account,
            parsed.account,
            "{id}"
        );

        let a = &parsed.account;
        match id.as_str() {
            "pub-basic-issuer" => {
                assert_eq!(a.issuer.as_deref(), Some("Northwind Traders"));
                assert_eq!(a.name, "maria.garcia@northwind.test");
                assert_eq!(a.params, Params::default());
            }
            "pub-defaults-80bit" => {
                assert_eq!(a.issuer, None);
                assert_eq!(a.name, "dana.kowalski@fabrikam.test");
                assert_eq!(parsed.warnings, vec![Warning::ShortSecret { bits: 80 }]);
            }
            "pub-sha256-8digits-60s" => {
                assert_eq!(a.params, Params::totp(Algorithm::SHA256, 8, 60));
            }
            "pub-sha512-15s" => {
                assert_eq!(a.params, Params::totp(Algorithm::SHA512, 8, 15));
            }
            "pub-hotp-sha1" => {
                assert_eq!(a.issuer.as_deref(), Some("Tailspin Toys"));
                assert_eq!(a.params, Params::hotp(Algorithm::SHA1, 6, 1234));
            }
            "pub-hotp-sha512-counter2e32" => {
                assert_eq!(a.params, Params::hotp(Algorithm::SHA512, 8, (1 << 32) + 5));
            }
            "pub-long-issuer-64byte-secret" => {
                assert_eq!(a.secret.as_bytes().len(), 64);
                assert!(a.issuer.as_deref().unwrap().ends_with("Division Seven"));
            }
            "pub-raw-utf8-label" => {
                assert_eq!(a.issuer.as_deref(), Some("Kasse"));
                assert_eq!(a.name, "Björn");
            }
            "pub-percent-utf8-greek" => {
                assert_eq!(a.issuer.as_deref(), Some("Τράπεζα Αθηνών"));
                assert_eq!(a.name, "Νίκος");
            }
            "pub-param-order-image" => {
                assert_eq!(a.issuer.as_deref(), Some("Litware"));
                assert_eq!(a.name, "j.smith");
                assert_eq!(a.params, Params::default());
            }
            other => panic!("a new corpus payload {other}: add its expectations here"),
        }
    }
}

#[test]
fn every_text_in_the_qr_corpus_is_a_link() {
    for (id, text) in corpus_texts() {
        let accounts = link::parse(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(!accounts.is_empty(), "{id}");
    }
}

#[test]
fn real_world_links() {
    // (link, issuer, name, params)
    let cases: &[(&str, Option<&str>, &str, Params)] = &[
        // Google's Key URI Format examples.
        (
            "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
            Some("Example"),
            "alice@google.com",
            Params::default(),
        ),
        (
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
            Some("ACME Co"),
            "john.doe@email.com",
            Params::default(),
        ),
        // GitHub.
        (
            "otpauth://totp/GitHub:octocat?secret=5W3RKLBFZ4XJW2QC&issuer=GitHub",
            Some("GitHub"),
            "octocat",
            Params::default(),
        ),
        // AWS virtual MFA devices.
        (
            "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=NZ4YR7WRJGBSC6NYMQYNPT5KJ7RKW3QHTB6BJLDZ3LR2UD5WE3KGLBW4AYJZVCJP&issuer=Amazon%20Web%20Services",
            Some("Amazon Web Services"),
            "alice@123456789012",
            Params::default(),
        ),
        // Issuer only in the label, lower-case spaced secret.
        (
            "otpauth://totp/Dropbox:bob%40example.com?secret=jbsw%20y3dp%20ehpk%203pxp",
            Some("Dropbox"),
            "bob@example.com",
            Params::default(),
        ),
        // Old Google style: no issuer at all.
        (
            "otpauth://totp/user@gmail.com?secret=JBSWY3DPEHPK3PXP",
            None,
            "user@gmail.com",
            Params::default(),
        ),
        // Form-encoded issuer (Python's urlencode, PHP's http_build_query).
        (
            "otpauth://totp/Contoso%20Ltd%3A%20eve?secret=JBSWY3DPEHPK3PXP&issuer=Contoso+Ltd",
            Some("Contoso Ltd"),
            "eve",
            Params::default(),
        ),
        // Aegis Steam export.
        (
            "otpauth://steam/Steam:gamer?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30",
            Some("Steam"),
            "gamer",
            Params::steam(),
        ),
        // 2FAS-style extra parameters.
        (
            "otpauth://totp/Mastodon:%40me%40mastodon.social?secret=JBSWY3DPEHPK3PXP&issuer=Mastodon&icon=mastodon&color=%236364FF&tags=social",
            Some("Mastodon"),
            "@me@mastodon.social",
            Params::default(),
        ),
        // HOTP (YubiKey OATH style).
        (
            "otpauth://hotp/Yubico:alice?secret=JBSWY3DPEHPK3PXP&issuer=Yubico&counter=0&digits=8",
            Some("Yubico"),
            "alice",
            Params::hotp(Algorithm::SHA1, 8, 0),
        ),
        // Padding left in the secret.
        (
            "otpauth://totp/Padded?secret=MFRGGZDFMZTWQ2LK%3D%3D%3D%3D%3D%3D",
            None,
            "Padded",
            Params::default(),
        ),
    ];
    for (text, issuer, name, params) in cases {
        let parsed = ok(text);
        assert_eq!(parsed.account.issuer.as_deref(), *issuer, "{text}");
        assert_eq!(parsed.account.name, *name, "{text}");
        assert_eq!(parsed.account.params, *params, "{text}");
    }
}

#[test]
fn links_give_the_rfc_6238_codes() {
    // RFC 6238 Appendix B seeds, at T = 59 s.
    let cases = [
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "SHA1", "94287082"),
        (
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA",
            "SHA256",
            "46119246",
        ),
        (
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA",
            "SHA512",
            "90693936",
        ),
    ];
    for (secret, algorithm, code) in cases {
        let text = format!("otpauth://totp/RFC?secret={secret}&algorithm={algorithm}&digits=8");
        let otp = ok(&text).account.otp().unwrap();
        assert_eq!(otp.code_at(59).as_str(), code, "{algorithm}");
    }
}

#[test]
fn mismatched_issuer_is_kept_with_a_warning() {
    let parsed = ok("otpauth://totp/Twitter:jack?secret=JBSWY3DPEHPK3PXP&issuer=X");
    assert_eq!(parsed.account.issuer.as_deref(), Some("X"));
    assert_eq!(parsed.account.name, "jack");
    let warning = parsed
        .warnings
        .iter()
        .find(|w| matches!(w, Warning::IssuerMismatch { .. }))
        .unwrap();
    assert_eq!(
        warning.to_string(),
        "the label says the issuer is \"Twitter\" but the issuer parameter says \"X\"; keeping \"X\""
    );
}

#[test]
fn link_errors_are_typed() {
    assert_eq!(
        link::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12"),
        Err(link::LinkError::Uri(UriError::InvalidDigits {
            value: "12".into()
        }))
    );
    assert_eq!(
        link::parse("otpauth://yubikey/x?secret=JBSWY3DPEHPK3PXP"),
        Err(link::LinkError::Uri(UriError::UnknownType {
            kind: "yubikey".into()
        }))
    );
}

fn text() -> impl Strategy<Value = String> {
    // Any printable text: colons, percent signs, plus signs, spaces, `?`, `&`, `#`, UTF-8.
    prop_oneof![
        "\\PC{0,24}",
        "[a-zA-Z0-9 :%+&?#=/@.-]{0,24}",
        Just(String::new()),
    ]
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::SHA1),
        Just(Algorithm::SHA256),
        Just(Algorithm::SHA512),
        Just(Algorithm::MD5),
    ]
}

/// Parameters a link can represent.
fn params() -> impl Strategy<Value = Params> {
    prop_oneof![
        (algorithm(), 6u8..=10, 1u64..).prop_map(|(a, d, p)| Params::totp(a, d, p)),
        (algorithm(), 6u8..=10, any::<u64>()).prop_map(|(a, d, c)| Params::hotp(a, d, c)),
        (1u64..).prop_map(|period| Params {
            kind: Kind::Steam { period },
            ..Params::steam()
        }),
    ]
}

fn account() -> impl Strategy<Value = Account> {
    (
        proptest::option::of(text()),
        text(),
        proptest::collection::vec(any::<u8>(), 1..64),
        params(),
    )
        .prop_map(|(issuer, name, secret, params)| Account {
            issuer,
            name,
            secret: Secret::from_bytes(secret),
            params,
        })
}

/// What parsing a formatted account gives: issuer and name trimmed, a blank issuer absent.
fn normalised(account: &Account) -> Account {
    account.normalized()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn format_then_parse_round_trips(account in account()) {
        let text = uri::format(&account);
        let parsed = uri::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&parsed.account, &normalised(&account), "{}", text);
        let mismatch = parsed.warnings.iter().any(|w| matches!(w, Warning::IssuerMismatch { .. }));
        prop_assert!(!mismatch, "{}", text);
        // Formatting is canonical: the parsed account formats to the same link.
        prop_assert_eq!(&uri::format(&parsed.account), &text);
        // And link::parse agrees.
        prop_assert_eq!(link::parse(&text).unwrap(), vec![parsed]);
    }

    #[test]
    fn unrepresentable_parameters_are_refused(account in account(), digits in prop_oneof![0u8..6, 11u8..]) {
        let mut bad = account.clone();
        if !matches!(bad.params.kind, Kind::Steam { .. }) {
            bad.params.digits = digits;
            prop_assert_eq!(
                uri::parse(&uri::format(&bad)).unwrap_err(),
                UriError::InvalidDigits { value: digits.to_string() }
            );
        }
        let mut bad = account.clone();
        if let Kind::Totp { period } | Kind::Steam { period } = &mut bad.params.kind {
            *period = 0;
            prop_assert_eq!(
                uri::parse(&uri::format(&bad)).unwrap_err(),
                UriError::InvalidPeriod { value: "0".into() }
            );
        }
        let empty = Account { secret: Secret::from_bytes(vec![]), ..account };
        prop_assert_eq!(uri::parse(&uri::format(&empty)).unwrap_err(), UriError::MissingSecret);
    }

    #[test]
    fn arbitrary_links_never_panic(rest in "\\PC{0,200}", kind in "(totp|hotp|steam|TOTP|x)?") {
        let _ = uri::parse(&format!("otpauth://{kind}/{rest}"));
        let _ = link::parse(&format!("otpauth://{kind}/{rest}"));
        let _ = uri::parse(&rest);
    }
}
