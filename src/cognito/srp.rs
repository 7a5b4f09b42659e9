//! The client side of Cognito's SRP-6a (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`): 3072-bit
//! group, SHA-256, HKDF to a 16-byte key, and an HMAC over the pool name, user id, secret
//! block and a timestamp.
//!
//! Written here rather than taken from `aws-cognito-srp` because that crate reads the
//! system clock for the timestamp; Cognito refuses proofs whose timestamp is minutes off,
//! so the timestamp must come from Sesame's corrected [`Clock`](crate::clock::Clock). The
//! arithmetic follows amazon-cognito-identity-js (`AuthenticationHelper`), and the unit tests
//! check it against `aws-cognito-srp`'s published vector.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{KeyInit, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

type HmacSha256 = hmac::Hmac<Sha256>;

/// RFC 5054's 3072-bit group, as Cognito uses it.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

static N: LazyLock<BigUint> = LazyLock::new(|| {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("the SRP prime is valid hex")
});
static G: LazyLock<BigUint> = LazyLock::new(|| BigUint::from(2u8));
/// k = H(pad(N) | pad(g)).
static K: LazyLock<BigUint> = LazyLock::new(|| hash_to_int(&[&pad(&N), &pad(&G)]));

const DERIVE_INFO: &[u8] = b"Caldera Derived Key\x01";
/// Bytes of the client's secret exponent `a`.
const SECRET_LEN: usize = 128;

/// Why an SRP answer cannot be computed; all mean Cognito's challenge was malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    /// A parameter that is not hex.
    #[error("the PASSWORD_VERIFIER challenge has a {0} that is not hexadecimal")]
    NotHex(&'static str),
    /// The server's B is 0 mod N (which would make the key predictable).
    #[error("the PASSWORD_VERIFIER challenge has an invalid SRP_B")]
    BadB,
    /// u = H(A|B) came out 0.
    #[error("the PASSWORD_VERIFIER challenge cannot be answered (u = 0)")]
    ZeroU,
    /// The secret block is not Base64.
    #[error("the PASSWORD_VERIFIER challenge has a SECRET_BLOCK that is not Base64")]
    BadSecretBlock,
}

/// Big-endian bytes, with a leading zero byte when the top bit is set (as the SDKs hash
/// numbers: always positive).
fn pad(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        let mut padded = Vec::with_capacity(bytes.len() + 1);
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    } else {
        bytes
    }
}

/// [`pad`] for a secret value: the big-endian bytes and the padded copy are both zeroized
/// when dropped.
fn pad_secret(n: &BigUint) -> Zeroizing<Vec<u8>> {
    let bytes = Zeroizing::new(n.to_bytes_be());
    let mut padded = Zeroizing::new(Vec::with_capacity(bytes.len() + 1));
    if bytes[0] & 0x80 != 0 {
        padded.push(0);
    }
    padded.extend_from_slice(&bytes);
    padded
}

fn digest(parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    Zeroizing::new(h.finalize().into())
}

fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&digest(parts)[..])
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn parse_hex(text: &str, what: &'static str) -> Result<BigUint, SrpError> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SrpError::NotHex(what));
    }
    BigUint::parse_bytes(text.as_bytes(), 16).ok_or(SrpError::NotHex(what))
}

/// One SRP exchange: the secret `a` and public `A = g^a mod N`. Make a new one per sign-in.
pub struct SrpClient {
    pool_name: String,
    a: Zeroizing<Vec<u8>>,
    big_a: BigUint,
}

impl std::fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrpClient")
            .field("pool_name", &self.pool_name)
            .finish_non_exhaustive()
    }
}

/// The `PASSWORD_VERIFIER` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrpProof {
    /// `TIMESTAMP`, e.g. `Tue Feb 4 09:05:03 UTC 2025`.
    pub timestamp: String,
    /// `PASSWORD_CLAIM_SIGNATURE`, Base64.
    pub signature: String,
}

impl SrpClient {
    /// A fresh exchange for the pool whose id ends in `pool_name` (`REGION_pool_name`).
    pub fn new(pool_name: &str) -> Self {
        loop {
            let mut a = Zeroizing::new(vec![0u8; SECRET_LEN]);
            getrandom::fill(&mut a).expect("the operating system's random source failed");
            if let Some(client) = Self::with_secret(pool_name, &a) {
                return client;
            }
        }
    }

    /// An exchange with a given secret `a` (tests, known-answer vectors); `None` in the
    /// negligible case that `A` would be 0 mod N.
    pub fn with_secret(pool_name: &str, a: &[u8]) -> Option<Self> {
        let big_a = G.modpow(&BigUint::from_bytes_be(a), &N);
        if big_a == BigUint::ZERO {
            return None;
        }
        Some(SrpClient {
            pool_name: pool_name.to_owned(),
            a: Zeroizing::new(a.to_vec()),
            big_a,
        })
    }

    /// `SRP_A` for `InitiateAuth`, in hex.
    pub fn public_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// Answers the `PASSWORD_VERIFIER` challenge at `unix_secs` (Cognito compares the
    /// timestamp with its own clock). `user_id` is the challenge's `USER_ID_FOR_SRP`.
    pub fn prove(
        &self,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        b_hex: &str,
        secret_block: &str,
        unix_secs: u64,
    ) -> Result<SrpProof, SrpError> {
        let b = parse_hex(b_hex, "SRP_B")?;
        if (&b % &*N) == BigUint::ZERO {
            return Err(SrpError::BadB);
        }
        let salt = parse_hex(salt_hex, "SALT")?;
        let block = BASE64
            .decode(secret_block.trim())
            .map_err(|_| SrpError::BadSecretBlock)?;
        let u = hash_to_int(&[&pad(&self.big_a), &pad(&b)]);
        if u == BigUint::ZERO {
            return Err(SrpError::ZeroU);
        }
        let identity: Zeroizing<[u8; 32]> = Zeroizing::new(
            Sha256::new()
                .chain_update(self.pool_name.as_bytes())
                .chain_update(user_id.as_bytes())
                .chain_update(b":")
                .chain_update(password.as_bytes())
                .finalize()
                .into(),
        );
        // Every byte buffer derived from the password is zeroized on drop. The big integers
        // (x, the exponent, S) cannot be: num-bigint offers no zeroizing, and its
        // arithmetic leaves copies in buffers it frees. They live only for this call.
        let x = hash_to_int(&[&pad(&salt), &identity[..]]);
        // S = (B - k·g^x)^(a + u·x) mod N, with the base reduced into [0, N).
        let k_gx = (&*K * G.modpow(&x, &N)) % &*N;
        let base = ((&b % &*N) + &*N - k_gx) % &*N;
        let exponent = BigUint::from_bytes_be(&self.a) + &u * &x;
        let s = base.modpow(&exponent, &N);
        let s_bytes = pad_secret(&s);
        let prk = Zeroizing::new(hmac(&pad(&u), &[&s_bytes]));
        let okm = Zeroizing::new(hmac(&prk[..], &[DERIVE_INFO]));
        let timestamp = timestamp(unix_secs);
        let signature = hmac(
            &okm[..16],
            &[
                self.pool_name.as_bytes(),
                user_id.as_bytes(),
                &block,
                timestamp.as_bytes(),
            ],
        );
        Ok(SrpProof {
            timestamp,
            signature: BASE64.encode(signature),
        })
    }
}

/// Cognito's SRP timestamp: `EEE MMM d HH:mm:ss 'UTC' yyyy` in English, the day unpadded.
pub fn timestamp(unix_secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_secs / 86_400;
    let secs = unix_secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{} {} {} {:02}:{:02}:{:02} UTC {}",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        year
    )
}

/// Days since 1970-01-01 to (year, month 1–12, day 1–31), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_padding_matches_public_padding_in_zeroizing_buffers() {
        for n in [
            BigUint::from(1u8),
            BigUint::from(0x7fu8),
            BigUint::from(0x80u8),
            BigUint::from(0xffffu32),
            N.clone(),
        ] {
            let secret: Zeroizing<Vec<u8>> = pad_secret(&n);
            assert_eq!(*secret, pad(&n), "{n}");
        }
        let hashed: Zeroizing<[u8; 32]> = digest(&[b"a", b"b"]);
        assert_eq!(
            BigUint::from_bytes_be(&hashed[..]),
            hash_to_int(&[b"ab"]),
            "parts are hashed in order"
        );
    }

    #[test]
    fn timestamps_read_like_cognito_wants_them() {
        assert_eq!(timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        // 2025-02-10 18:30:12 UTC, the time of aws-cognito-srp's vector.
        assert_eq!(timestamp(1_739_212_212), "Mon Feb 10 18:30:12 UTC 2025");
        assert_eq!(timestamp(1_709_164_800), "Thu Feb 29 00:00:00 UTC 2024");
        assert_eq!(timestamp(4_102_444_799), "Thu Dec 31 23:59:59 UTC 2099");
        assert_eq!(timestamp(951_782_400), "Tue Feb 29 00:00:00 UTC 2000");
    }

    /// The known-answer vector from `aws-cognito-srp` 0.2.6 (`src/client/user.rs`, MIT):
    /// a = 0x01 × 128, pool `us-west-2_abc`, user `test`, password `password`.
    #[test]
    fn matches_aws_cognito_srp_vector() {
        let client = SrpClient::with_secret("abc", &[1u8; 128]).unwrap();
        assert!(
            client
                .public_a()
                .starts_with("b1ce118779e27c1c015d7a226ecae2ea1fcd0170")
        );
        let proof = client
            .prove(
                "user_id",
                "password",
                "36ef01c6dde9fe503da333b1acc758ba",
                "36ef01c6dde9fe503da333b1acc758ba",
                "9ae77ec7154c14dcc487b47707fee4b4920cb96d8a8c045e4c8df879a7b375524aa736acdec6c9ad4ea606774d00621b",
                1_739_212_212,
            )
            .unwrap();
        assert_eq!(proof.timestamp, "Mon Feb 10 18:30:12 UTC 2025");
        assert_eq!(
            proof.signature,
            "apNSb5GZpJciVc6cVNkDf4elCMoWUZcH4aukLlMPiFA="
        );
    }

    #[test]
    fn hostile_challenges_are_refused() {
        let client = SrpClient::new("abc");
        let block = BASE64.encode([7u8; 48]);
        let prove = |b: &str, salt: &str, block: &str| {
            client.prove("u", "p", salt, b, block, 0).unwrap_err()
        };
        assert_eq!(prove("zz", "01", &block), SrpError::NotHex("SRP_B"));
        assert_eq!(prove("", "01", &block), SrpError::NotHex("SRP_B"));
        assert_eq!(prove(N_HEX, "01", &block), SrpError::BadB);
        assert_eq!(prove("0", "01", &block), SrpError::BadB);
        assert_eq!(prove("02", "xyz", &block), SrpError::NotHex("SALT"));
        assert_eq!(prove("02", "01", "***"), SrpError::BadSecretBlock);
    }

    #[test]
    fn each_exchange_has_its_own_a() {
        assert_ne!(
            SrpClient::new("p").public_a(),
            SrpClient::new("p").public_a()
        );
    }
}
