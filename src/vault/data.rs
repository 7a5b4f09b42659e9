//! The decrypted contents of a vault and the operations on its accounts. Pure data: no
//! files, no keys — [`super::Vault`] loads and saves it.

use serde::{Deserialize, Serialize};

use super::error::VaultError;
use crate::account::{Account, AccountId, StoredAccount};
use crate::otp::{Code, Kind};

/// User preferences kept in the vault (shared by the CLI and the app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    /// Lock after this many seconds without use (0: never).
    pub auto_lock_secs: u64,
    /// Clear a copied code from the clipboard after this many seconds (0: never).
    pub clipboard_clear_secs: u64,
    /// Apply the measured clock offset to codes.
    pub time_correction: bool,
    /// NTP server for time correction.
    pub ntp_server: String,
    /// Last measured clock offset in milliseconds.
    pub clock_offset_ms: i64,
    /// When the offset was measured (Unix ms, this computer's clock); `None`: never.
    pub clock_checked_at_ms: Option<u64>,
    /// `system`, `light` or `dark`.
    #[cfg_attr(feature = "ts", ts(type = r#""system" | "light" | "dark""#))]
    pub theme: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_secs: 300,
            clipboard_clear_secs: 30,
            time_correction: false,
            ntp_server: crate::clock::DEFAULT_NTP_SERVER.to_owned(),
            clock_offset_ms: 0,
            clock_checked_at_ms: None,
            theme: "system".to_owned(),
        }
    }
}

/// Everything the vault encrypts. Its `Debug` hides the Cognito state (tokens, client
/// secret); account secrets hide themselves.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VaultData {
    /// Accounts, in the user's order.
    #[serde(default)]
    pub accounts: Vec<StoredAccount>,
    /// Preferences.
    #[serde(default)]
    pub settings: Settings,
    /// Cognito configuration and tokens (owned by the `cognito` module).
    #[cfg(feature = "cognito")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognito: Option<crate::cognito::store::StoredCognito>,
    /// Cognito configuration and tokens, kept as read (the phones build no `cognito`).
    #[cfg(not(feature = "cognito"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognito: Option<serde_json::Value>,
    /// Sesame Sync's state (owned by the `sync` module); `None` while sync is off.
    #[cfg(feature = "sync")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<crate::sync::SyncState>,
    /// Sesame Sync's state, kept as read (a build without `sync`). Changes made meanwhile
    /// are found by `SyncState::reconcile` at the next sync.
    #[cfg(not(feature = "sync"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<serde_json::Value>,
}

impl std::fmt::Debug for VaultData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultData")
            .field("accounts", &self.accounts)
            .field("settings", &self.settings)
            .field("cognito", &self.cognito.as_ref().map(|_| "<redacted>"))
            .field("sync", &self.sync.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// What [`VaultData::add`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Stored under this id.
    New(AccountId),
    /// The same secret and account were already there, under this id; nothing stored.
    Duplicate(AccountId),
}

/// Fields [`VaultData::edit`] can change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edit {
    /// New issuer (`Some(None)` removes it).
    pub issuer: Option<Option<String>>,
    /// New account name.
    pub name: Option<String>,
    /// New icon (`Some(None)` removes it).
    pub icon: Option<Option<String>>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New note (`Some(None)` removes it).
    pub note: Option<Option<String>>,
}

fn same_text(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl VaultData {
    /// The id of a stored account with the same issuer and name (ignoring case) but a
    /// different secret: an import flags it rather than merging it silently.
    pub fn conflict_of(&self, account: &Account) -> Option<&AccountId> {
        self.accounts
            .iter()
            .find(|s| {
                s.account.secret != account.secret
                    && same_text(&s.account.name, &account.name)
                    && same_text(
                        s.account.issuer.as_deref().unwrap_or(""),
                        account.issuer.as_deref().unwrap_or(""),
                    )
            })
            .map(|s| &s.id)
    }

    /// Adds an account unless the same secret is already stored for the same issuer and
    /// name (compared case-insensitively).
    pub fn add(&mut self, account: Account, now_ms: u64) -> Added {
        if let Some(existing) = self.duplicate_of(&account) {
            return Added::Duplicate(existing.clone());
        }
        let stored = StoredAccount::new(account, now_ms);
        let id = stored.id.clone();
        self.accounts.push(stored);
        self.sync_changed(&id, now_ms);
        Added::New(id)
    }

    /// Tells sync (when it is on) that account `id` was added or changed at `now_ms`.
    #[cfg(feature = "sync")]
    fn sync_changed(&mut self, id: &AccountId, now_ms: u64) {
        if let Some(sync) = &mut self.sync {
            sync.mark_changed(id, now_ms);
        }
    }

    /// Without the `sync` feature, the next sync's reconcile finds the change.
    #[cfg(not(feature = "sync"))]
    fn sync_changed(&mut self, _id: &AccountId, _now_ms: u64) {}

    /// Tells sync (when it is on) that account `id` was deleted.
    #[cfg(feature = "sync")]
    fn sync_deleted(&mut self, id: &AccountId) {
        if let Some(sync) = &mut self.sync {
            sync.mark_deleted(id);
        }
    }

    #[cfg(not(feature = "sync"))]
    fn sync_deleted(&mut self, _id: &AccountId) {}

    /// The id of a stored account with the same secret, issuer and name (ignoring case),
    /// which [`VaultData::add`] would refuse as a duplicate.
    pub fn duplicate_of(&self, account: &Account) -> Option<&AccountId> {
        self.accounts
            .iter()
            .find(|s| {
                s.account.secret == account.secret
                    && same_text(&s.account.name, &account.name)
                    && same_text(
                        s.account.issuer.as_deref().unwrap_or(""),
                        account.issuer.as_deref().unwrap_or(""),
                    )
            })
            .map(|s| &s.id)
    }

    /// Adds an account from a backup, keeping its icon, tags, note and times (a new id if
    /// its id is taken); duplicates are reported as by [`VaultData::add`].
    pub fn import(&mut self, stored: StoredAccount, now_ms: u64) -> Added {
        match self.add(stored.account.clone(), now_ms) {
            Added::New(new_id) => {
                let taken = self.accounts.iter().any(|s| s.id == stored.id);
                let entry = self.accounts.last_mut().expect("just added");
                let id = if taken {
                    new_id.clone()
                } else {
                    stored.id.clone()
                };
                *entry = StoredAccount {
                    id: id.clone(),
                    ..stored
                };
                if id != new_id {
                    self.sync_deleted(&new_id);
                    self.sync_changed(&id, now_ms);
                }
                Added::New(id)
            }
            duplicate => duplicate,
        }
    }

    /// Finds one account by id, unique id prefix (4+ characters), exact label, or a text
    /// that appears in exactly one label (all case-insensitive).
    pub fn find(&self, query: &str) -> Result<&StoredAccount, VaultError> {
        let index = self.position(query)?;
        Ok(&self.accounts[index])
    }

    /// Index of the account [`VaultData::find`] would return.
    pub fn position(&self, query: &str) -> Result<usize, VaultError> {
        let q = query.trim().to_lowercase();
        let not_found = || VaultError::NoSuchAccount {
            query: query.to_owned(),
        };
        if q.is_empty() {
            return Err(not_found());
        }
        let ids: Vec<usize> = self
            .indices(|s| s.id.as_str() == q)
            .into_iter()
            .chain(
                if q.len() >= 4 && q.bytes().all(|b| b.is_ascii_hexdigit()) {
                    self.indices(|s| s.id.as_str().starts_with(&q))
                } else {
                    vec![]
                },
            )
            .collect();
        let tiers = [
            ids,
            self.indices(|s| s.account.label().to_lowercase() == q),
            self.indices(|s| s.account.name.to_lowercase() == q),
            self.indices(|s| {
                s.account
                    .issuer
                    .as_deref()
                    .is_some_and(|i| i.to_lowercase() == q)
            }),
            self.indices(|s| s.account.label().to_lowercase().contains(&q)),
        ];
        for mut tier in tiers {
            tier.dedup();
            match tier.len() {
                0 => continue,
                1 => return Ok(tier[0]),
                _ => {
                    return Err(VaultError::Ambiguous {
                        query: query.to_owned(),
                        matches: tier
                            .iter()
                            .map(|&i| {
                                let s = &self.accounts[i];
                                format!("{} ({})", s.account.label(), s.id.short())
                            })
                            .collect(),
                    });
                }
            }
        }
        Err(not_found())
    }

    fn indices(&self, pred: impl Fn(&StoredAccount) -> bool) -> Vec<usize> {
        self.accounts
            .iter()
            .enumerate()
            .filter(|(_, s)| pred(s))
            .map(|(i, _)| i)
            .collect()
    }

    fn by_id_mut(&mut self, id: &AccountId) -> Result<&mut StoredAccount, VaultError> {
        self.accounts
            .iter_mut()
            .find(|s| &s.id == id)
            .ok_or_else(|| VaultError::NoSuchAccount {
                query: id.to_string(),
            })
    }

    /// Changes the fields given in `edit` (at `now_ms`, which sync's merge compares).
    pub fn edit(&mut self, id: &AccountId, edit: Edit, now_ms: u64) -> Result<(), VaultError> {
        let stored = self.by_id_mut(id)?;
        if let Some(issuer) = edit.issuer {
            stored.account.issuer = issuer.filter(|i| !i.trim().is_empty());
        }
        if let Some(name) = edit.name {
            stored.account.name = name;
        }
        if let Some(icon) = edit.icon {
            stored.icon = icon;
        }
        if let Some(tags) = edit.tags {
            stored.tags = tags;
        }
        if let Some(note) = edit.note {
            stored.note = note;
        }
        self.sync_changed(id, now_ms);
        Ok(())
    }

    /// Moves an account to `position` (0-based) in the list.
    pub fn move_to(&mut self, id: &AccountId, position: usize) -> Result<(), VaultError> {
        let len = self.accounts.len();
        if position >= len {
            return Err(VaultError::BadPosition {
                position: position + 1,
                len,
            });
        }
        let from = self
            .accounts
            .iter()
            .position(|s| &s.id == id)
            .ok_or_else(|| VaultError::NoSuchAccount {
                query: id.to_string(),
            })?;
        let item = self.accounts.remove(from);
        self.accounts.insert(position, item);
        Ok(())
    }

    /// Deletes an account and returns it (with sync on, its deletion waits to be pushed).
    pub fn remove(&mut self, id: &AccountId) -> Result<StoredAccount, VaultError> {
        let at = self
            .accounts
            .iter()
            .position(|s| &s.id == id)
            .ok_or_else(|| VaultError::NoSuchAccount {
                query: id.to_string(),
            })?;
        self.sync_deleted(id);
        Ok(self.accounts.remove(at))
    }

    /// Records that a code of this account was used.
    pub fn touch(&mut self, id: &AccountId, now_ms: u64) -> Result<(), VaultError> {
        self.by_id_mut(id)?.last_used_ms = Some(now_ms);
        Ok(())
    }

    /// Returns the HOTP code at the stored counter and advances the counter, so the same
    /// code is never handed out twice (the caller saves before showing it).
    pub fn next_hotp(&mut self, id: &AccountId, now_ms: u64) -> Result<Code, VaultError> {
        let stored = self.by_id_mut(id)?;
        let Kind::Hotp { counter } = stored.account.params.kind else {
            return Err(VaultError::WrongKind {
                label: stored.account.label(),
                expected: "HOTP",
            });
        };
        let otp = stored.account.otp().map_err(|source| VaultError::NoCodes {
            label: stored.account.label(),
            source,
        })?;
        let code = otp.code_for_counter(counter);
        stored.account.params.kind = Kind::Hotp {
            counter: counter.saturating_add(1),
        };
        stored.last_used_ms = Some(now_ms);
        self.sync_changed(id, now_ms);
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Params};
    use crate::secret::Secret;

    fn account(issuer: &str, name: &str, seed: u8) -> Account {
        Account::new(
            Some(issuer),
            name,
            Secret::from_bytes(vec![seed; 20]),
            Params::default(),
        )
    }

    #[test]
    fn debug_output_hides_tokens_and_secrets() {
        let mut data = VaultData::default();
        data.add(account("GitHub", "alice", 0x5a), 1);
        data.cognito = serde_json::from_value(
            serde_json::json!({"session": {"refresh": "eyJ-refresh-token"}}),
        )
        .unwrap();
        let shown = format!("{data:?}");
        assert!(shown.contains("alice"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains("eyJ-refresh-token"), "{shown}");
        // The secret (twenty 0x5a bytes) appears neither raw nor in Base32.
        assert!(!shown.contains("LJNFUWS2"), "{shown}");
        assert!(!shown.contains("90, 90"), "{shown}");
    }

    #[test]
    fn duplicates_are_reported_not_stored() {
        let mut data = VaultData::default();
        let Added::New(id) = data.add(account("GitHub", "alice", 1), 1) else {
            panic!()
        };
        assert_eq!(
            data.add(account("github", "Alice ", 1), 2),
            Added::Duplicate(id)
        );
        assert!(matches!(
            data.add(account("GitHub", "alice", 2), 3),
            Added::New(_)
        ));
        assert!(matches!(
            data.add(account("GitLab", "alice", 1), 4),
            Added::New(_)
        ));
        assert_eq!(data.accounts.len(), 3);
    }

    #[test]
    fn find_by_id_prefix_label_name_or_unique_substring() {
        let mut data = VaultData::default();
        data.add(account("GitHub", "alice", 1), 0);
        data.add(account("GitLab", "alice", 2), 0);
        data.add(account("", "bob@example.com", 3), 0);
        let gh = data.accounts[0].id.clone();
        assert_eq!(data.find(&gh.as_str()[..6]).unwrap().id, gh);
        assert_eq!(data.find("github: alice").unwrap().id, gh);
        assert_eq!(data.find("GITHUB").unwrap().id, gh);
        assert_eq!(data.find("bob").unwrap().account.name, "bob@example.com");
        match data.find("alice") {
            Err(VaultError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            data.find("nobody"),
            Err(VaultError::NoSuchAccount { .. })
        ));
        assert!(matches!(
            data.find(""),
            Err(VaultError::NoSuchAccount { .. })
        ));
    }

    #[test]
    fn edit_move_remove_touch() {
        let mut data = VaultData::default();
        for (i, n) in ["a", "b", "c"].iter().enumerate() {
            data.add(account("X", n, i as u8), 0);
        }
        let c = data.accounts[2].id.clone();
        data.move_to(&c, 0).unwrap();
        let names: Vec<_> = data
            .accounts
            .iter()
            .map(|s| s.account.name.as_str())
            .collect();
        assert_eq!(names, ["c", "a", "b"]);
        assert!(matches!(
            data.move_to(&c, 3),
            Err(VaultError::BadPosition {
                position: 4,
                len: 3
            })
        ));
        data.edit(
            &c,
            Edit {
                issuer: Some(None),
                name: Some("carol".into()),
                tags: Some(vec!["work".into()]),
                note: Some(Some("recovery codes in the safe".into())),
                icon: None,
            },
            7,
        )
        .unwrap();
        let edited = data.find("carol").unwrap();
        assert_eq!(edited.account.issuer, None);
        assert_eq!(edited.tags, ["work"]);
        data.touch(&c, 99).unwrap();
        assert_eq!(data.find("carol").unwrap().last_used_ms, Some(99));
        assert_eq!(data.remove(&c).unwrap().account.name, "carol");
        assert_eq!(data.accounts.len(), 2);
        assert!(data.remove(&c).is_err());
    }

    #[test]
    fn a_vault_written_before_sync_loads_unchanged() {
        let json = r#"{"accounts":[],"settings":{"theme":"dark"}}"#;
        let data: VaultData = serde_json::from_str(json).unwrap();
        assert!(data.sync.is_none());
        assert_eq!(data.settings.theme, "dark");
        let written = serde_json::to_string(&data).unwrap();
        assert!(!written.contains("sync"), "{written}");
    }

    #[cfg(feature = "sync")]
    #[test]
    fn with_sync_on_edits_mark_accounts_changed_and_deletes_leave_tombstones() {
        use crate::sync::SyncState;
        let mut data = VaultData::default();
        let Added::New(before) = data.add(account("X", "before", 9), 1) else {
            panic!()
        };
        assert!(data.sync.is_none(), "sync off: nothing tracked");
        data.sync = Some(SyncState::new(
            crate::sync::SyncKey::generate(),
            "http://127.0.0.1:1",
            "sub",
        ));
        let mut a = account("X", "h", 0);
        a.params = Params::hotp(Algorithm::SHA1, 6, 0);
        let Added::New(id) = data.add(a, 10) else {
            panic!()
        };
        let tracked = |data: &VaultData| data.sync.as_ref().unwrap().items.get(&id).cloned();
        let first = tracked(&data).unwrap();
        assert!(first.dirty && first.version == 0 && first.modified_ms == 10);
        // As if pushed.
        let sync = data.sync.as_mut().unwrap();
        let entry = sync.items.get_mut(&id).unwrap();
        entry.dirty = false;
        entry.version = 1;
        data.touch(&id, 20).unwrap();
        data.move_to(&id, 0).unwrap();
        assert!(
            !tracked(&data).unwrap().dirty,
            "using or moving is not a change"
        );
        data.next_hotp(&id, 30).unwrap();
        assert_eq!(tracked(&data).unwrap().modified_ms, 30);
        assert!(tracked(&data).unwrap().dirty, "a counter bump is a change");
        let edit = Edit {
            note: Some(Some("n".into())),
            ..Edit::default()
        };
        data.edit(&id, edit, 40).unwrap();
        assert_eq!(tracked(&data).unwrap().modified_ms, 40);
        let item = tracked(&data).unwrap().item;
        data.remove(&id).unwrap();
        let sync = data.sync.as_ref().unwrap();
        assert!(!sync.items.contains_key(&id));
        assert_eq!(sync.tombstones.len(), 1);
        assert_eq!(
            (&sync.tombstones[0].item, sync.tombstones[0].version),
            (&item, 1)
        );
        // The account added before sync was on is picked up by the next round's reconcile.
        assert!(!sync.items.contains_key(&before));
        let json = serde_json::to_string(&data).unwrap();
        let back: VaultData = serde_json::from_str(&json).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn hotp_counter_advances_once_per_code() {
        let mut data = VaultData::default();
        let mut a = account("X", "h", 0);
        a.secret = Secret::from_bytes(b"12345678901234567890".to_vec());
        a.params = Params::hotp(Algorithm::SHA1, 6, 0);
        let Added::New(id) = data.add(a, 0) else {
            panic!()
        };
        assert_eq!(data.next_hotp(&id, 5).unwrap().as_str(), "755224");
        assert_eq!(data.next_hotp(&id, 6).unwrap().as_str(), "287082");
        assert_eq!(data.find("h").unwrap().account.params.counter(), Some(2));
        let Added::New(totp) = data.add(account("X", "t", 1), 0) else {
            panic!()
        };
        assert!(matches!(
            data.next_hotp(&totp, 0),
            Err(VaultError::WrongKind { .. })
        ));
    }
}
