//! The pull side of libsodium's `crypto_secretstream_xchacha20poly1305`, for the first
//! message of a stream: all Ente Auth's encrypted export needs.
//!
//! No maintained RustCrypto crate implements secretstream, so this follows libsodium's
//! `crypto_secretstream_xchacha20poly1305_init_pull` and `_pull` step by step
//! (libsodium `src/libsodium/crypto_secretstream/xchacha20poly1305/secretstream_xchacha20poly1305.c`),
//! built on `chacha20` (HChaCha20, IETF ChaCha20) and `poly1305`:
//!
//! - init: the stream key is `HChaCha20(key, header[0..16])`; the 12-byte IETF nonce is
//!   a 32-bit little-endian counter, 1 at the start, followed by `header[16..24]`.
//! - a message is `encrypted tag byte ‖ ciphertext ‖ 16-byte MAC` (17 bytes more than the
//!   plaintext). ChaCha20 block 0 gives the Poly1305 key; the tag byte is the first byte
//!   of a 64-byte block encrypted at block counter 1; the plaintext is encrypted from
//!   block counter 2.
//! - the MAC covers: the associated data (none here) and its padding, the 64-byte tag
//!   block with its first byte replaced by the encrypted tag byte, the ciphertext, a
//!   padding of `(16 - 64 + length) mod 16` zero bytes (libsodium's expression, which is
//!   `length mod 16`, not the AEAD padding), then the associated data's length and
//!   `64 + length`, both as 64-bit little-endian.
//!
//! Later messages (which would update the nonce with the MAC and bump the counter) are
//! never needed: an export is one message.

use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::{ChaCha20, R20, hchacha};
use poly1305::Poly1305;
use poly1305::universal_hash::KeyInit;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Bytes of the stream header (Ente's `encryptionNonce`).
pub const HEADER_BYTES: usize = 24;
/// Bytes a message has beyond its plaintext: the tag byte and the MAC.
pub const ABYTES: usize = 1 + MAC_BYTES;
/// The tag of an ordinary message.
pub const TAG_MESSAGE: u8 = 0;
/// The tag of a stream's last message (`TAG_PUSH | TAG_REKEY`).
pub const TAG_FINAL: u8 = 3;

const MAC_BYTES: usize = 16;
const BLOCK_BYTES: usize = 64;
const KEY_BYTES: usize = 32;

/// Why a message could not be pulled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullError {
    /// Shorter than [`ABYTES`]: not a message at all.
    TooShort,
    /// The MAC does not match: the wrong key, or altered bytes.
    Forged,
}

/// A message pulled from a stream: its tag and plaintext.
pub struct Message {
    /// [`TAG_MESSAGE`], [`TAG_FINAL`], or another libsodium tag.
    pub tag: u8,
    /// The plaintext.
    pub plaintext: Zeroizing<Vec<u8>>,
}

/// Pulls the first message of the stream that `header` starts, under `key`.
pub fn pull_first(
    key: &[u8; KEY_BYTES],
    header: &[u8; HEADER_BYTES],
    input: &[u8],
) -> Result<Message, PullError> {
    if input.len() < ABYTES {
        return Err(PullError::TooShort);
    }
    let mut chacha = stream_cipher(key, header);

    // Block 0: the one-time Poly1305 key.
    let mut block = Zeroizing::new([0u8; BLOCK_BYTES]);
    chacha.apply_keystream(block.as_mut());
    let mac = Poly1305::new_from_slice(&block[..KEY_BYTES]).expect("32 bytes is a Poly1305 key");

    // Block 1: the tag, encrypted as the first byte of a 64-byte block.
    block.fill(0);
    block[0] = input[0];
    chacha.apply_keystream(block.as_mut());
    let tag = block[0];
    block[0] = input[0];

    let length = input.len() - ABYTES;
    let ciphertext = &input[1..1 + length];
    let stored_mac = &input[1 + length..];
    let computed = mac.compute_unpadded(&mac_input(&block, ciphertext));
    if !bool::from(computed.as_slice().ct_eq(stored_mac)) {
        return Err(PullError::Forged);
    }

    // Blocks 2…: the plaintext (the cipher now stands at block 2).
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    chacha.apply_keystream(&mut plaintext);
    Ok(Message { tag, plaintext })
}

/// IETF ChaCha20 under the stream key, with the stream's nonce (counter 1).
fn stream_cipher(key: &[u8; KEY_BYTES], header: &[u8; HEADER_BYTES]) -> ChaCha20 {
    let input: &[u8; 16] = header[..16].try_into().expect("16 bytes");
    let subkey = Zeroizing::new(hchacha::<R20>(key.into(), input.into()));
    let mut nonce = [0u8; 12];
    nonce[..4].copy_from_slice(&1u32.to_le_bytes());
    nonce[4..].copy_from_slice(&header[16..]);
    ChaCha20::new(&subkey, &nonce.into())
}

/// What the MAC covers (no associated data, so its padding and length are empty and 0).
fn mac_input(tag_block: &[u8; BLOCK_BYTES], ciphertext: &[u8]) -> Zeroizing<Vec<u8>> {
    let padding = 0x10usize
        .wrapping_sub(BLOCK_BYTES)
        .wrapping_add(ciphertext.len())
        & 0xf;
    let mut data = Zeroizing::new(Vec::with_capacity(
        BLOCK_BYTES + ciphertext.len() + padding + 16,
    ));
    data.extend_from_slice(tag_block);
    data.extend_from_slice(ciphertext);
    data.extend(std::iter::repeat_n(0, padding));
    data.extend_from_slice(&0u64.to_le_bytes());
    let covered = (BLOCK_BYTES + ciphertext.len()) as u64;
    data.extend_from_slice(&covered.to_le_bytes());
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made with libsodium's `crypto_secretstream_xchacha20poly1305_push` under the key
    /// 00 01 … 1f: (plaintext length, header, message). The plaintext's byte i is
    /// `(7i + 3) mod 256`; odd lengths were pushed with `TAG_FINAL`, even ones with
    /// `TAG_MESSAGE`. The lengths cover each case of the MAC's padding.
    const VECTORS: [(usize, &str, &str); 6] = [
        (
            0,
            "2bcf277e09915065a57fceb36de15857861762b013bf50d0",
            "3773e765982b3b866fdf161394e8901c00",
        ),
        (
            1,
            "94e53294cde0e0f821fa3fe5a0ba3ffe72d40c9871910d43",
            "54ccebe2c7d008223a6504ad53eff775272e",
        ),
        (
            15,
            "42e85f9a71150f63249ee0cfcce66245a464bc154c4d597b",
            "5d5c49bd1be9ef235a6ffd8cd168c9e0391f2d8d76c53c057fc0714d0e77319b",
        ),
        (
            16,
            "da79aedc426bb071b1f477dee78eb1d41330f4cdc194f2e1",
            "db65ea9aae9c590d89ab513f2eec8428d861f3cb9d2ee765860de2975be167945a",
        ),
        (
            17,
            "b01914416c5fdc28aad50ad0b1b5f0da477b96814f34e888",
            "a1ca29bbd687a0bd06e5f1719fe382cfde8019500cca2bd049b047c3a58f23137b81",
        ),
        (
            100,
            "bda6a60139c5c6c7b39b30b2c0a535cb92a588beffcb95d1",
            "bbcb42ec1e6f98bfe3344cd7e0674ad76e8ada2ed171cde095a63e01342f1dbe02881e1dbaaba387bfa9e96fef806df7f09af66b5d9fc5f9b933f1ed0362ed676624231e8f412911983eab20d823267f25b7cff0ab93a5f802fe11f1cf26ee649063c33283b9677df3c80f6965f4dc2ac32ef6911c",
        ),
    ];

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn key() -> [u8; KEY_BYTES] {
        std::array::from_fn(|i| i as u8)
    }

    #[test]
    fn pulls_what_libsodium_pushed() {
        for (length, header, message) in VECTORS {
            let header: [u8; HEADER_BYTES] = hex(header).try_into().unwrap();
            let pulled = pull_first(&key(), &header, &hex(message)).unwrap();
            let expected: Vec<u8> = (0..length).map(|i| ((i * 7 + 3) % 256) as u8).collect();
            assert_eq!(*pulled.plaintext, expected, "length {length}");
            let tag = if length % 2 == 1 {
                TAG_FINAL
            } else {
                TAG_MESSAGE
            };
            assert_eq!(pulled.tag, tag, "length {length}");
        }
    }

    #[test]
    fn any_change_is_refused() {
        let (_, header, message) = VECTORS[5];
        let header: [u8; HEADER_BYTES] = hex(header).try_into().unwrap();
        let message = hex(message);
        for i in [0, 1, message.len() / 2, message.len() - 1] {
            let mut changed = message.clone();
            changed[i] ^= 1;
            assert_eq!(
                pull_first(&key(), &header, &changed).err(),
                Some(PullError::Forged),
                "byte {i}"
            );
        }
        let mut other_key = key();
        other_key[0] ^= 1;
        assert_eq!(
            pull_first(&other_key, &header, &message).err(),
            Some(PullError::Forged)
        );
        let mut other_header = header;
        other_header[20] ^= 1;
        assert_eq!(
            pull_first(&key(), &other_header, &message).err(),
            Some(PullError::Forged)
        );
        assert_eq!(
            pull_first(&key(), &header, &message[..ABYTES - 1]).err(),
            Some(PullError::TooShort)
        );
        assert_eq!(
            pull_first(&key(), &header, &message[..ABYTES]).err(),
            Some(PullError::Forged)
        );
    }
}
