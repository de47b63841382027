//! A document's bytes on their way to the connection: read from its source, checked
//! against its declared length, counted for progress, and stopped by cancelling.
//! Shared by Fin.com's multipart upload and BVNK's base64 documents body.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use tokio::io::AsyncReadExt;
use tokio_util::sync::CancellationToken;

use super::{Opened, ProgressFn, UploadProgress};
use crate::exchange::Activity;

/// How much of a document is read from an [`UploadReader`] at a time: the most of it held
/// in memory per file, give or take what the HTTP stack has in flight.
///
/// [`UploadReader`]: super::UploadReader
const CHUNK_BYTES: usize = 64 * 1024;

/// Progress is reported after this many more bytes, or after [`PROGRESS_EVERY`].
const PROGRESS_BYTES: u64 = 64 * 1024;
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Counts the bytes handed to the connection and tells the caller, throttled.
pub(crate) struct Meter {
    total: u64,
    attempt: u32,
    sent: AtomicU64,
    last: StdMutex<(u64, Instant)>,
    progress: ProgressFn,
    /// Touched as the connection takes each chunk: an upload that stops moving fails on
    /// the idle timeout, however long its total.
    activity: Arc<Activity>,
}

impl Meter {
    /// A meter for one attempt that sends `total` bytes of documents.
    pub(crate) fn new(
        total: u64,
        attempt: u32,
        progress: ProgressFn,
        activity: Arc<Activity>,
    ) -> Arc<Self> {
        Arc::new(Self {
            total,
            attempt,
            sent: AtomicU64::new(0),
            last: StdMutex::new((0, Instant::now())),
            progress,
            activity,
        })
    }

    fn add(&self, bytes: u64) {
        self.activity.touch();
        let sent = self.sent.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if sent >= self.total {
            self.activity.hand_over();
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        let (last_sent, last_at) = *last;
        if sent == self.total
            || sent.saturating_sub(last_sent) >= PROGRESS_BYTES
            || last_at.elapsed() >= PROGRESS_EVERY
        {
            *last = (sent, Instant::now());
            // Called under the lock so reports never overtake one another.
            (self.progress)(UploadProgress {
                sent,
                total: self.total,
                attempt: self.attempt,
            });
        }
    }
}

struct SourceState {
    source: Opened,
    declared: u64,
    read: u64,
    done: bool,
    meter: Arc<Meter>,
    cancel: CancellationToken,
    failure: Arc<StdMutex<Option<String>>>,
}

/// The source as a stream of chunks, checked against the declared length (the multipart
/// body's length was promised up front).
pub(crate) fn source_stream(
    source: Opened,
    declared: u64,
    meter: Arc<Meter>,
    cancel: CancellationToken,
    failure: Arc<StdMutex<Option<String>>>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let state = SourceState {
        source,
        declared,
        read: 0,
        done: false,
        meter,
        cancel,
        failure,
    };
    futures::stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        let chunk = next_chunk(&mut state).await;
        match chunk {
            Ok(Some(bytes)) => Some((Ok(bytes), state)),
            Ok(None) => None,
            Err(reason) => {
                state.done = true;
                if let Ok(mut slot) = state.failure.lock() {
                    slot.get_or_insert_with(|| reason.clone());
                }
                Some((Err(std::io::Error::other(reason)), state))
            }
        }
    })
}

async fn next_chunk(state: &mut SourceState) -> std::result::Result<Option<Bytes>, String> {
    if state.cancel.is_cancelled() {
        return Err("cancelled".to_owned());
    }
    let chunk = match &mut state.source {
        Opened::Reader(reader) => {
            let mut buffer = BytesMut::with_capacity(CHUNK_BYTES);
            reader
                .read_buf(&mut buffer)
                .await
                .map_err(|e| e.to_string())?;
            buffer.freeze()
        }
        // An empty chunk from such a source is no end: only the stream's end is.
        Opened::Chunks(chunks) => loop {
            match chunks.next().await {
                Some(chunk) => {
                    let chunk = chunk.map_err(|e| e.to_string())?;
                    if !chunk.is_empty() {
                        break chunk;
                    }
                }
                None => break Bytes::new(),
            }
        },
    };
    let n = chunk.len() as u64;
    if n == 0 {
        if state.read != state.declared {
            return Err(format!(
                "the source ended after {} of its {} bytes",
                state.read, state.declared
            ));
        }
        state.done = true;
        return Ok(None);
    }
    state.read += n;
    if state.read > state.declared {
        return Err(format!(
            "the source is longer than its declared {} bytes",
            state.declared
        ));
    }
    state.meter.add(n);
    Ok(Some(chunk))
}

pub(crate) fn taken(slot: &StdMutex<Option<String>>) -> Option<String> {
    slot.lock().ok().and_then(|mut s| s.take())
}
