//! How the signed-in flows ([`super::session`], [`super::enrollment`]) reach the vault while
//! they talk to Cognito: borrowed only for short reads and writes, never across a network
//! call. A command-line run owns its vault for the whole operation ([`Mutex`] over a
//! `&mut Vault`); an app that shares the vault between commands and may lock it meanwhile
//! implements [`VaultAccess`] over its own lock and answers [`CognitoError::VaultLocked`]
//! when the vault is gone.

use std::sync::Mutex;

use super::error::CognitoError;
use crate::vault::Vault;

/// The vault, borrowed only for short reads and writes, never across a network call.
///
/// `Sync`, so that the futures of the flows holding `&impl VaultAccess` stay `Send`.
pub trait VaultAccess: Sync {
    /// Runs `f` on the vault. Any lock is held for this call only; when the vault is no
    /// longer open (an app locked it meanwhile) the answer is
    /// [`CognitoError::VaultLocked`] and `f` does not run.
    fn with_vault<R>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
    ) -> Result<R, CognitoError>;
}

/// A vault the caller holds for the whole operation (the CLI, tests):
/// `Mutex::new(&mut vault)`. A poisoned lock is taken over: every change to the vault is
/// one [`Vault::update`], which either happened or did not.
impl VaultAccess for Mutex<&mut Vault> {
    fn with_vault<R>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
    ) -> Result<R, CognitoError> {
        let mut vault = self.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut vault)
    }
}

/// A vault in a temp folder (file keystore, no password) for the Cognito unit tests.
#[cfg(test)]
pub(crate) fn temp_vault() -> (tempfile::TempDir, Vault) {
    use crate::keystore::{self, KeystoreChoice};
    use crate::vault::{KdfCost, VaultPaths};
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path().join("sesame"));
    let keys = KeystoreChoice::File(dir.path().join("keys"));
    let vault = Vault::create(
        paths,
        keystore::open(&keys).unwrap(),
        None,
        KdfCost::DEFAULT,
    )
    .unwrap();
    (dir, vault)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An app's vault that may be locked: `None` while locked.
    struct Lockable(Mutex<Option<Vault>>);

    impl VaultAccess for Lockable {
        fn with_vault<R>(
            &self,
            f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
        ) -> Result<R, CognitoError> {
            let mut guard = self.0.lock().unwrap();
            f(guard.as_mut().ok_or(CognitoError::VaultLocked)?)
        }
    }

    #[test]
    fn a_held_vault_is_lent_and_a_locked_one_is_refused() {
        let (_dir, mut owned) = temp_vault();
        let count = Mutex::new(&mut owned)
            .with_vault(|v| Ok(v.data().accounts.len()))
            .unwrap();
        assert_eq!(count, 0);

        let app = Lockable(Mutex::new(Some(owned)));
        assert!(app.with_vault(|_| Ok(())).is_ok());
        *app.0.lock().unwrap() = None;
        let mut ran = false;
        let locked = app.with_vault(|_| {
            ran = true;
            Ok(())
        });
        assert!(matches!(locked, Err(CognitoError::VaultLocked)));
        assert!(!ran);
        assert!(
            CognitoError::VaultLocked.to_string().contains("unlock it"),
            "{}",
            CognitoError::VaultLocked
        );
    }
}
