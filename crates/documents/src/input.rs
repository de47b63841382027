use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::CheckConfig;
use crate::error::{Error, Result};

/// How many leading bytes are enough to recognise every format we care about
/// (ISO-BMFF `ftyp` boxes list compatible brands well within this).
pub const HEADER_BYTES: usize = 8 * 1024;

/// A file as far as it was read: always its first bytes, and its whole content
/// only when it is small enough to be accepted at all. It is what the document reader's
/// process receives: the file is read here, decoded there.
#[derive(Serialize, Deserialize)]
pub struct Input {
    pub file_name: Option<String>,
    pub extension: Option<String>,
    pub file_bytes: u64,
    #[serde(with = "serde_bytes")]
    pub header: Vec<u8>,
    /// `None` when the file is over `max_file_bytes` and was not read further.
    #[serde(with = "serde_bytes")]
    pub body: Option<Vec<u8>>,
    pub sha256: Option<String>,
}

impl Input {
    pub fn from_path(path: &Path, cfg: &CheckConfig) -> Result<Self> {
        let io_err = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        // Looked at before it is opened: opening a named pipe blocks until something writes
        // to it, and a device reads without end.
        if !std::fs::metadata(path).map_err(io_err)?.is_file() {
            return Err(io_err(io::Error::other("it is not a regular file")));
        }
        let file = File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if !meta.is_file() {
            return Err(io_err(io::Error::other("it is not a regular file")));
        }
        let file_bytes = meta.len();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());

        if file_bytes > cfg.max_file_bytes {
            // Only enough to say what the file is; the rest would be refused anyway.
            let mut header = Vec::with_capacity(HEADER_BYTES);
            file.take(HEADER_BYTES as u64)
                .read_to_end(&mut header)
                .map_err(io_err)?;
            return Ok(Input {
                file_name,
                extension,
                file_bytes,
                header,
                body: None,
                sha256: None,
            });
        }

        // The file may grow between stat and read; `take` keeps the read bounded
        // and an overshoot is then reported as too large.
        let mut body = Vec::with_capacity(usize::try_from(file_bytes).unwrap_or(0));
        let mut hasher = Sha256::new();
        let mut reader = file.take(cfg.max_file_bytes.saturating_add(1));
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            };
            hasher.update(&chunk[..n]);
            body.extend_from_slice(&chunk[..n]);
        }
        let read = body.len() as u64;
        let header = body[..body.len().min(HEADER_BYTES)].to_vec();
        if read > cfg.max_file_bytes {
            return Ok(Input {
                file_name,
                extension,
                file_bytes: read,
                header,
                body: None,
                sha256: None,
            });
        }
        Ok(Input {
            file_name,
            extension,
            file_bytes: read,
            header,
            body: Some(body),
            sha256: Some(hex(&hasher.finalize())),
        })
    }

    pub fn from_bytes(bytes: &[u8], cfg: &CheckConfig) -> Self {
        let file_bytes = bytes.len() as u64;
        let fits = file_bytes <= cfg.max_file_bytes;
        Input {
            file_name: None,
            extension: None,
            file_bytes,
            header: bytes[..bytes.len().min(HEADER_BYTES)].to_vec(),
            body: fits.then(|| bytes.to_vec()),
            sha256: fits.then(|| sha256_hex(bytes)),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
