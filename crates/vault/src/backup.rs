//! Backups: the whole vault (drafts, outbox, audit log, connections' settings, scans) in
//! one file protected by a passphrase, restorable on another computer.
//!
//! The archive is `header || STREAM ciphertext`. The header (magic, format version,
//! Argon2id parameters, salt, stream nonce) is in the clear and authenticated with every
//! chunk; the key is Argon2id(passphrase, salt), never the keyring's, so the archive opens
//! anywhere the passphrase is known. The body is XChaCha20-Poly1305 STREAM over 64 KiB
//! chunks, as the scans use: memory stays at a few chunks whatever the vault's size, and a
//! changed, reordered or cut-off chunk fails.
//!
//! Inside, a sequence of records: a manifest (JSON: when, how many of what, the audit
//! log's key and vault id, and the key of the database snapshot), the database, each scan
//! decrypted, and an end mark. The database is a SQLCipher copy made by `sqlcipher_export`
//! in one read transaction, so it is consistent while the app goes on writing; it is
//! encrypted under a one-off key that travels only in the manifest.
//!
//! A restore writes nothing in the data folder until the whole archive has been read and
//! authenticated: everything is staged in a folder of its own under one-off keys, then
//! the database is re-keyed to this computer's database key, each scan's key is re-wrapped
//! under this computer's scan key, and only then are they moved into place. The audit
//! log's key comes from the archive (its chain was made with it and must verify with it),
//! stored under a new vault id, so a restored copy never shares an anchor with the vault it
//! came from; a first entry `vault.restored` records the backup it came from.
//!
//! Provider connections' secrets are not in the archive: they stay in the keyring of the
//! computer they were added on, and are added again after a restore.
//!
//! - `format`: the archive's constants, its manifest, and the key derived from the
//!   passphrase, which both sides read.
//! - `write`: making a backup. `restore`: reading one back, staged, then moved in.
//! - `stream`: the chunked cipher stream and its records.

mod format;
mod restore;
mod stream;
mod write;

pub use format::*;
pub use restore::*;
