//! The app's vault as the core's Cognito flows reach it: the session lock
//! is taken for each read or write, never across a call to Cognito, and a vault that
//! locked itself meanwhile (idle) is `CognitoError::VaultLocked`.

use sesame::cognito::{CognitoError, VaultAccess};
use sesame::vault::Vault;

use crate::state::AppState;

impl VaultAccess for AppState {
    fn with_vault<R>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
    ) -> Result<R, CognitoError> {
        let mut session = self.active_session();
        let vault = session.vault.as_mut().ok_or(CognitoError::VaultLocked)?;
        f(vault)
    }
}

#[cfg(test)]
mod tests {
    use sesame::keystore::{self, KeystoreChoice};
    use sesame::vault::{KdfCost, VaultPaths};

    use super::*;
    use crate::error::{AppError, ErrorKind};

    #[test]
    fn the_vault_is_lent_while_unlocked_and_refused_once_locked() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("sesame"));
        let keys = KeystoreChoice::File(dir.path().join("keys"));
        let state = AppState::new(paths.clone(), keys.clone());

        let locked = state.with_vault(|_| Ok(()));
        let Err(e @ CognitoError::VaultLocked) = locked else {
            panic!("{locked:?}")
        };
        let app = AppError::from(e);
        assert_eq!(app.kind, ErrorKind::Locked);
        assert!(app.message.contains("unlock it"), "{}", app.message);

        let vault = Vault::create(
            paths,
            keystore::open(&keys).unwrap(),
            None,
            KdfCost::DEFAULT,
        )
        .unwrap();
        state.session().vault = Some(vault);
        let accounts = state.with_vault(|v| Ok(v.data().accounts.len()));
        assert_eq!(accounts.unwrap(), 0);
        // Not held: the session can be locked while a flow waits for Cognito.
        state.lock();
        assert!(matches!(
            state.with_vault(|_| Ok(())),
            Err(CognitoError::VaultLocked)
        ));
    }
}
