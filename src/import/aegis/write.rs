//! [`aegis_json`]: a vault's accounts as an Aegis vault, plain or encrypted.

use base64::Engine;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::account::{Account, StoredAccount};
use crate::crypto;
use crate::otp::{Algorithm, Kind, STEAM_DIGITS};

use super::{
    DB_VERSION, GcmParams, HexParams, KEY_LEN, MAX_COUNTER, MAX_PERIOD, PASSWORD_SLOT,
    SCRYPT_LOG_N, SCRYPT_P, SCRYPT_R, VAULT_VERSION, gcm_seal,
};

/// An Aegis vault written by [`aegis_json`].
#[derive(Debug)]
pub struct AegisExport {
    /// The file: UTF-8 JSON.
    pub bytes: Zeroizing<Vec<u8>>,
    /// How many accounts it holds.
    pub written: usize,
    /// The accounts Aegis could not hold, left out of the file.
    pub left_out: Vec<LeftOut>,
}

/// An account left out of an Aegis export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// `Issuer: name`.
    pub label: String,
    /// Why Aegis could not hold it.
    pub reason: String,
}

#[derive(Serialize)]
struct VaultOut<'a, D: Serialize> {
    version: u64,
    header: HeaderOut,
    db: &'a D,
}

#[derive(Serialize)]
struct HeaderOut {
    slots: Option<Vec<SlotOut>>,
    params: Option<HexParams>,
}

#[derive(Serialize)]
pub(super) struct SlotOut {
    #[serde(rename = "type")]
    kind: u64,
    uuid: String,
    key: String,
    key_params: HexParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct DbOut<'a> {
    version: u64,
    entries: Vec<EntryOut<'a>>,
    groups: Vec<GroupOut>,
    icons_optimized: bool,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'a str,
    favorite: bool,
    icon: Option<()>,
    icon_mime: Option<()>,
    icon_hash: Option<()>,
    info: InfoOut,
    groups: Vec<String>,
}

#[derive(Serialize)]
struct InfoOut {
    #[serde(serialize_with = "serialize_zeroizing")]
    secret: Zeroizing<String>,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

fn serialize_zeroizing<S: serde::Serializer>(
    text: &Zeroizing<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

#[derive(Serialize)]
struct GroupOut {
    uuid: String,
    name: String,
}

/// A random version 4 UUID, as Aegis names entries, groups and slots.
fn uuid_v4() -> String {
    let mut b = *crypto::random::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = data_encoding::HEXLOWER.encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Why Aegis cannot hold `account`, if it cannot. (A Steam entry is always SHA1 with 5
/// characters, whatever the account says.)
fn unwritable(account: &Account) -> Option<String> {
    let params = &account.params;
    if account.secret.as_bytes().is_empty() {
        return Some("it has no secret".into());
    }
    match params.kind {
        Kind::Totp { period } | Kind::Steam { period } if period == 0 || period > MAX_PERIOD => {
            return Some(format!(
                "Aegis takes periods of 1 to {MAX_PERIOD} seconds, not {period}"
            ));
        }
        Kind::Hotp { counter } if counter > MAX_COUNTER => {
            return Some(format!("Aegis takes counters up to {MAX_COUNTER}"));
        }
        Kind::Steam { .. } => return None,
        Kind::Totp { .. } | Kind::Hotp { .. } => {}
    }
    if params.algorithm == Algorithm::MD5 {
        return Some("Aegis computes no MD5 codes".into());
    }
    if !(1..=10).contains(&params.digits) {
        return Some(format!("Aegis takes 1 to 10 digits, not {}", params.digits));
    }
    None
}

/// Writes `accounts` as an Aegis vault (format version 1, contents version 3), as Aegis's
/// own export does: plain when `password` is `None`, else encrypted under a random master
/// key wrapped in one password slot (scrypt N = 2^15, r = 8, p = 1, a random 32-byte
/// salt; AES-256-GCM with random 12-byte nonces). Each account's note goes with it and its
/// tags become Aegis groups. Accounts Aegis cannot hold (an MD5 one, say) are left out and
/// listed.
pub fn aegis_json(accounts: &[StoredAccount], password: Option<&str>) -> AegisExport {
    let mut left_out = Vec::new();
    let mut writable = Vec::with_capacity(accounts.len());
    for stored in accounts {
        match unwritable(&stored.account) {
            Some(reason) => left_out.push(LeftOut {
                label: stored.account.label(),
                reason,
            }),
            None => writable.push(stored),
        }
    }
    let tags = |stored: &'_ StoredAccount| -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for tag in stored
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        tags
    };
    let mut group_names: Vec<String> = Vec::new();
    for stored in &writable {
        for tag in tags(stored) {
            if !group_names.contains(&tag) {
                group_names.push(tag);
            }
        }
    }
    let groups: Vec<GroupOut> = group_names
        .into_iter()
        .map(|name| GroupOut {
            uuid: uuid_v4(),
            name,
        })
        .collect();
    let group_uuid = |tag: &str| {
        groups
            .iter()
            .find(|g| g.name == tag)
            .map(|g| g.uuid.clone())
            .expect("every tag has a group")
    };
    let entries: Vec<EntryOut<'_>> = writable
        .iter()
        .map(|stored| {
            let account = &stored.account;
            let params = &account.params;
            let (kind, algo, digits) = match params.kind {
                Kind::Steam { .. } => ("steam", Algorithm::SHA1.as_str(), STEAM_DIGITS),
                kind => (kind.as_str(), params.algorithm.as_str(), params.digits),
            };
            EntryOut {
                kind,
                uuid: uuid_v4(),
                name: &account.name,
                issuer: account.issuer.as_deref().unwrap_or(""),
                note: stored.note.as_deref().unwrap_or(""),
                favorite: false,
                icon: None,
                icon_mime: None,
                icon_hash: None,
                info: InfoOut {
                    secret: account.secret.to_base32(),
                    algo,
                    digits,
                    period: params.period(),
                    counter: params.counter(),
                },
                groups: tags(stored).iter().map(|t| group_uuid(t)).collect(),
            }
        })
        .collect();
    let written = entries.len();
    let db = DbOut {
        version: DB_VERSION,
        entries,
        groups,
        icons_optimized: true,
    };
    let bytes = match password {
        None => to_json(&VaultOut {
            version: VAULT_VERSION,
            header: HeaderOut {
                slots: None,
                params: None,
            },
            db: &db,
        }),
        Some(password) => {
            let contents = to_json(&db);
            let master_key = crypto::random::<KEY_LEN>();
            let (ciphertext, params) = gcm_seal(&master_key, &contents);
            let slot = password_slot(password.as_bytes(), &master_key, true);
            let db_text = base64::engine::general_purpose::STANDARD.encode(&ciphertext);
            to_json(&VaultOut {
                version: VAULT_VERSION,
                header: HeaderOut {
                    slots: Some(vec![slot]),
                    params: Some(hex_params(&params)),
                },
                db: &db_text,
            })
        }
    };
    AegisExport {
        bytes,
        written,
        left_out,
    }
}

/// A password slot holding `master_key` under scrypt(`password`).
pub(super) fn password_slot(
    password: &[u8],
    master_key: &[u8; KEY_LEN],
    repaired: bool,
) -> SlotOut {
    let salt = crypto::random::<32>();
    let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .expect("Aegis's scrypt parameters are valid");
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password, salt.as_ref(), &params, key.as_mut())
        .expect("a 32-byte scrypt output is valid");
    let (wrapped, key_params) = gcm_seal(&key, master_key.as_ref());
    SlotOut {
        kind: PASSWORD_SLOT,
        uuid: uuid_v4(),
        key: data_encoding::HEXLOWER.encode(&wrapped),
        key_params: hex_params(&key_params),
        n: 1 << SCRYPT_LOG_N,
        r: SCRYPT_R,
        p: SCRYPT_P,
        salt: data_encoding::HEXLOWER.encode(salt.as_ref()),
        repaired,
        is_backup: false,
    }
}

fn hex_params(params: &GcmParams) -> HexParams {
    HexParams {
        nonce: data_encoding::HEXLOWER.encode(&params.nonce),
        tag: data_encoding::HEXLOWER.encode(&params.tag),
    }
}

/// Indented JSON, as Aegis writes it.
fn to_json<T: Serialize>(value: &T) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(serde_json::to_vec_pretty(value).expect("these types always serialize"))
}
