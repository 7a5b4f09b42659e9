//! Sesame's cryptography, in one place (the vault and the backup use it): Argon2id,
//! HKDF-SHA256, XChaCha20-Poly1305 and an HMAC over the vault header. Every key lives in a
//! `Zeroizing` buffer.

use argon2::Argon2;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::Mac;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of every symmetric key.
pub const KEY_LEN: usize = 32;
/// XChaCha20-Poly1305 nonce length.
pub const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub const TAG_LEN: usize = 16;
/// Header MAC length (HMAC-SHA256).
pub const MAC_LEN: usize = 32;

/// An Argon2id cost outside [`KdfCost::MIN`]..=[`KdfCost::MAX`], or one Argon2 refused.
/// The vault and the backup each turn it into their own error (`From` impls next to them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "Argon2id cost outside the accepted range ({} KiB, {} passes, {} lanes)",
    cost.memory_kib, cost.iterations, cost.lanes
)]
pub struct KdfOutOfBounds {
    /// The refused cost.
    pub cost: KdfCost,
}

/// A 256-bit key, zeroized on drop.
pub type Key = Zeroizing<[u8; KEY_LEN]>;

/// Argon2id cost parameters, stored in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Parallel lanes.
    pub lanes: u32,
}

impl KdfCost {
    /// The floor for new vaults: 64 MiB, 3 passes, 1 lane (the minimum).
    pub const DEFAULT: KdfCost = KdfCost {
        memory_kib: 64 * 1024,
        iterations: 3,
        lanes: 1,
    };
    /// Cheapest cost a file may ask for (8 MiB, 1 pass). Tests use it for speed.
    pub const MIN: KdfCost = KdfCost {
        memory_kib: 8 * 1024,
        iterations: 1,
        lanes: 1,
    };
    /// Most a file may ask for: refusing more keeps a hostile file from making us allocate
    /// gigabytes or spin for minutes.
    pub const MAX: KdfCost = KdfCost {
        memory_kib: 1024 * 1024,
        iterations: 20,
        lanes: 16,
    };

    /// Most a Sesame *backup* may ask for. Sesame writes 64 MiB and 3 to 10 passes
    /// (`calibrate`); a backup comes from outside the device, so anyone could hand one over,
    /// and every password attempt pays its cost: far less than [`KdfCost::MAX`] (1 GiB ×
    /// 20 passes × 16 lanes), which a vault this device wrote itself may use.
    pub const BACKUP_MAX: KdfCost = KdfCost {
        memory_kib: 256 * 1024,
        iterations: 10,
        lanes: 4,
    };

    /// Refuses costs outside [`KdfCost::MIN`]..=[`KdfCost::BACKUP_MAX`] (see there).
    pub fn check_backup(&self) -> Result<(), KdfOutOfBounds> {
        self.check()?;
        let max = Self::BACKUP_MAX;
        if self.memory_kib > max.memory_kib
            || self.iterations > max.iterations
            || self.lanes > max.lanes
        {
            return Err(KdfOutOfBounds { cost: *self });
        }
        Ok(())
    }

    /// Refuses costs outside [`KdfCost::MIN`]..=[`KdfCost::MAX`].
    pub fn check(&self) -> Result<(), KdfOutOfBounds> {
        let within = |v: u32, lo: u32, hi: u32| (lo..=hi).contains(&v);
        if within(self.memory_kib, Self::MIN.memory_kib, Self::MAX.memory_kib)
            && within(self.iterations, Self::MIN.iterations, Self::MAX.iterations)
            && within(self.lanes, Self::MIN.lanes, Self::MAX.lanes)
            && self.memory_kib >= 8 * self.lanes
        {
            Ok(())
        } else {
            Err(KdfOutOfBounds { cost: *self })
        }
    }
}

/// The cost for a new password: [`KdfCost::DEFAULT`] memory, with passes added until one
/// derivation takes about `target` on this machine (3 to 10 passes). Costs one derivation.
pub fn calibrate(target: std::time::Duration) -> KdfCost {
    let base = KdfCost::DEFAULT;
    let started = std::time::Instant::now();
    let _ = hash_password(b"calibration", &[0u8; 16], base);
    let per_pass = started.elapsed().as_secs_f64() / f64::from(base.iterations);
    let passes = (target.as_secs_f64() / per_pass.max(1e-6)).round();
    KdfCost {
        iterations: (passes as u32).clamp(base.iterations, 10),
        ..base
    }
}

/// Fills `out` from the operating system's random source.
pub fn random<const N: usize>() -> Zeroizing<[u8; N]> {
    let mut out = Zeroizing::new([0u8; N]);
    getrandom::fill(out.as_mut()).expect("the operating system's random source failed");
    out
}

/// Argon2id(password, salt) with `cost`, as a 256-bit key.
pub fn hash_password(password: &[u8], salt: &[u8], cost: KdfCost) -> Result<Key, KdfOutOfBounds> {
    cost.check()?;
    let params = argon2::Params::new(cost.memory_kib, cost.iterations, cost.lanes, Some(KEY_LEN))
        .map_err(|_| KdfOutOfBounds { cost })?;
    let argon = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(password, salt, out.as_mut())
        .map_err(|_| KdfOutOfBounds { cost })?;
    Ok(out)
}

/// HKDF-SHA256 expansion of `ikm` for one `purpose`, bound to the vault id.
pub fn derive(ikm: &[u8], vault_id: &str, purpose: &str) -> Key {
    let hk = Hkdf::<Sha256>::new(Some(b"sesame vault v1"), ikm);
    let info = format!("sesame/{purpose}/{vault_id}");
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    hk.expand(info.as_bytes(), out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    out
}

/// The key-encryption key: device secret, plus the password hash when there is one.
pub fn key_encryption_key(
    device: &[u8; KEY_LEN],
    password_hash: Option<&Key>,
    vault_id: &str,
) -> Key {
    let mut ikm = Zeroizing::new(Vec::with_capacity(2 * KEY_LEN));
    ikm.extend_from_slice(device);
    let purpose = match password_hash {
        Some(hash) => {
            ikm.extend_from_slice(hash.as_ref());
            "kek/device+password"
        }
        None => "kek/device",
    };
    derive(&ikm, vault_id, purpose)
}

/// HMAC-SHA256 of `data` under `key`.
pub fn mac(key: &Key, data: &[u8]) -> [u8; MAC_LEN] {
    let mut m = <hmac::Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key.as_ref())
        .expect("HMAC accepts any key length");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// Checks an HMAC-SHA256 in constant time.
pub fn mac_matches(key: &Key, data: &[u8], expected: &[u8]) -> bool {
    let mut m = <hmac::Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key.as_ref())
        .expect("HMAC accepts any key length");
    m.update(data);
    m.verify_slice(expected).is_ok()
}

/// XChaCha20-Poly1305 encryption; returns ciphertext‖tag.
pub fn seal(key: &Key, nonce: &[u8; NONCE_LEN], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new_from_slice(key.as_ref()).expect("32-byte key");
    cipher
        .encrypt(
            &XNonce::from(*nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail")
}

/// XChaCha20-Poly1305 decryption; `None` when the key is wrong or anything was changed.
pub fn open(
    key: &Key,
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = XChaCha20Poly1305::new_from_slice(key.as_ref()).expect("32-byte key");
    cipher
        .decrypt(
            &XNonce::from(*nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_and_detect_changes() {
        let key = random::<KEY_LEN>();
        let nonce = *random::<NONCE_LEN>();
        let sealed = seal(&key, &nonce, b"accounts", b"header");
        assert_eq!(sealed.len(), 8 + TAG_LEN);
        assert_eq!(
            open(&key, &nonce, &sealed, b"header").unwrap().as_slice(),
            b"accounts"
        );
        assert!(open(&key, &nonce, &sealed, b"headeR").is_none());
        let mut flipped = sealed.clone();
        flipped[0] ^= 1;
        assert!(open(&key, &nonce, &flipped, b"header").is_none());
        assert!(open(&random::<KEY_LEN>(), &nonce, &sealed, b"header").is_none());
    }

    #[test]
    fn kek_depends_on_device_password_and_vault() {
        let device = *random::<KEY_LEN>();
        let other = *random::<KEY_LEN>();
        let pw = hash_password(b"correct horse", b"saltsaltsaltsalt", KdfCost::MIN).unwrap();
        let pw2 = hash_password(b"correct horsf", b"saltsaltsaltsalt", KdfCost::MIN).unwrap();
        let base = key_encryption_key(&device, Some(&pw), "a");
        assert_ne!(*base, *key_encryption_key(&other, Some(&pw), "a"));
        assert_ne!(*base, *key_encryption_key(&device, Some(&pw2), "a"));
        assert_ne!(*base, *key_encryption_key(&device, Some(&pw), "b"));
        assert_ne!(*base, *key_encryption_key(&device, None, "a"));
        assert_eq!(*base, *key_encryption_key(&device, Some(&pw), "a"));
    }

    #[test]
    fn kdf_bounds_are_enforced() {
        for cost in [
            KdfCost {
                memory_kib: 4 * 1024 * 1024,
                ..KdfCost::DEFAULT
            },
            KdfCost {
                iterations: 1000,
                ..KdfCost::DEFAULT
            },
            KdfCost {
                lanes: 0,
                ..KdfCost::DEFAULT
            },
            KdfCost {
                memory_kib: 1024,
                ..KdfCost::DEFAULT
            },
        ] {
            assert!(matches!(
                hash_password(b"pw", b"saltsaltsaltsalt", cost),
                Err(KdfOutOfBounds { cost: refused }) if refused == cost
            ));
        }
        assert!(KdfCost::DEFAULT.check().is_ok());
    }

    #[test]
    fn macs_verify() {
        let key = random::<KEY_LEN>();
        let tag = mac(&key, b"header");
        assert!(mac_matches(&key, b"header", &tag));
        assert!(!mac_matches(&key, b"headex", &tag));
        assert!(!mac_matches(&key, b"header", &tag[..31]));
    }
}
