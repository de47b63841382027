//! The vault's two master keys, kept only in the [`SecretStore`] as 64 hex digits.

use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::{Error, Result, SecretStore, Sensitive};

/// The SQLCipher key of the database.
pub const DATABASE_KEY_ENTRY: &str = "database-key";
/// The key that wraps each scan's own key.
pub const SCAN_KEY_ENTRY: &str = "scan-key";

pub(crate) type Key = Zeroizing<[u8; 32]>;

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

pub(crate) fn random_key() -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(key.as_mut());
    key
}

pub(crate) fn load(secrets: &dyn SecretStore, entry: &'static str) -> Result<Option<Key>> {
    let Some(secret) = secrets.get(entry)? else {
        return Ok(None);
    };
    decode_hex(secret.expose().trim())
        .map(Some)
        .ok_or(Error::InvalidKey { entry })
}

/// Makes a new key and stores it, reading it back so a keyring that silently drops writes is
/// caught now rather than after data has been encrypted under a key that is then lost.
pub(crate) fn create(secrets: &dyn SecretStore, entry: &'static str) -> Result<Key> {
    let key = random_key();
    secrets.set(entry, &Sensitive::new(encode_hex(key.as_ref()).to_string()))?;
    match load(secrets, entry)? {
        Some(stored) if stored == key => Ok(key),
        _ => Err(Error::Keyring(format!(
            "the new entry `{entry}` could not be read back"
        ))),
    }
}

pub(crate) fn encode_hex(bytes: &[u8]) -> Zeroizing<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Zeroizing::new(String::with_capacity(bytes.len() * 2));
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

pub(crate) fn decode_hex(text: &str) -> Option<Key> {
    let text = text.as_bytes();
    if text.len() != 64 {
        return None;
    }
    let mut key = Zeroizing::new([0u8; 32]);
    for (byte, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(key)
}

fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;

    #[test]
    fn keys_round_trip_through_hex() {
        let key = random_key();
        assert_eq!(decode_hex(&encode_hex(key.as_ref())).unwrap(), key);
        assert!(decode_hex("zz").is_none());
        assert!(decode_hex(&"g".repeat(64)).is_none());
    }

    #[test]
    fn a_created_key_is_stored_and_a_garbled_one_is_refused() {
        let store = MemoryStore::default();
        let key = create(&store, DATABASE_KEY_ENTRY).unwrap();
        assert_eq!(load(&store, DATABASE_KEY_ENTRY).unwrap().unwrap(), key);
        store
            .set(DATABASE_KEY_ENTRY, &Sensitive::new("not hex".into()))
            .unwrap();
        assert!(matches!(
            load(&store, DATABASE_KEY_ENTRY),
            Err(Error::InvalidKey { .. })
        ));
    }
}
