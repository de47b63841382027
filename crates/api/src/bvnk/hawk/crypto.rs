//! The MAC, digests and random bytes the `hawk` crate asks for, from RustCrypto's `hmac`
//! and `sha2` and the system's random source; SHA-256 only, the one BVNK signs with. The
//! crate's default backend is `ring`, which would bring a second SHA-2 (and its own C and
//! assembly) into the binary for this alone.

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
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Key(zeroize::Zeroizing::new(key.to_vec())))),
            other => Err(CryptoError::UnsupportedDigest(other)),
        }
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

/// An HMAC-SHA-256 key.
struct Key(zeroize::Zeroizing<Vec<u8>>);

impl HmacKey for Key {
    fn sign(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        // HMAC takes a key of any length: `new_from_slice` refuses none.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .map_err(|_| CryptoError::UnsupportedDigest(DigestAlgorithm::Sha256))?;
        mac.update(data);
        Ok(mac.finalize().into_bytes().to_vec())
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
