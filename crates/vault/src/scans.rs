//! Scans of ID documents, each in its own encrypted file `<data_dir>/scans/<id>.bin`.
//!
//! A file is `header || STREAM ciphertext`. The header holds the scan's own random key,
//! wrapped (XChaCha20-Poly1305) by the master key from the keyring with the scan's id and
//! the header as associated data, so a file renamed to another id does not open. The body is the STREAM
//! construction (XChaCha20-Poly1305, 32-bit big-endian counter, last-chunk flag) over 64 KiB
//! chunks: memory stays at a few chunks whatever the file's size, and reordering, altering
//! or cutting chunks off is detected. Only ciphertext ever touches the disk.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use rusqlite::{params, ErrorCode, OptionalExtension};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::keys::{random_bytes, random_key, Key};
use crate::types::{column, time_column, timestamp};
use crate::{DraftId, Error, Result, ScanId, Vault};

/// The folder inside the data folder that holds the scan files.
pub const SCANS_DIR: &str = "scans";

const MAGIC: &[u8; 8] = b"BDSCAN\x00\x01";
const WRAP_NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const WRAPPED_KEY_LEN: usize = 32 + TAG_LEN;
/// XChaCha20's 24-byte nonce less STREAM's 4-byte counter and 1-byte last flag.
const STREAM_NONCE_LEN: usize = 19;
const HEADER_LEN: usize = MAGIC.len() + WRAP_NONCE_LEN + WRAPPED_KEY_LEN + STREAM_NONCE_LEN;
const CHUNK: usize = 64 * 1024;
const SEALED_CHUNK: usize = CHUNK + TAG_LEN;

/// Leftovers younger than this may belong to a `put_scan` still running in another
/// process, so the sweep at open leaves them for a later one.
const SWEEP_AGE: Duration = Duration::from_secs(10 * 60);

/// A stored scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanInfo {
    pub id: ScanId,
    pub draft_id: DraftId,
    /// The plaintext's length in bytes.
    pub size: u64,
    pub created_at: DateTime<Utc>,
}

/// What the key wrap authenticates besides the key: with the stream nonce in it, every
/// header byte is checked before any chunk is read.
fn header_aad(id: ScanId, stream_nonce: &[u8]) -> Vec<u8> {
    let mut aad = MAGIC.to_vec();
    aad.extend_from_slice(id.0.as_bytes());
    aad.extend_from_slice(stream_nonce);
    aad
}

/// Reads until `buf` is full or the input ends, so every chunk but the last is full size.
pub(crate) fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

pub(crate) fn new_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

impl Vault {
    fn scans_dir(&self) -> PathBuf {
        self.dir.join(SCANS_DIR)
    }

    fn scan_path(&self, id: ScanId) -> PathBuf {
        self.scans_dir().join(format!("{id}.bin"))
    }

    /// Encrypts everything `plaintext` yields into a new scan of `draft`. The bytes are
    /// streamed: at most two 64 KiB chunks are held at once.
    pub fn put_scan(&self, draft: DraftId, mut plaintext: impl Read) -> Result<ScanId> {
        self.require_draft(draft)?;
        let dir = self.scans_dir();
        crate::data_dir(Some(&dir))?;
        let id = ScanId::new();
        let part = dir.join(format!("{id}.bin.part"));
        let path = self.scan_path(id);

        let written = self
            .write_encrypted(id, &part, &mut plaintext)
            .and_then(|size| {
                std::fs::rename(&part, &path)
                    .map_err(|e| Error::io("naming the scan file", &path, e))?;
                sync_dir(&dir)?;
                Ok(size)
            });
        let size = match written {
            Ok(size) => size,
            Err(error) => {
                let _ = std::fs::remove_file(&part);
                return Err(error);
            }
        };

        let inserted = self.conn().execute(
            "INSERT INTO scans (id, draft_id, size, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                id.to_string(),
                draft.to_string(),
                i64::try_from(size).unwrap_or(i64::MAX),
                timestamp(Utc::now())
            ],
        );
        if let Err(error) = inserted {
            let _ = std::fs::remove_file(&path);
            return Err(match error {
                // The draft was deleted while its scan was being written.
                rusqlite::Error::SqliteFailure(e, _)
                    if e.code == ErrorCode::ConstraintViolation =>
                {
                    Error::DraftNotFound(draft)
                }
                other => other.into(),
            });
        }
        Ok(id)
    }

    /// [`Vault::put_scan`] from a file, e.g. one the documents pipeline just wrote.
    pub fn put_scan_file(&self, draft: DraftId, path: &Path) -> Result<ScanId> {
        let file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
        self.put_scan(draft, file)
    }

    fn write_encrypted(&self, id: ScanId, part: &Path, plaintext: &mut impl Read) -> Result<u64> {
        encrypt_scan(&self.scan_key, id, part, plaintext)
    }

    /// A reader that decrypts the scan as it is read. Tampering or truncation shows as an
    /// [`io::ErrorKind::InvalidData`] error from `read`, never as wrong bytes; a damaged
    /// header already fails here.
    pub fn open_scan(&self, id: ScanId) -> Result<ScanReader> {
        let known: Option<String> = self
            .conn()
            .query_row(
                "SELECT id FROM scans WHERE id = ?1",
                [id.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        if known.is_none() {
            return Err(Error::ScanNotFound(id));
        }
        let path = self.scan_path(id);
        let mut file = File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::ScanNotFound(id),
            _ => Error::io("opening", &path, e),
        })?;
        let mut header = [0u8; HEADER_LEN];
        let got = read_full(&mut file, &mut header).map_err(|e| Error::io("reading", &path, e))?;
        if got < HEADER_LEN || &header[..MAGIC.len()] != MAGIC {
            return Err(Error::ScanCorrupt(id));
        }
        let (wrap_nonce, rest) = header[MAGIC.len()..].split_at(WRAP_NONCE_LEN);
        let (wrapped, stream_nonce) = rest.split_at(WRAPPED_KEY_LEN);
        let file_key = Zeroizing::new(
            XChaCha20Poly1305::new(GenericArray::from_slice(self.scan_key.as_ref()))
                .decrypt(
                    XNonce::from_slice(wrap_nonce),
                    Payload {
                        msg: wrapped,
                        aad: &header_aad(id, stream_nonce),
                    },
                )
                .map_err(|_| Error::ScanCorrupt(id))?,
        );
        if file_key.len() != 32 {
            return Err(Error::ScanCorrupt(id));
        }
        let cipher = XChaCha20Poly1305::new(GenericArray::from_slice(&file_key));
        let decryptor = DecryptorBE32::from_aead(cipher, GenericArray::from_slice(stream_nonce));

        let mut sealed = vec![0u8; SEALED_CHUNK];
        let len = read_full(&mut file, &mut sealed).map_err(|e| Error::io("reading", &path, e))?;
        sealed.truncate(len);
        Ok(ScanReader {
            id,
            file,
            state: ReaderState::Reading(Box::new(decryptor)),
            sealed,
            plain: Zeroizing::new(Vec::new()),
            pos: 0,
        })
    }

    /// The scans of a draft, oldest first.
    pub fn list_scans(&self, draft: DraftId) -> Result<Vec<ScanInfo>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT id, draft_id, size, created_at FROM scans WHERE draft_id = ?1
             ORDER BY created_at, id",
        )?;
        let rows = statement.query_map([draft.to_string()], |row| {
            Ok(ScanInfo {
                id: column(row, 0)?,
                draft_id: column(row, 1)?,
                size: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                created_at: time_column(row, 3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a scan and its file; `false` if there was none.
    pub fn delete_scan(&self, id: ScanId) -> Result<bool> {
        let changed = self
            .conn()
            .execute("DELETE FROM scans WHERE id = ?1", [id.to_string()])?;
        self.remove_scan_file(id)?;
        Ok(changed > 0)
    }

    pub(crate) fn remove_scan_file(&self, id: ScanId) -> Result<()> {
        let path = self.scan_path(id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("deleting", &path, e)),
        }
    }

    /// Removes what a crash or a failed delete left behind: half-written `.part` files and
    /// scan files whose row is gone.
    pub(crate) fn sweep_scans(&self) -> Result<()> {
        let dir = self.scans_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("listing", &dir, e)),
        };
        let now = SystemTime::now();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("listing", &dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age >= SWEEP_AGE);
            let orphan = if name.ends_with(".bin.part") {
                true
            } else if let Some(id) = name.strip_suffix(".bin") {
                let known: bool = self.conn().query_row(
                    "SELECT EXISTS (SELECT 1 FROM scans WHERE id = ?1)",
                    [id],
                    |row| row.get(0),
                )?;
                !known
            } else {
                false
            };
            if orphan && stale {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|e| Error::io("deleting", &path, e))?;
            }
        }
        Ok(())
    }

    pub(crate) fn require_draft(&self, id: DraftId) -> Result<()> {
        let exists: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM drafts WHERE id = ?1)",
            [id.to_string()],
            |row| row.get(0),
        )?;
        if exists {
            Ok(())
        } else {
            Err(Error::DraftNotFound(id))
        }
    }
}

/// Encrypts `plaintext` into a new scan file `part` for scan `id`, its own key wrapped by
/// `master`; the plaintext's length. Used by the vault and by a restore, which stages
/// scans under a key of its own until the archive has proved whole.
pub(crate) fn encrypt_scan(
    master: &Key,
    id: ScanId,
    part: &Path,
    plaintext: &mut impl Read,
) -> Result<u64> {
    let io_error = |e| Error::io("writing the scan file", part, e);
    let file_key = random_key();
    let wrap_nonce: [u8; WRAP_NONCE_LEN] = random_bytes();
    let stream_nonce: [u8; STREAM_NONCE_LEN] = random_bytes();
    let wrapped = XChaCha20Poly1305::new(GenericArray::from_slice(master.as_ref()))
        .encrypt(
            XNonce::from_slice(&wrap_nonce),
            Payload {
                msg: file_key.as_ref(),
                aad: &header_aad(id, &stream_nonce),
            },
        )
        .map_err(|_| Error::Corrupt("wrapping a scan key failed".into()))?;

    let mut out = BufWriter::with_capacity(SEALED_CHUNK, new_private_file(part).map_err(io_error)?);
    out.write_all(MAGIC).map_err(io_error)?;
    out.write_all(&wrap_nonce).map_err(io_error)?;
    out.write_all(&wrapped).map_err(io_error)?;
    out.write_all(&stream_nonce).map_err(io_error)?;

    let cipher = XChaCha20Poly1305::new(GenericArray::from_slice(file_key.as_ref()));
    let mut encryptor = EncryptorBE32::from_aead(cipher, GenericArray::from_slice(&stream_nonce));
    let seal_failed = || Error::Corrupt("encrypting a scan chunk failed".into());
    let read_error = |e| Error::io("reading the scan to store from", part, e);
    // The last chunk must be sealed as last, so one chunk is read ahead to know it.
    let mut current = Zeroizing::new(vec![0u8; CHUNK]);
    let mut next = Zeroizing::new(vec![0u8; CHUNK]);
    let mut current_len = read_full(plaintext, &mut current).map_err(read_error)?;
    let mut size = current_len as u64;
    loop {
        let next_len = if current_len == CHUNK {
            read_full(plaintext, &mut next).map_err(read_error)?
        } else {
            0
        };
        if next_len == 0 {
            let sealed = encryptor
                .encrypt_last(&current[..current_len])
                .map_err(|_| seal_failed())?;
            out.write_all(&sealed).map_err(io_error)?;
            break;
        }
        let sealed = encryptor
            .encrypt_next(&current[..current_len])
            .map_err(|_| seal_failed())?;
        out.write_all(&sealed).map_err(io_error)?;
        std::mem::swap(&mut current, &mut next);
        current_len = next_len;
        size += next_len as u64;
    }
    let file = out.into_inner().map_err(|e| io_error(e.into_error()))?;
    file.sync_all().map_err(io_error)?;
    Ok(size)
}

/// Re-wraps the key of scan file `path` (scan `id`) from master key `from` to `to`, in
/// place: the body, encrypted under the scan's own key, is untouched.
pub(crate) fn rewrap_scan(path: &Path, id: ScanId, from: &Key, to: &Key) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("opening", path, e))?;
    let mut header = [0u8; HEADER_LEN];
    let got = read_full(&mut file, &mut header).map_err(|e| Error::io("reading", path, e))?;
    if got < HEADER_LEN || &header[..MAGIC.len()] != MAGIC {
        return Err(Error::ScanCorrupt(id));
    }
    let (wrap_nonce, rest) = header[MAGIC.len()..].split_at(WRAP_NONCE_LEN);
    let (wrapped, stream_nonce) = rest.split_at(WRAPPED_KEY_LEN);
    let aad = header_aad(id, stream_nonce);
    let file_key = Zeroizing::new(
        XChaCha20Poly1305::new(GenericArray::from_slice(from.as_ref()))
            .decrypt(
                XNonce::from_slice(wrap_nonce),
                Payload {
                    msg: wrapped,
                    aad: &aad,
                },
            )
            .map_err(|_| Error::ScanCorrupt(id))?,
    );
    let new_nonce: [u8; WRAP_NONCE_LEN] = random_bytes();
    let rewrapped = XChaCha20Poly1305::new(GenericArray::from_slice(to.as_ref()))
        .encrypt(
            XNonce::from_slice(&new_nonce),
            Payload {
                msg: file_key.as_ref(),
                aad: &aad,
            },
        )
        .map_err(|_| Error::Corrupt("wrapping a scan key failed".into()))?;
    file.seek(SeekFrom::Start(MAGIC.len() as u64))
        .and_then(|_| file.write_all(&new_nonce))
        .and_then(|()| file.write_all(&rewrapped))
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io("writing", path, e))
}

#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    // Makes the rename itself durable, not only the file's contents.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("syncing", dir, e))
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}

enum ReaderState {
    Reading(Box<DecryptorBE32<XChaCha20Poly1305>>),
    Finished,
    Failed,
}

/// A scan being decrypted as it is read; see [`Vault::open_scan`].
pub struct ScanReader {
    id: ScanId,
    file: File,
    state: ReaderState,
    /// The next sealed chunk, read ahead to learn whether it is the last.
    sealed: Vec<u8>,
    plain: Zeroizing<Vec<u8>>,
    pos: usize,
}

impl std::fmt::Debug for ScanReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanReader")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl ScanReader {
    pub fn id(&self) -> ScanId {
        self.id
    }

    fn corrupt(&mut self) -> io::Error {
        self.state = ReaderState::Failed;
        io::Error::new(io::ErrorKind::InvalidData, Error::ScanCorrupt(self.id))
    }

    fn refill(&mut self) -> io::Result<()> {
        let decryptor = match std::mem::replace(&mut self.state, ReaderState::Failed) {
            ReaderState::Reading(decryptor) => decryptor,
            ReaderState::Finished => {
                self.state = ReaderState::Finished;
                return Ok(());
            }
            ReaderState::Failed => return Err(self.corrupt()),
        };
        let mut next = Vec::new();
        if self.sealed.len() == SEALED_CHUNK {
            next.resize(SEALED_CHUNK, 0);
            let len = read_full(&mut self.file, &mut next)?;
            next.truncate(len);
        }
        let opened = if next.is_empty() {
            decryptor.decrypt_last(self.sealed.as_slice())
        } else {
            let mut decryptor = decryptor;
            let opened = decryptor.decrypt_next(self.sealed.as_slice());
            self.state = ReaderState::Reading(decryptor);
            self.sealed = next;
            opened
        };
        match opened {
            Ok(plain) => {
                if matches!(self.state, ReaderState::Failed) {
                    self.state = ReaderState::Finished;
                }
                self.plain = Zeroizing::new(plain);
                self.pos = 0;
                Ok(())
            }
            Err(_) => Err(self.corrupt()),
        }
    }
}

impl Read for ScanReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.plain.len() {
            if matches!(self.state, ReaderState::Finished) {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.plain.len() - self.pos);
        buf[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
