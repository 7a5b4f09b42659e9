//! Entry points for the `vault_open` fuzz target (`fuzz/`), which needs to build vault
//! files for a device secret it knows. Not part of the supported API: hidden from the
//! documentation, and it hands out nothing a vault file plus its device secret do not
//! already give.

use zeroize::Zeroizing;

use super::format::{self, Header, WrappedKey};
use super::{KdfCost, device_keys, wrap_aad};
use crate::container::{self, FormatName};
use crate::crypto::{self, Key, NONCE_LEN};
use crate::keystore::DeviceSecret;

/// The keys of the password-less vault [`seal`] builds: the master key is derived from
/// the device secret so that every call agrees.
fn fixed_keys(device: &[u8; 32], vault_id: &str) -> (Key, Vec<u8>) {
    let secret = DeviceSecret::from_bytes(*device);
    let (header_mac, device_check) = device_keys(&secret, vault_id);
    let kek = crypto::key_encryption_key(device, None, vault_id);
    let master = crypto::derive(device, vault_id, "fuzz-master-key");
    let wrap_nonce = [1u8; NONCE_LEN];
    let header = Header {
        format: FormatName::Vault,
        version: format::VERSION,
        vault_id: vault_id.to_owned(),
        generation: 1,
        password: None,
        device_check: device_check.to_vec(),
        master_key: WrappedKey {
            nonce: wrap_nonce.to_vec(),
            sealed: crypto::seal(&kek, &wrap_nonce, master.as_ref(), &wrap_aad(vault_id)),
        },
    };
    let mut associated = format::signed_prefix(&header);
    let mac = crypto::mac(&header_mac, &associated);
    associated.extend_from_slice(&mac);
    (master, associated)
}

/// A valid, password-less vault file (generation 1) for `vault_id` bound to `device`,
/// whose decrypted payload is `payload`, whatever it holds.
pub fn seal(device: &[u8; 32], vault_id: &str, payload: &[u8]) -> Vec<u8> {
    let (master, associated) = fixed_keys(device, vault_id);
    container::seal(associated, &master, payload)
}

/// The payload of a file built by [`seal`] or saved since by `Vault::update` (which keeps
/// the master key); `None` for any other file.
pub fn open(device: &[u8; 32], vault_id: &str, file: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let (master, _) = fixed_keys(device, vault_id);
    format::parse(file).ok()?.open(&master)
}

/// The password's Argon2id cost a vault file asks for; `None` when it has no password or
/// cannot be parsed.
pub fn password_cost(file: &[u8]) -> Option<KdfCost> {
    Some(format::parse(file).ok()?.header.password?.cost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keystore::{FileKeystore, Keystore};
    use crate::vault::{Vault, VaultPaths};

    #[test]
    fn sealed_files_open_as_vaults_and_give_their_payload_back() {
        let device = [7u8; 32];
        let id = "0123456789abcdef0123456789abcdef";
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("vault"));
        paths.create_dir().unwrap();
        let keystore = FileKeystore::new(dir.path().join("keys"));
        keystore
            .store(id, &DeviceSecret::from_bytes(device))
            .unwrap();
        let file = seal(&device, id, br#"{"settings":{"theme":"dark"}}"#);
        std::fs::write(&paths.vault, &file).unwrap();
        let vault = Vault::open(paths, Box::new(keystore), None).unwrap();
        assert_eq!(vault.data().settings.theme, "dark");
        assert_eq!(
            open(&device, id, &file).unwrap().as_slice(),
            br#"{"settings":{"theme":"dark"}}"#
        );
        assert_eq!(open(&[8; 32], id, &file), None);
        assert_eq!(password_cost(&file), None);
    }
}
