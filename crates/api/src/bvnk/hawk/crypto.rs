//! The MAC, digests and random bytes the `hawk` crate asks for, from RustCrypto's `hmac` and
//! `sha2` and the system's random source; SHA-256 only, the one BVNK signs with. The crate's default backend is `ring`, which would
//! bring a second SHA-2 (and its own C and assembly) into the binary for this alone.

use hawk::crypto::{CryptoError, Cryptographer, Hasher, HmacKey};
use hawk::DigestAlgorithm;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Makes this the crate's backend, once for the process, before any signing. The crate
/// has no backend otherwise: a MAC asked of it without one would panic.
pub(super) fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only when a backend is already set, and only this sets one.
        let _ = hawk::crypto::set_cryptographer(&RustCrypto);
    });
}

struct RustCrypto;

impl Cryptographer for RustCrypto {
    fn rand_bytes(&self, output: &mut [u8]) -> Result<(), CryptoError> {
        rand::rngs::OsRng
            .try_fill_bytes(output)
            .map_err(|e| CryptoError::Other(e.into()))
    }

    fn new_key(
        &self,
        algorithm: DigestAlgorithm,
        key: &[u8],
    ) -> Result<Box<dyn HmacKey>, CryptoError> {
        Ok(Box::new(Key {
            algorithm,
            key: zeroize::Zeroizing::new(key.to_vec()),
        }))
    }

    fn new_hasher(&self, algorithm: DigestAlgorithm) -> Result<Box<dyn Hasher>, CryptoError> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Digest256(Sha256::new()))),
            other => Err(CryptoError::UnsupportedDigest(other)),
        }
    }

    fn constant_time_compare(&self, a: &[u8], b: &[u8]) -> bool {
        super::constant_time_eq(a, b)
    }
}

struct Key {
    algorithm: DigestAlgorithm,
    key: zeroize::Zeroizing<Vec<u8>>,
}

/// HMAC of `data` under `key`. HMAC takes a key of any length, so `new_from_slice` cannot
/// refuse one; `None` stands for that impossible refusal all the same.
fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    let mut mac = <M as Mac>::new_from_slice(key).ok()?;
    mac.update(data);
    Some(mac.finalize().into_bytes().to_vec())
}

impl HmacKey for Key {
    fn sign(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match self.algorithm {
            DigestAlgorithm::Sha256 => mac::<Hmac<Sha256>>(&self.key, data),
            _ => None,
        }
        .ok_or(CryptoError::UnsupportedDigest(self.algorithm))
    }
}

struct Digest256(Sha256);

impl Hasher for Digest256 {
    fn update(&mut self, data: &[u8]) -> Result<(), CryptoError> {
        self.0.update(data);
        Ok(())
    }

    fn finish(&mut self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.0.finalize_reset().to_vec())
    }
}
