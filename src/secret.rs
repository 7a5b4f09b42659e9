//! Secret key bytes: zeroized on drop, lenient Base32 in, canonical Base32 out.
//!
//! Users paste secrets in every shape issuers print them: `JBSW Y3DP EHPK 3PXP`,
//! `jbsw-y3dp-ehpk-3pxp`, with or without `=` padding. [`Secret::from_base32`] accepts all
//! of them; [`Secret::to_base32`] always gives upper case, unpadded RFC 4648 Base32.
//! Imports use [`Secret::from_base32_lenient`], which also reads the one-character-too-long
//! secrets other authenticators accept.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// Secrets shorter than this many bits get a [`SecretWarning::Short`].
pub const RECOMMENDED_MIN_BITS: usize = 128;

/// Raw secret key bytes. Zeroized when dropped; `Debug` never prints them.
#[derive(Clone, Zeroize, zeroize::ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

/// Why a Base32 secret was refused. Never contains the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Nothing left after removing spaces, dashes and padding.
    #[error("the secret is empty")]
    Empty,
    /// A character outside the Base32 alphabet (A–Z, 2–7).
    #[error(
        "the secret is not valid Base32: character {position} is '{character}' (only letters A-Z and digits 2-7 are allowed)"
    )]
    InvalidCharacter {
        /// 1-based position in the cleaned-up input.
        position: usize,
        /// The offending character (a single character is not enough to leak a secret).
        character: char,
    },
    /// A length no Base32 encoder produces (1, 3 or 6 characters left over).
    #[error(
        "the secret is not valid Base32: {length} characters cannot be a whole number of bytes (is a character missing?)"
    )]
    InvalidLength {
        /// Number of Base32 characters after clean-up.
        length: usize,
    },
}

/// Something worth telling the user about a secret that is still accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretWarning {
    /// Shorter than [`RECOMMENDED_MIN_BITS`]; some real issuers still use 80-bit secrets.
    Short {
        /// Length of the secret in bits.
        bits: usize,
    },
    /// Its length left one partial character over, which [`Secret::from_base32_lenient`]
    /// dropped (as commons-codec and the apps built on it do).
    Trimmed {
        /// Number of Base32 characters before the last one was dropped.
        length: usize,
    },
}

impl fmt::Display for SecretWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretWarning::Short { bits } => write!(
                f,
                "the secret is only {bits} bits long; RFC 4226 asks for at least {RECOMMENDED_MIN_BITS}"
            ),
            SecretWarning::Trimmed { length } => write!(
                f,
                "the secret has {length} characters, one more than whole bytes need; its last character was dropped, as the app that exported it does"
            ),
        }
    }
}

impl Secret {
    /// Wraps raw bytes. Empty secrets are allowed here; OTP parameters refuse them.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    /// Parses Base32 leniently: spaces, tabs, dashes, lower case and `=` padding are accepted.
    ///
    /// A length no encoder produces (1, 3 or 6 characters over a multiple of 8) is refused:
    /// a person typing a secret can fix the typo.
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let cleaned = clean(text)?;
        if matches!(cleaned.len() % 8, 1 | 3 | 6) {
            return Err(SecretError::InvalidLength {
                length: cleaned.len(),
            });
        }
        decode(&cleaned)
    }

    /// Like [`from_base32`](Self::from_base32), but for secrets read from other apps' exports:
    /// a length 1, 3 or 6 characters over a multiple of 8 has its last character dropped,
    /// with a [`SecretWarning::Trimmed`]. That gives the bytes the exporting apps used
    /// (commons-codec and the decoders of 2FAS, Proton, Ente, LastPass and Stratum decode
    /// every character and discard the bits that do not fill a byte, and the last character
    /// holds only such bits).
    pub fn from_base32_lenient(text: &str) -> Result<(Self, Option<SecretWarning>), SecretError> {
        let mut cleaned = clean(text)?;
        let length = cleaned.len();
        if !matches!(length % 8, 1 | 3 | 6) {
            return Ok((decode(&cleaned)?, None));
        }
        if length == 1 {
            // Nothing would be left: not a secret.
            return Err(SecretError::InvalidLength { length });
        }
        cleaned.pop();
        Ok((decode(&cleaned)?, Some(SecretWarning::Trimmed { length })))
    }

    /// Canonical Base32: upper case, no padding, no spaces.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0))
    }

    /// Lower-case hexadecimal.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::HEXLOWER.encode(&self.0))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bits.
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }

    /// A warning when the secret is weaker than recommended (but still usable).
    pub fn warning(&self) -> Option<SecretWarning> {
        (self.bits() < RECOMMENDED_MIN_BITS).then_some(SecretWarning::Short { bits: self.bits() })
    }
}

/// Upper-case Base32 characters without spaces, tabs, dashes and `=`; never empty.
fn clean(text: &str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let mut cleaned: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(text.len()));
    for c in text.chars() {
        if c.is_whitespace() || c == '-' || c == '=' {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        if !matches!(upper, 'A'..='Z' | '2'..='7') {
            return Err(SecretError::InvalidCharacter {
                position: cleaned.len() + 1,
                character: c,
            });
        }
        cleaned.push(upper as u8);
    }
    if cleaned.is_empty() {
        return Err(SecretError::Empty);
    }
    Ok(cleaned)
}

/// Decodes cleaned Base32 of a length an encoder produces.
fn decode(cleaned: &[u8]) -> Result<Secret, SecretError> {
    // Trailing bits that are not zero are tolerated (some issuers produce them); the
    // permissive spec only relaxes that check.
    let mut spec = data_encoding::BASE32_NOPAD.specification();
    spec.check_trailing_bits = false;
    let encoding = spec
        .encoding()
        .map_err(|_| SecretError::InvalidLength { length: 0 })?;
    encoding
        .decode(cleaned)
        .map(Secret)
        .map_err(|e| SecretError::InvalidLength {
            length: e.position.max(cleaned.len()),
        })
}

impl PartialEq for Secret {
    /// Constant-time comparison.
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Secret {}

/// Serialized as canonical Base32 (only ever inside an encrypted vault or export).
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base32())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: Zeroizing<String> = Zeroizing::new(String::deserialize(deserializer)?);
        Secret::from_base32(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bits, redacted)", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_spaces_dashes_case_and_padding() {
        let canonical = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for variant in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP======",
            " JBSW\tY3DP\nEHPK 3PXP ",
        ] {
            assert_eq!(
                Secret::from_base32(variant).unwrap(),
                canonical,
                "{variant}"
            );
        }
        assert_eq!(canonical.as_bytes(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(&*canonical.to_base32(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn unpadded_partial_groups_decode() {
        // 10 bytes = 16 chars; 11 bytes = 18 chars (no padding), 1 byte = 2 chars.
        assert_eq!(Secret::from_base32("ME").unwrap().as_bytes(), b"a");
        assert_eq!(Secret::from_base32("MFRA").unwrap().as_bytes(), b"ab");
        assert_eq!(Secret::from_base32("MFRGG").unwrap().as_bytes(), b"abc");
        assert_eq!(Secret::from_base32("MFRGGZA").unwrap().as_bytes(), b"abcd");
    }

    #[test]
    fn refuses_bad_input_with_a_useful_error() {
        assert_eq!(Secret::from_base32(" - = "), Err(SecretError::Empty));
        assert_eq!(
            Secret::from_base32("JBSW1Y3D"),
            Err(SecretError::InvalidCharacter {
                position: 5,
                character: '1'
            })
        );
        assert_eq!(
            Secret::from_base32("JBSWY3DPE"),
            Err(SecretError::InvalidLength { length: 9 })
        );
        assert!(Secret::from_base32("JBSWY3DPEHPK3PXPé").is_err());
        let message = Secret::from_base32("JBSW0").unwrap_err().to_string();
        assert!(
            message.contains("'0'") && message.contains("A-Z"),
            "{message}"
        );
    }

    /// Decodes like commons-codec: every character's 5 bits in order, whole bytes kept,
    /// the bits left over dropped.
    fn decode_keeping_whole_bytes(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let (mut bytes, mut buffer, mut bits) = (Vec::new(), 0u32, 0);
        for c in text.bytes() {
            let value = ALPHABET.iter().position(|&a| a == c).unwrap();
            buffer = (buffer << 5) | u32::try_from(value).unwrap();
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push(u8::try_from((buffer >> bits) & 0xFF).unwrap());
            }
        }
        bytes
    }

    #[test]
    fn lenient_drops_the_dangling_character_of_each_impossible_length() {
        // (input, its cleaned length, the bytes commons-codec gives), worked out by hand:
        // 9 chars = 45 bits -> 5 bytes, as 8 chars; 11 = 55 -> 6, as 10; 14 = 70 -> 8, as
        // 13; 17 = 85 -> 10, as 16; 19 = 95 -> 11, as 18; 22 = 110 -> 13, as 21.
        let cases: [(&str, usize, &[u8]); 7] = [
            ("MFRGGZDF7", 9, b"abcde"),
            ("MFRGGZDFMY7", 11, b"abcdef"),
            ("MFRGGZDFMZTWQA", 14, b"abcdefgh"),
            ("JBSWY3DPEHPK3PXPA", 17, b"Hello!\xde\xad\xbe\xef"),
            ("jbsw-y3dp-ehpk-3pxp-7", 17, b"Hello!\xde\xad\xbe\xef"),
            ("MFRGGZDFMZTWQ2LKNM7", 19, b"abcdefghijk"),
            ("MFRGGZDFMZTWQ2LKNNWG2Q", 22, b"abcdefghijklm"),
        ];
        for (text, length, bytes) in cases {
            let (secret, warning) = Secret::from_base32_lenient(text).unwrap();
            assert_eq!(secret.as_bytes(), bytes, "{text}");
            assert_eq!(warning, Some(SecretWarning::Trimmed { length }), "{text}");
            // The strict decoder still refuses it.
            assert_eq!(
                Secret::from_base32(text),
                Err(SecretError::InvalidLength { length }),
                "{text}"
            );
        }
    }

    #[test]
    fn lenient_matches_a_decoder_that_drops_leftover_bits() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for length in 2..=40 {
            let text: String = alphabet.chars().cycle().skip(length).take(length).collect();
            let (secret, warning) = Secret::from_base32_lenient(&text).unwrap();
            assert_eq!(
                secret.as_bytes(),
                decode_keeping_whole_bytes(&text),
                "{text}"
            );
            assert_eq!(warning.is_some(), matches!(length % 8, 1 | 3 | 6), "{text}");
        }
    }

    #[test]
    fn lenient_leaves_valid_lengths_alone_and_still_refuses_bad_input() {
        for text in [
            "JBSWY3DPEHPK3PXP",
            "jbsw y3dp ehpk 3pxp ==",
            "MFRGGZDFMZTWQ2LKNM",
        ] {
            let (secret, warning) = Secret::from_base32_lenient(text).unwrap();
            assert_eq!(secret, Secret::from_base32(text).unwrap(), "{text}");
            assert_eq!(warning, None, "{text}");
        }
        assert_eq!(
            Secret::from_base32_lenient(" - = "),
            Err(SecretError::Empty)
        );
        assert_eq!(
            Secret::from_base32_lenient("JBSW1Y3DA"),
            Err(SecretError::InvalidCharacter {
                position: 5,
                character: '1'
            })
        );
        // One character alone holds no byte at all.
        assert_eq!(
            Secret::from_base32_lenient("A"),
            Err(SecretError::InvalidLength { length: 1 })
        );
        let warning = SecretWarning::Trimmed { length: 17 }.to_string();
        assert_eq!(
            warning,
            "the secret has 17 characters, one more than whole bytes need; its last character was dropped, as the app that exported it does"
        );
    }

    #[test]
    fn short_secrets_warn_but_work() {
        let eighty = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(eighty.warning(), Some(SecretWarning::Short { bits: 80 }));
        let full = Secret::from_bytes(vec![7; 20]);
        assert_eq!(full.warning(), None);
    }

    #[test]
    fn debug_never_shows_bytes() {
        let s = Secret::from_bytes(b"super secret".to_vec());
        let shown = format!("{s:?}");
        assert!(!shown.contains("super"), "{shown}");
        assert!(shown.contains("96 bits"));
    }

    #[test]
    fn serde_uses_base32() {
        let s = Secret::from_bytes(b"Hello!\xde\xad\xbe\xef".to_vec());
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"JBSWY3DPEHPK3PXP\"");
        assert_eq!(serde_json::from_str::<Secret>(&json).unwrap(), s);
        assert!(serde_json::from_str::<Secret>("\"0000\"").is_err());
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(&*Secret::from_bytes(vec![0xAB, 0x01]).to_hex(), "ab01");
    }
}
