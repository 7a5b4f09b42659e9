//! An encrypted vault's header: its password slots, checked before any password is asked
//! for, and opening the contents with a password.

use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::super::{ImportError, json, limits};
use super::{
    FORMAT, GcmParams, Header, HexParams, KEY_LEN, MAX_PASSWORD_SLOTS, PASSWORD_SLOT, damaged,
    gcm_open, hex_array,
};

/// A password slot as the file has it.
#[derive(Deserialize)]
struct PasswordSlotJson {
    key: String,
    key_params: HexParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    #[serde(default)]
    repaired: bool,
}

/// A password slot, checked and decoded.
struct PasswordSlot {
    wrapped_key: [u8; KEY_LEN],
    params: GcmParams,
    scrypt: scrypt::Params,
    salt: Vec<u8>,
    repaired: bool,
}

/// An encrypted vault, checked before any password is asked for: its password slots, the
/// contents' nonce and tag, and the ciphertext.
pub(super) struct Sealed {
    slots: Vec<PasswordSlot>,
    params: GcmParams,
    ciphertext: Vec<u8>,
}

impl Sealed {
    pub(super) fn new(header: Header, ciphertext: &str) -> Result<Self, ImportError> {
        let (Some(slots), Some(params)) = (header.slots, header.params) else {
            return Err(damaged(
                "the contents are encrypted but the header has no slots or no parameters",
            ));
        };
        let params = GcmParams::new(&params, "contents")?;
        let cleaned: Vec<u8> = ciphertext
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(&cleaned)
            .map_err(|_| damaged("the encrypted contents are not Base64"))?;
        let mut password_slots = Vec::new();
        let mut too_costly = None;
        for slot in slots {
            // Biometric slots (type 2) need the phone's keystore. The type is a number;
            // GNOME Authenticator once wrote it as text.
            let kind = slot.get("type").and_then(|t| match t {
                Value::String(text) => text.trim().parse().ok(),
                other => other.as_u64(),
            });
            if kind != Some(PASSWORD_SLOT) {
                continue;
            }
            let slot: PasswordSlotJson = json::from_value(FORMAT, slot)?;
            match PasswordSlot::new(slot) {
                Ok(slot) => password_slots.push(slot),
                Err(e @ ImportError::TooCostly { .. }) => too_costly = Some(e),
                Err(e) => return Err(e),
            }
        }
        if password_slots.len() > MAX_PASSWORD_SLOTS {
            return Err(ImportError::TooCostly {
                format: FORMAT,
                what: format!("{} password slots", password_slots.len()),
                limit: format!("{MAX_PASSWORD_SLOTS} slots"),
            });
        }
        if password_slots.is_empty() {
            return Err(too_costly.unwrap_or_else(|| ImportError::Unsupported {
                format: FORMAT,
                reason: "it has no password slot: it opens only with the fingerprint of the phone that made it (export it again from Aegis with a password)".into(),
            }));
        }
        Ok(Sealed {
            slots: password_slots,
            params,
            ciphertext,
        })
    }

    /// The contents, opened with `password` through the first password slot it opens.
    pub(super) fn open(&self, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
        let master_key = self
            .slots
            .iter()
            .find_map(|slot| slot.unwrap(password))
            .ok_or(ImportError::WrongPassword(FORMAT))?;
        gcm_open(&master_key, &self.params, &self.ciphertext).ok_or_else(|| {
            damaged("the password opens it, but the encrypted contents were changed")
        })
    }
}

impl PasswordSlot {
    fn new(slot: PasswordSlotJson) -> Result<Self, ImportError> {
        if slot.n < 2 || !slot.n.is_power_of_two() {
            return Err(damaged(
                "a password slot's scrypt N is not a power of two above 1",
            ));
        }
        limits::scrypt(FORMAT, slot.n, slot.r, slot.p)?;
        let log_n = u8::try_from(slot.n.trailing_zeros()).unwrap_or(u8::MAX);
        let scrypt = scrypt::Params::new(log_n, slot.r, slot.p)
            .map_err(|_| damaged("a password slot has invalid scrypt parameters"))?;
        Ok(PasswordSlot {
            wrapped_key: hex_array(&slot.key, "slot key")?,
            params: GcmParams::new(&slot.key_params, "slot key")?,
            scrypt,
            salt: data_encoding::HEXLOWER_PERMISSIVE
                .decode(slot.salt.as_bytes())
                .map_err(|_| damaged("a password slot's salt is not hexadecimal"))?,
            repaired: slot.repaired,
        })
    }

    /// The master key, when `password` opens this slot.
    fn unwrap(&self, password: &str) -> Option<Zeroizing<[u8; KEY_LEN]>> {
        let opened = self.unwrap_with(password.as_bytes()).or_else(|| {
            // Slots Aegis has not "repaired" may have been wrapped under the bytes an old
            // Aegis took from a password (issue #95 there): zero-padded, which only changes
            // the key past 64 bytes (an HMAC key block).
            let legacy = legacy_password_bytes(password);
            (!self.repaired && legacy.len() > 64 && *legacy != password.as_bytes())
                .then(|| self.unwrap_with(&legacy))
                .flatten()
        })?;
        let key: [u8; KEY_LEN] = opened.as_slice().try_into().ok()?;
        Some(Zeroizing::new(key))
    }

    fn unwrap_with(&self, password: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        scrypt::scrypt(password, &self.salt, &self.scrypt, key.as_mut()).ok()?;
        gcm_open(&key, &self.params, &self.wrapped_key)
    }
}

/// The bytes Aegis before its fix for issue #95 took from a password: Java's
/// `UTF_8.encode(CharBuffer)` backing array, which is the UTF-8 followed by zeros up to the
/// buffer's capacity (`⌊1.1 × UTF-16 length⌋`, doubled plus one until the text fits).
fn legacy_password_bytes(password: &str) -> Zeroizing<Vec<u8>> {
    let utf16_len = password.encode_utf16().count();
    // Java computes this in `float`.
    let mut capacity = (utf16_len as f32 * 1.1_f32) as usize;
    while capacity < password.len() {
        capacity = 2 * capacity + 1;
    }
    let mut bytes = Zeroizing::new(password.as_bytes().to_vec());
    bytes.resize(capacity, 0);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto;
    use crate::import::aegis::write::password_slot;

    #[test]
    fn legacy_bytes_pad_as_java_did() {
        // ⌊4 × 1.1⌋ = 4: no padding.
        assert_eq!(*legacy_password_bytes("test"), b"test");
        // 70 characters: a 77-byte buffer.
        let long = "a".repeat(70);
        let legacy = legacy_password_bytes(&long);
        assert_eq!(legacy.len(), 77);
        assert!(legacy.starts_with(long.as_bytes()) && legacy[70..].iter().all(|b| *b == 0));
        // Multi-byte text outgrows ⌊1.1 × n⌋ and the buffer grows to 2n + 1.
        let legacy = legacy_password_bytes("ééé");
        assert_eq!(legacy.len(), 7);
        assert_eq!(&legacy[..6], "ééé".as_bytes());
    }

    /// A vault whose password slot is wrapped under `slot_password` and flagged `repaired`.
    fn sealed_with(slot_password: &[u8], repaired: bool) -> Sealed {
        let master_key = crypto::random::<KEY_LEN>();
        let (ciphertext, params) = super::super::gcm_seal(&master_key, b"{}");
        let slot = password_slot(slot_password, &master_key, repaired);
        let slot: PasswordSlotJson =
            serde_json::from_value(serde_json::to_value(slot).unwrap()).unwrap();
        Sealed {
            slots: vec![PasswordSlot::new(slot).unwrap()],
            params,
            ciphertext,
        }
    }

    #[test]
    fn slots_an_old_aegis_wrapped_under_padded_passwords_still_open() {
        let password = "a long passphrase that is more than sixty-four bytes long, as some are";
        let legacy = legacy_password_bytes(password);
        assert!(legacy.len() > 64 && *legacy != password.as_bytes());
        // Not repaired: the padded bytes are tried after the password's own.
        assert_eq!(*sealed_with(&legacy, false).open(password).unwrap(), b"{}");
        // A repaired slot is only ever tried with the password's own bytes.
        assert!(matches!(
            sealed_with(&legacy, true).open(password),
            Err(ImportError::WrongPassword(_))
        ));
    }
}
