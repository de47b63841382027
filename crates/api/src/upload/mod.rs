//! The documents an upload sends: each one's source, opened afresh for every attempt, and
//! how far an upload has got. `stream` carries a source's bytes to the connection.

pub(crate) mod stream;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures::Stream;
use tokio::io::AsyncRead;

/// How much of a file on disk is read at a time, on its own thread. Against 64 KiB, a
/// quarter of the hand-overs between that thread, the runtime and the socket; 1 MiB
/// chunks no longer stay in cache and are slower again (`cargo xtask bench upload`).
const FILE_CHUNK_BYTES: usize = 256 * 1024;

/// How many chunks a file read on a thread may be ahead of the connection: with those the
/// connection holds, about 2 MiB of a file in memory at most.
const CHUNKS_AHEAD: usize = 4;

/// A readable source of one document's bytes, e.g. decrypted chunks from the vault.
pub type UploadReader = Box<dyn AsyncRead + Send + Unpin>;

/// A source of one document's bytes as chunks already in memory, e.g. read on a thread into
/// a small channel: each chunk goes to the connection as it is, without another copy.
pub type UploadChunks = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A source as opened for one attempt.
pub(crate) enum Opened {
    Reader(UploadReader),
    Chunks(UploadChunks),
}

type OpenFuture = Pin<Box<dyn Future<Output = std::io::Result<Opened>> + Send>>;
type Opener = Arc<dyn Fn() -> OpenFuture + Send + Sync>;

/// One document to upload. Its source is opened afresh for every attempt, so a retry
/// resends from the first byte without anything having been kept in memory.
pub struct UploadFile {
    pub file_name: String,
    /// application/pdf, image/jpeg or image/png
    pub mime: String,
    /// The exact number of bytes the source yields.
    pub length: u64,
    pub(crate) open: Opener,
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl UploadFile {
    /// A source read through [`AsyncRead`], in pieces of at most 64 KiB.
    pub fn new<F, Fut>(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        length: u64,
        open: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<UploadReader>> + Send + 'static,
    {
        let open = Arc::new(open);
        Self::opened_by(file_name, mime, length, move || {
            let opening = open();
            async move { opening.await.map(Opened::Reader) }
        })
    }

    /// A source that yields its bytes in chunks of its own making, each passed on as it is
    /// (no copy), so the source decides how much of the document is in memory at once.
    pub fn from_chunks<F, Fut>(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        length: u64,
        open: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<UploadChunks>> + Send + 'static,
    {
        let open = Arc::new(open);
        Self::opened_by(file_name, mime, length, move || {
            let opening = open();
            async move { opening.await.map(Opened::Chunks) }
        })
    }

    fn opened_by<F, Fut>(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        length: u64,
        open: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<Opened>> + Send + 'static,
    {
        Self {
            file_name: file_name.into(),
            mime: mime.into(),
            length,
            open: Arc::new(move || Box::pin(open())),
        }
    }

    /// A plain file on disk, named after its last path component, read on a thread of its
    /// own into a small channel.
    pub async fn from_path(
        path: impl Into<PathBuf>,
        mime: impl Into<String>,
    ) -> std::io::Result<Self> {
        let path: PathBuf = path.into();
        let length = tokio::fs::metadata(&path).await?.len();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document".to_owned());
        Ok(Self::from_chunks(file_name, mime, length, move || {
            let path = path.clone();
            async move {
                // Opened here rather than on the thread, so a missing file fails the
                // attempt before anything is sent.
                let file = tokio::fs::File::open(path).await?.into_std().await;
                Ok(read_on_thread(file))
            }
        }))
    }
}

/// Reads `file` on a blocking thread, [`FILE_CHUNK_BYTES`] at a time, at most
/// [`CHUNKS_AHEAD`] chunks ahead of the connection. The thread stops when the chunks are
/// no longer wanted (the upload finished, failed or was cancelled).
fn read_on_thread(mut file: std::fs::File) -> UploadChunks {
    let (sender, mut receiver) = tokio::sync::mpsc::channel(CHUNKS_AHEAD);
    // Buffers come back once the connection has written them, so the same few, already in
    // memory and in cache, carry the whole file: fresh ones for each chunk cost page
    // faults, and more time than reading the file.
    let (home, returned) = std::sync::mpsc::channel::<Vec<u8>>();
    tokio::task::spawn_blocking(move || loop {
        let mut buffer = returned
            .try_recv()
            .unwrap_or_else(|_| vec![0; FILE_CHUNK_BYTES]);
        let item = match fill(&mut file, &mut buffer) {
            Ok(0) => return,
            Ok(len) => Ok(Bytes::from_owner(Recycled {
                buffer,
                len,
                home: home.clone(),
            })),
            Err(error) => Err(error),
        };
        let failed = item.is_err();
        if sender.blocking_send(item).is_err() || failed {
            return;
        }
    });
    Box::pin(futures::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
}

/// Reads until `buffer` is full or the file ends; answers how much was read.
fn fill(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// A chunk whose buffer goes back to its maker once the last [`Bytes`] of it is dropped.
pub(crate) struct Recycled {
    pub(crate) buffer: Vec<u8>,
    pub(crate) len: usize,
    pub(crate) home: std::sync::mpsc::Sender<Vec<u8>>,
}

impl AsRef<[u8]> for Recycled {
    fn as_ref(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        // A reader that has finished no longer wants it; it is then freed here.
        let _ = self.home.send(std::mem::take(&mut self.buffer));
    }
}

/// How far an upload has got: bytes handed to the connection so far in this attempt, out of
/// all the files' bytes. A retry starts again from 0 with the next `attempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    pub sent: u64,
    pub total: u64,
    pub attempt: u32,
}

pub type ProgressFn = Arc<dyn Fn(UploadProgress) + Send + Sync>;
