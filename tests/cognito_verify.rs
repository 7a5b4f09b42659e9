//! Token verification against a JWKS served from a real local HTTP server: every forged or
//! wrong token is rejected with its own error, and unknown key ids refetch the JWKS at most
//! once per interval. Keys: `tests/data/cognito/test-keys.json` (test-only RSA keys).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sesame::clock::FixedClock;
use sesame::cognito::{Jwks, TokenError, TokenUse, TokenVerifier};

const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool";
const CLIENT: &str = "testclient123";
const NOW: u64 = 1_800_000_000;

struct Key {
    kid: String,
    private_pem: String,
    public_pem: String,
    jwk: Value,
}

fn keys() -> Vec<Key> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cognito/test-keys.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| Key {
            kid: k["kid"].as_str().unwrap().to_owned(),
            private_pem: k["private_pem"].as_str().unwrap().to_owned(),
            public_pem: k["public_pem"].as_str().unwrap().to_owned(),
            jwk: json!({"kty": "RSA", "alg": "RS256", "use": "sig",
                        "kid": k["kid"], "n": k["n"], "e": k["e"]}),
        })
        .collect()
}

/// A JWKS server on loopback whose document can change, counting requests.
struct JwksServer {
    url: String,
    body: Arc<Mutex<String>>,
    hits: Arc<AtomicUsize>,
}

impl JwksServer {
    fn start(keys: &[&Key]) -> JwksServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/eu-west-1_TestPool/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let body = Arc::new(Mutex::new(String::new()));
        let hits = Arc::new(AtomicUsize::new(0));
        let server = JwksServer {
            url,
            body: body.clone(),
            hits: hits.clone(),
        };
        server.serve(keys);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                read_request_head(&stream);
                hits.fetch_add(1, Ordering::SeqCst);
                let body = body.lock().unwrap().clone();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        server
    }

    fn serve(&self, keys: &[&Key]) {
        let doc = json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
        *self.body.lock().unwrap() = doc.to_string();
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn verifier(url: &str, refetch: Duration) -> TokenVerifier {
    TokenVerifier::new(
        ISSUER,
        CLIENT,
        Arc::new(Jwks::with_refetch_interval(url, refetch)),
        Arc::new(FixedClock::at_ms(NOW * 1000)),
        30,
    )
}

fn id_claims() -> Value {
    json!({
        "sub": "5f1c0a6e-1111-2222-3333-444455556666",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "cognito:username": "alice",
        "email": "alice@example.com",
        "iat": NOW - 60,
        "auth_time": NOW - 60,
        "exp": NOW + 3600,
    })
}

fn access_claims() -> Value {
    json!({
        "sub": "5f1c0a6e-1111-2222-3333-444455556666",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "username": "alice",
        "iat": NOW - 60,
        "exp": NOW + 3600,
    })
}

fn sign(key: &Key, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(key.private_pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn good_tokens_verify_and_each_bad_one_has_its_own_error() {
    let keys = keys();
    let server = JwksServer::start(&[&keys[0]]);
    let v = verifier(&server.url, Duration::from_secs(3600));
    let key = &keys[0];
    rt().block_on(async {
        let claims = v
            .verify(&sign(key, &id_claims()), TokenUse::Id)
            .await
            .unwrap();
        assert_eq!(claims.username(), Some("alice"));
        assert_eq!(claims.str("email"), Some("alice@example.com"));
        let access = v
            .verify(&sign(key, &access_claims()), TokenUse::Access)
            .await
            .unwrap();
        assert_eq!(access.str("scope"), Some("aws.cognito.signin.user.admin"));

        let check = |token: String, use_: TokenUse| {
            let v = v.clone();
            async move { v.verify(&token, use_).await.unwrap_err() }
        };

        // A tampered signature, and a tampered payload under the original signature.
        let good = sign(key, &id_claims());
        let (signed, sig) = good.rsplit_once('.').unwrap();
        let mut sig_bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
        sig_bytes[10] ^= 0x01;
        let tampered_sig = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&sig_bytes));
        assert_eq!(
            check(tampered_sig, TokenUse::Id).await,
            TokenError::BadSignature
        );
        let (head, _) = signed.split_once('.').unwrap();
        let forged_payload = format!(
            "{head}.{}.{sig}",
            b64(&with(id_claims(), "cognito:username", json!("mallory")))
        );
        assert_eq!(
            check(forged_payload, TokenUse::Id).await,
            TokenError::BadSignature
        );

        // alg: none, with and without a signature.
        let none_head = b64(&json!({"alg": "none", "kid": key.kid}));
        let none = format!("{none_head}.{}.", b64(&id_claims()));
        assert_eq!(
            check(none, TokenUse::Id).await,
            TokenError::Algorithm { alg: "none".into() }
        );
        let none_alg_case = format!(
            "{}.{}.",
            b64(&json!({"alg": "None", "kid": key.kid})),
            b64(&id_claims())
        );
        assert!(matches!(
            check(none_alg_case, TokenUse::Id).await,
            TokenError::Algorithm { .. }
        ));

        // HS256 "signed" with the public key as the HMAC secret (the key-confusion attack).
        let hs_head = b64(&json!({"alg": "HS256", "typ": "JWT", "kid": key.kid}));
        let hs_input = format!("{hs_head}.{}", b64(&id_claims()));
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(key.public_pem.as_bytes()).unwrap();
        mac.update(hs_input.as_bytes());
        let hs = format!(
            "{hs_input}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        );
        assert_eq!(
            check(hs, TokenUse::Id).await,
            TokenError::Algorithm {
                alg: "HS256".into()
            }
        );

        // No kid, and a kid the pool does not publish.
        let no_kid = jsonwebtoken::encode(
            &Header::new(Algorithm::RS256),
            &id_claims(),
            &EncodingKey::from_rsa_pem(key.private_pem.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(check(no_kid, TokenUse::Id).await, TokenError::MissingKeyId);
        assert_eq!(
            check(sign(&keys[1], &id_claims()), TokenUse::Id).await,
            TokenError::UnknownKey {
                kid: "test-key-2".into()
            }
        );
        // Signed by another key but claiming the pool's kid.
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(key.kid.clone());
        let impostor = jsonwebtoken::encode(
            &header,
            &id_claims(),
            &EncodingKey::from_rsa_pem(keys[1].private_pem.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(
            check(impostor, TokenUse::Id).await,
            TokenError::BadSignature
        );

        // Time: expired (beyond the 30 s grace), within the grace, not yet valid.
        assert_eq!(
            check(
                sign(key, &with(id_claims(), "exp", json!(NOW - 31))),
                TokenUse::Id
            )
            .await,
            TokenError::Expired {
                expired_at: NOW - 31
            }
        );
        v.verify(
            &sign(key, &with(id_claims(), "exp", json!(NOW - 29))),
            TokenUse::Id,
        )
        .await
        .unwrap();
        assert_eq!(
            check(
                sign(key, &with(id_claims(), "nbf", json!(NOW + 300))),
                TokenUse::Id
            )
            .await,
            TokenError::NotYetValid {
                not_before: NOW + 300
            }
        );

        // Issuer, token use, audience, client id.
        let other_pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other";
        assert_eq!(
            check(
                sign(key, &with(id_claims(), "iss", json!(other_pool))),
                TokenUse::Id
            )
            .await,
            TokenError::Issuer {
                expected: ISSUER.into(),
                found: other_pool.into()
            }
        );
        assert_eq!(
            check(sign(key, &id_claims()), TokenUse::Access).await,
            TokenError::TokenUse {
                expected: "access",
                found: "id".into()
            }
        );
        assert_eq!(
            check(sign(key, &access_claims()), TokenUse::Id).await,
            TokenError::TokenUse {
                expected: "id",
                found: "access".into()
            }
        );
        assert_eq!(
            check(
                sign(key, &with(id_claims(), "aud", json!("otherclient"))),
                TokenUse::Id
            )
            .await,
            TokenError::Audience {
                expected: CLIENT.into(),
                found: "otherclient".into()
            }
        );
        assert_eq!(
            check(
                sign(
                    key,
                    &with(access_claims(), "client_id", json!("otherclient"))
                ),
                TokenUse::Access
            )
            .await,
            TokenError::ClientId {
                expected: CLIENT.into(),
                found: "otherclient".into()
            }
        );
        let mut no_exp = id_claims();
        no_exp.as_object_mut().unwrap().remove("exp");
        assert_eq!(
            check(sign(key, &no_exp), TokenUse::Id).await,
            TokenError::MissingClaim { claim: "exp" }
        );

        // Garbage.
        for junk in ["", "a.b", "a.b.c.d", "!!!.e30.", "e30.e30.e30"] {
            assert!(
                matches!(
                    check(junk.to_owned(), TokenUse::Id).await,
                    TokenError::Malformed { .. } | TokenError::Algorithm { .. }
                ),
                "{junk}"
            );
        }
    });
    // One fetch served every check, including the unknown kid (the pool's keys were just
    // fetched, so it was not fetched again).
    assert_eq!(server.hits(), 1);
}

#[test]
fn an_unknown_kid_refetches_at_most_once_per_interval() {
    let keys = keys();
    let server = JwksServer::start(&[&keys[0]]);
    let rotated = sign(&keys[1], &id_claims());
    rt().block_on(async {
        // Limit of an hour: the first verification fetches; unknown kids after it do not.
        let slow = verifier(&server.url, Duration::from_secs(3600));
        slow.verify(&sign(&keys[0], &id_claims()), TokenUse::Id)
            .await
            .unwrap();
        assert_eq!(slow.jwks().fetches().await, 1);
        server.serve(&[&keys[0], &keys[1]]);
        for _ in 0..20 {
            assert!(matches!(
                slow.verify(&rotated, TokenUse::Id).await,
                Err(TokenError::UnknownKey { .. })
            ));
        }
        assert_eq!(slow.jwks().fetches().await, 1);
        assert_eq!(server.hits(), 1);

        // Without a limit, an unknown kid refetches and finds the rotated key.
        let eager = verifier(&server.url, Duration::ZERO);
        eager.verify(&rotated, TokenUse::Id).await.unwrap();
        assert_eq!(eager.jwks().fetches().await, 1);
        let stranger = {
            let mut header = Header::new(Algorithm::RS256);
            header.kid = Some("nobody".into());
            jsonwebtoken::encode(
                &header,
                &id_claims(),
                &EncodingKey::from_rsa_pem(keys[1].private_pem.as_bytes()).unwrap(),
            )
            .unwrap()
        };
        for expected in 2..=4 {
            assert!(matches!(
                eager.verify(&stranger, TokenUse::Id).await,
                Err(TokenError::UnknownKey { .. })
            ));
            assert_eq!(eager.jwks().fetches().await, expected);
        }
    });
}

#[test]
fn an_unreachable_jwks_is_its_own_error() {
    let keys = keys();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let v = verifier(
        &format!("http://127.0.0.1:{port}/jwks.json"),
        Duration::from_secs(3600),
    );
    let err = rt()
        .block_on(v.verify(&sign(&keys[0], &id_claims()), TokenUse::Id))
        .unwrap_err();
    assert!(matches!(err, TokenError::Jwks { .. }), "{err:?}");
    assert!(err.to_string().contains("signing keys"));
}

/// Reads a request's head (up to the blank line) from `stream`; the body, if any, is left.
fn read_request_head(stream: &TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" {
            break;
        }
        line.clear();
    }
}

/// A server on loopback that answers every request with a redirect to `to`.
fn redirector(to: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let to = to.to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            read_request_head(&stream);
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    url
}

#[test]
fn a_jwks_redirect_is_not_followed() {
    let keys = keys();
    let server = JwksServer::start(&[&keys[0]]);
    let v = verifier(&redirector(&server.url), Duration::from_secs(3600));
    let err = rt()
        .block_on(v.verify(&sign(&keys[0], &id_claims()), TokenUse::Id))
        .unwrap_err();
    assert!(matches!(err, TokenError::Jwks { .. }), "{err:?}");
    assert!(err.to_string().contains("302"), "{err}");
    assert_eq!(server.hits(), 0);
}

#[test]
fn a_plain_http_jwks_off_loopback_is_never_fetched() {
    let keys = keys();
    // Not contacted: refused before any connection (a TEST-NET address that would hang).
    let v = verifier(
        "http://192.0.2.1/eu-west-1_TestPool/.well-known/jwks.json",
        Duration::from_secs(3600),
    );
    let started = std::time::Instant::now();
    let err = rt()
        .block_on(v.verify(&sign(&keys[0], &id_claims()), TokenUse::Id))
        .unwrap_err();
    assert!(matches!(err, TokenError::Jwks { .. }), "{err:?}");
    assert!(err.to_string().contains("plain HTTP"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
}
