//! The hosted page's own MFA step. The browser answers it, not Sesame; but the vault may
//! hold the pool's TOTP secret (stored by `enable-mfa`), whose current code the user types
//! there. This names those accounts, for the app and the CLI to point at while they wait
//! for the browser (no secret leaves the vault: only ids and names).

use crate::account::AccountId;
use crate::cognito::error::CognitoError;
use crate::cognito::store::CognitoState;
use crate::vault::VaultData;

/// A vault account whose code answers the hosted page's MFA step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCodeAccount {
    /// The account in the vault.
    pub id: AccountId,
    /// `Cognito (POOL): user`, as the account list shows it and `sesame code` finds it.
    pub label: String,
}

/// The vault accounts holding `pool`'s verified TOTP secrets, in the order they were
/// enrolled (an account the user deleted since is left out).
pub fn page_code_accounts(
    data: &VaultData,
    pool: &str,
) -> Result<Vec<PageCodeAccount>, CognitoError> {
    let state = CognitoState::load(data)?;
    let mut accounts: Vec<PageCodeAccount> = Vec::new();
    for enrolled in state.enrolled(data, pool) {
        if accounts.iter().any(|a| a.id == enrolled.account_id) {
            continue;
        }
        if let Some(stored) = data.accounts.iter().find(|a| a.id == enrolled.account_id) {
            accounts.push(PageCodeAccount {
                id: enrolled.account_id.clone(),
                label: stored.account.label(),
            });
        }
    }
    Ok(accounts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Account;
    use crate::cognito::store::TotpLink;
    use crate::otp::Params;
    use crate::secret::Secret;
    use crate::vault::Added;

    fn add(data: &mut VaultData, issuer: &str, name: &str) -> AccountId {
        let Added::New(id) = data.add(
            Account {
                issuer: Some(issuer.into()),
                name: name.into(),
                secret: Secret::from_bytes(vec![7; 20]),
                params: Params::default(),
            },
            0,
        ) else {
            panic!("added twice")
        };
        id
    }

    fn link(pool: &str, user: &str, account_id: &AccountId, verified: bool) -> TotpLink {
        TotpLink {
            user_pool_id: pool.into(),
            username: user.into(),
            login: user.into(),
            account_id: account_id.clone(),
            verified,
            last_step: None,
        }
    }

    #[test]
    fn names_the_verified_accounts_of_the_pool_only() {
        let mut data = VaultData::default();
        let alice = add(&mut data, "Cognito (eu-west-1_X)", "alice");
        let unfinished = add(&mut data, "Cognito (eu-west-1_X)", "bob");
        let other_pool = add(&mut data, "Cognito (eu-west-1_Y)", "carol");
        add(&mut data, "GitHub", "alice");
        CognitoState {
            config: None,
            session: None,
            totp: vec![
                link("eu-west-1_X", "alice", &alice, true),
                link("eu-west-1_X", "alice@example.com", &alice, true),
                link("eu-west-1_X", "bob", &unfinished, false),
                link("eu-west-1_Y", "carol", &other_pool, true),
                link("eu-west-1_X", "dave", &AccountId::generate(), true),
            ],
        }
        .save(&mut data);

        let accounts = page_code_accounts(&data, "eu-west-1_X").unwrap();
        assert_eq!(
            accounts,
            vec![PageCodeAccount {
                id: alice,
                label: "Cognito (eu-west-1_X): alice".into(),
            }]
        );
        assert!(page_code_accounts(&data, "eu-west-1_Z").unwrap().is_empty());
    }
}
