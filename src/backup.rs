//! Portable exports: Sesame's encrypted backup file, plain `otpauth://` lists and Google
//! Authenticator migration QR images. Working out what a file to import is belongs to
//! [`crate::import`].
//!
//! A backup opens anywhere with its backup password alone (Argon2id + XChaCha20-Poly1305):
//! it is how a vault moves to another device.
//!
//! The file is a container (see `container`) with no header tag:
//!
//! ```text
//! magic        8 bytes  "SESAMEBK"
//! header_len   u32 LE
//! header       JSON     {"format":"sesame-backup","version":1,"kdf":{…argon2id cost, salt}}
//! nonce        24 bytes
//! ciphertext   …        XChaCha20-Poly1305(Argon2id(password), nonce, accounts JSON,
//!                       associated data = magic‖header_len‖header)
//! ```

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::account::{Account, AccountId, StoredAccount};
use crate::container::{self, ContainerError, FormatName, KdfAlgorithm, Layout};
use crate::crypto::{self, KdfCost, KdfOutOfBounds};

/// First bytes of a Sesame backup.
pub const MAGIC: &[u8; 8] = b"SESAMEBK";
const VERSION: u32 = 1;
/// The backup's container: its magic, nothing between the header and the nonce.
const LAYOUT: Layout = Layout {
    magic: MAGIC,
    header_tag_len: 0,
};

/// Why a backup could not be sealed or opened, or an export failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup password does not open the backup (or the file was changed).
    #[error("wrong backup password, or the backup file was modified")]
    WrongPassword,
    /// The backup file is broken.
    #[error("the backup file is damaged ({0})")]
    Damaged(String),
    /// A newer Sesame wrote it.
    #[error("this backup uses format version {0}, which this Sesame cannot read; update Sesame")]
    UnsupportedVersion(u32),
    /// The header names a format or an algorithm this Sesame does not know.
    #[error(
        "the backup names a {field} this Sesame does not know (\"{name}\"); a newer Sesame wrote it, or it is damaged"
    )]
    UnknownName {
        /// Which header field (`format`, `kdf.algorithm`).
        field: &'static str,
        /// The name it holds (at most 40 characters shown).
        name: String,
    },
    /// Argon2 cost outside the accepted range.
    #[error(
        "the backup asks for an Argon2id cost outside the accepted range; it is damaged or hostile"
    )]
    KdfOutOfBounds,
    /// A migration QR image could not be drawn.
    #[error(transparent)]
    Qr(#[from] crate::qr::QrError),
    /// Migration QR export failed.
    #[error(transparent)]
    Migration(#[from] crate::migration::MigrationError),
}

impl From<KdfOutOfBounds> for BackupError {
    fn from(_: KdfOutOfBounds) -> Self {
        BackupError::KdfOutOfBounds
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: FormatName,
    version: u32,
    kdf: Kdf,
}

#[derive(Debug, Serialize, Deserialize)]
struct Kdf {
    algorithm: KdfAlgorithm,
    #[serde(flatten)]
    cost: KdfCost,
    salt: String,
}

#[derive(Serialize)]
struct Contents {
    accounts: Vec<StoredAccount>,
}

/// What a backup holds, read as written: an account's id is any text here, because a
/// backup may come from a hand-edited or foreign file.
#[derive(Deserialize)]
struct BackupContents {
    accounts: Vec<BackupAccount>,
}

/// [`StoredAccount`] with its id not yet checked.
#[derive(Deserialize)]
struct BackupAccount {
    id: String,
    #[serde(flatten)]
    account: Account,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    created_ms: u64,
    #[serde(default)]
    last_used_ms: Option<u64>,
}

impl BackupAccount {
    /// The account with its id if that is one Sesame writes, else a fresh id (everything
    /// else kept): the vault only holds valid ids. An id that clashes with another is
    /// replaced when it is imported ([`VaultData::import`](crate::vault::VaultData::import)).
    fn into_stored(self) -> StoredAccount {
        StoredAccount {
            id: AccountId::try_from(self.id).unwrap_or_else(|_| AccountId::generate()),
            account: self.account,
            icon: self.icon,
            tags: self.tags,
            note: self.note,
            created_ms: self.created_ms,
            last_used_ms: self.last_used_ms,
        }
    }
}

/// Reads the decrypted contents of a backup.
fn read_contents(plaintext: &[u8]) -> Result<Vec<StoredAccount>, BackupError> {
    let contents: BackupContents = serde_json::from_slice(plaintext)
        .map_err(|e| BackupError::Damaged(format!("unreadable contents: {e}")))?;
    Ok(contents
        .accounts
        .into_iter()
        .map(BackupAccount::into_stored)
        .collect())
}

/// Encrypts `accounts` with `password` into a backup file's bytes.
pub fn seal_backup(
    accounts: &[StoredAccount],
    password: &str,
    cost: KdfCost,
) -> Result<Vec<u8>, BackupError> {
    cost.check_backup()?;
    let salt = crypto::random::<16>();
    let key = crypto::hash_password(password.as_bytes(), salt.as_ref(), cost)?;
    let header = Header {
        format: FormatName::Backup,
        version: VERSION,
        kdf: Kdf {
            algorithm: KdfAlgorithm::Argon2id,
            cost,
            salt: data_encoding::HEXLOWER.encode(salt.as_ref()),
        },
    };
    let plaintext = Zeroizing::new(
        serde_json::to_vec(&Contents {
            accounts: accounts.to_vec(),
        })
        .expect("accounts always serialize"),
    );
    let associated = container::header_prefix(LAYOUT, &header);
    Ok(container::seal(associated, &key, &plaintext))
}

/// Whether `bytes` look like a Sesame backup.
pub fn is_backup(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The Argon2id cost a backup's header asks for, `None` when the header cannot be read.
/// For the `backup_open` fuzz target, which skips the key derivation of costly headers.
#[doc(hidden)]
pub fn kdf_cost(bytes: &[u8]) -> Option<KdfCost> {
    let parts = container::split::<Header>(LAYOUT, bytes).ok()?;
    Some(parts.header.kdf.cost)
}

/// Decrypts a backup file's bytes.
pub fn open_backup(bytes: &[u8], password: &str) -> Result<Vec<StoredAccount>, BackupError> {
    let damaged = |why: &str| BackupError::Damaged(why.to_owned());
    let parts = container::split::<Header>(LAYOUT, bytes).map_err(|e| match e {
        ContainerError::WrongMagic => damaged("not a Sesame backup"),
        other => BackupError::Damaged(other.to_string()),
    })?;
    let header = &parts.header;
    if header.format != FormatName::Backup {
        return Err(BackupError::UnknownName {
            field: "format",
            name: container::shown_name(header.format.as_str()),
        });
    }
    if let KdfAlgorithm::Unknown(name) = &header.kdf.algorithm {
        return Err(BackupError::UnknownName {
            field: "kdf.algorithm",
            name: container::shown_name(name),
        });
    }
    if header.version != VERSION {
        return Err(BackupError::UnsupportedVersion(header.version));
    }
    header.kdf.cost.check_backup()?;
    let salt = data_encoding::HEXLOWER
        .decode(header.kdf.salt.as_bytes())
        .map_err(|_| damaged("invalid salt"))?;
    if !(16..=64).contains(&salt.len()) {
        return Err(damaged("invalid salt"));
    }
    let key = crypto::hash_password(password.as_bytes(), &salt, header.kdf.cost)?;
    let plaintext = parts.open(&key).ok_or(BackupError::WrongPassword)?;
    read_contents(&plaintext)
}

/// One `otpauth://` link per line (the plain export).
pub fn otpauth_list(accounts: &[StoredAccount]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for stored in accounts {
        out.push_str(&crate::uri::format(&stored.account));
        out.push('\n');
    }
    out
}

/// Google Authenticator transfer QR codes as PNG images (one per batch).
pub fn migration_qr_pngs(accounts: &[StoredAccount]) -> Result<Vec<Vec<u8>>, BackupError> {
    let plain: Vec<Account> = accounts.iter().map(|s| s.account.clone()).collect();
    let links = crate::migration::encode(&plain)?;
    links
        .iter()
        .map(|link| crate::qr::encode_png(link, 6).map_err(BackupError::from))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::otp::Params;
    use crate::secret::Secret;

    /// An account named `name` of issuer "Example" (also used by `import::lines`' tests).
    pub(crate) fn stored(name: &str) -> StoredAccount {
        StoredAccount::new(
            Account {
                issuer: Some("Example".into()),
                name: name.into(),
                secret: Secret::from_bytes(vec![7; 20]),
                params: Params::default(),
            },
            1,
        )
    }

    #[test]
    fn backups_round_trip_and_refuse_wrong_passwords() {
        let accounts = vec![stored("a"), stored("b")];
        let bytes = seal_backup(&accounts, "backup pw", KdfCost::MIN).unwrap();
        assert!(is_backup(&bytes));
        assert_eq!(open_backup(&bytes, "backup pw").unwrap(), accounts);
        assert!(matches!(
            open_backup(&bytes, "nope"),
            Err(BackupError::WrongPassword)
        ));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(
            open_backup(&flipped, "backup pw"),
            Err(BackupError::WrongPassword)
        ));
        for len in 0..bytes.len() {
            assert!(open_backup(&bytes[..len], "backup pw").is_err(), "{len}");
        }
    }

    #[test]
    fn unknown_names_in_the_header_are_named() {
        let seal_with = |format: FormatName, algorithm: KdfAlgorithm| {
            let header = Header {
                format,
                version: VERSION,
                kdf: Kdf {
                    algorithm,
                    cost: KdfCost::MIN,
                    salt: "00".repeat(16),
                },
            };
            let key = crypto::random::<{ crypto::KEY_LEN }>();
            container::seal(container::header_prefix(LAYOUT, &header), &key, b"{}")
        };
        let bytes = seal_with(FormatName::Unknown("x".repeat(99)), KdfAlgorithm::Argon2id);
        match open_backup(&bytes, "pw") {
            Err(BackupError::UnknownName { field, name }) => {
                assert_eq!((field, name), ("format", format!("{}…", "x".repeat(40))));
            }
            other => panic!("{other:?}"),
        }
        let bytes = seal_with(FormatName::Backup, KdfAlgorithm::Unknown("scrypt".into()));
        let err = open_backup(&bytes, "pw").unwrap_err();
        assert!(
            matches!(&err, BackupError::UnknownName { field: "kdf.algorithm", name } if name == "scrypt"),
            "{err:?}"
        );
        assert!(err.to_string().contains("\"scrypt\""), "{err}");
    }

    #[test]
    fn a_backup_asking_for_a_huge_key_derivation_is_refused_before_any_work() {
        let seal_with = |cost: KdfCost| {
            let header = Header {
                format: FormatName::Backup,
                version: VERSION,
                kdf: Kdf {
                    algorithm: KdfAlgorithm::Argon2id,
                    cost,
                    salt: "00".repeat(16),
                },
            };
            let key = crypto::random::<{ crypto::KEY_LEN }>();
            container::seal(container::header_prefix(LAYOUT, &header), &key, b"{}")
        };
        // What a vault may use (1 GiB × 20 passes × 16 lanes) is far too much for a file
        // anyone can hand over: refused before Argon2 runs (it would take minutes).
        for cost in [
            KdfCost::MAX,
            KdfCost {
                memory_kib: 512 * 1024,
                ..KdfCost::DEFAULT
            },
            KdfCost {
                iterations: 11,
                ..KdfCost::DEFAULT
            },
            KdfCost {
                lanes: 8,
                ..KdfCost::DEFAULT
            },
        ] {
            assert!(
                matches!(
                    open_backup(&seal_with(cost), "pw"),
                    Err(BackupError::KdfOutOfBounds)
                ),
                "{cost:?}"
            );
        }
        // What Sesame writes (64 MiB, up to 10 passes) stays readable: the wrong key here
        // makes it a wrong password, past the cost check.
        let written = KdfCost {
            iterations: 1,
            ..KdfCost::MIN
        };
        assert!(matches!(
            open_backup(&seal_with(written), "pw"),
            Err(BackupError::WrongPassword)
        ));
        assert!(KdfCost::DEFAULT.check_backup().is_ok());
        assert!(
            KdfCost {
                iterations: 10,
                ..KdfCost::DEFAULT
            }
            .check_backup()
            .is_ok()
        );
    }

    #[test]
    fn accounts_with_ids_sesame_never_writes_get_fresh_ones_and_keep_the_rest() {
        let mut odd = stored("a");
        odd.tags = vec!["work".into()];
        odd.note = Some("spare codes".into());
        let kept = stored("c");
        let mut json = serde_json::to_value(Contents {
            accounts: vec![odd.clone(), stored("b"), kept.clone()],
        })
        .unwrap();
        json["accounts"][0]["id"] = "x".into();
        json["accounts"][1]["id"] = "é".into();
        let read = read_contents(json.to_string().as_bytes()).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].account, odd.account);
        assert_eq!(read[0].tags, odd.tags);
        assert_eq!(read[0].note, odd.note);
        assert_eq!(read[0].created_ms, odd.created_ms);
        assert_ne!(read[0].id, read[1].id);
        for fresh in &read[..2] {
            assert!(
                AccountId::parse(fresh.id.as_str()).is_some(),
                "{}",
                fresh.id
            );
            assert_eq!(fresh.id.short().len(), AccountId::SHORT_LEN);
        }
        assert_eq!(read[2], kept, "a valid id is kept");
        assert!(matches!(read_contents(b"[]"), Err(BackupError::Damaged(_))));
    }
}
