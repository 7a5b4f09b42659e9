//! The device secret itself.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::KeystoreError;

/// Length of a device secret in bytes (256 bits).
pub const DEVICE_SECRET_LEN: usize = 32;

/// A 256-bit device secret. Zeroized when dropped; `Debug` never prints it.
#[derive(Clone)]
pub struct DeviceSecret(Zeroizing<[u8; DEVICE_SECRET_LEN]>);

impl DeviceSecret {
    /// A fresh secret from the operating system's random number generator.
    pub fn generate() -> Result<Self, KeystoreError> {
        let mut bytes = Zeroizing::new([0u8; DEVICE_SECRET_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|e| KeystoreError::Random {
            reason: e.to_string(),
        })?;
        Ok(DeviceSecret(bytes))
    }

    /// Wraps existing secret bytes (tests, restores).
    pub fn from_bytes(bytes: [u8; DEVICE_SECRET_LEN]) -> Self {
        DeviceSecret(Zeroizing::new(bytes))
    }

    /// Copies a secret from a slice; `None` unless it is exactly [`DEVICE_SECRET_LEN`] bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut secret = Zeroizing::new([0u8; DEVICE_SECRET_LEN]);
        if bytes.len() != DEVICE_SECRET_LEN {
            return None;
        }
        secret.copy_from_slice(bytes);
        Some(DeviceSecret(secret))
    }

    /// The raw secret bytes.
    pub fn as_bytes(&self) -> &[u8; DEVICE_SECRET_LEN] {
        &self.0
    }
}

impl PartialEq for DeviceSecret {
    /// Constant-time comparison.
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(other.0.as_ref()).into()
    }
}

impl Eq for DeviceSecret {}

impl fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceSecret(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_differ_and_are_full_length() {
        let a = DeviceSecret::generate().unwrap();
        let b = DeviceSecret::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_bytes().len(), DEVICE_SECRET_LEN);
        assert_ne!(a.as_bytes(), &[0u8; DEVICE_SECRET_LEN]);
        assert_eq!(a.clone(), a);
    }

    #[test]
    fn debug_is_redacted() {
        let secret = DeviceSecret::from_bytes([0xAB; DEVICE_SECRET_LEN]);
        let shown = format!("{secret:?} {:#?}", secret);
        assert_eq!(shown, "DeviceSecret(redacted) DeviceSecret(redacted)");
        assert!(!shown.to_lowercase().contains("ab"));
    }

    #[test]
    fn from_slice_wants_exactly_32_bytes() {
        assert!(DeviceSecret::from_slice(&[1; 31]).is_none());
        assert!(DeviceSecret::from_slice(&[1; 33]).is_none());
        assert_eq!(
            DeviceSecret::from_slice(&[7; 32]).unwrap(),
            DeviceSecret::from_bytes([7; 32])
        );
    }
}
