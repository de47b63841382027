//! One upload attempt's multipart body: every file streamed from its source, checked
//! against its declared length, and counted as the connection takes it.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use tokio::io::AsyncReadExt;
use tokio_util::sync::CancellationToken;

use super::upload::{Opened, ProgressFn, UploadFile, UploadProgress};
use crate::exchange::Activity;
use crate::{Error, Result};

/// How much of a document is read from an [`UploadReader`] at a time: the most of it held
/// in memory per file, give or take what the HTTP stack has in flight.
///
/// [`UploadReader`]: super::upload::UploadReader
const CHUNK_BYTES: usize = 64 * 1024;

/// Progress is reported after this many more bytes, or after [`PROGRESS_EVERY`].
const PROGRESS_BYTES: u64 = 64 * 1024;
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// One upload call: what each of its attempts sends, and the attempts counted.
pub(super) struct UploadJob<'a> {
    pub(super) customer_id: &'a str,
    pub(super) files: &'a [UploadFile],
    pub(super) fields: Vec<String>,
    pub(super) progress: &'a ProgressFn,
    pub(super) cancel: &'a CancellationToken,
    pub(super) attempt: AtomicU32,
}

impl UploadJob<'_> {
    /// The multipart body of one attempt, its files' sources freshly opened. The slot
    /// receives why a source failed, which the HTTP error would otherwise hide.
    pub(super) async fn form(
        &self,
    ) -> Result<(
        reqwest::multipart::Form,
        Arc<StdMutex<Option<String>>>,
        Arc<Activity>,
    )> {
        let attempt = self.attempt.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.files.iter().map(|f| f.length).sum();
        let activity = Activity::new();
        let meter = Arc::new(Meter {
            total,
            attempt,
            sent: AtomicU64::new(0),
            last: StdMutex::new((0, Instant::now())),
            progress: self.progress.clone(),
            activity: activity.clone(),
        });
        let failure = Arc::new(StdMutex::new(None));
        let mut form =
            reqwest::multipart::Form::new().text("customer_id", self.customer_id.to_owned());
        for (file, field) in self.files.iter().zip(&self.fields) {
            let source = (file.open)()
                .await
                .map_err(|e| Error::Source(format!("{}: {e}", file.file_name)))?;
            let stream = source_stream(
                source,
                file.length,
                meter.clone(),
                self.cancel.clone(),
                failure.clone(),
            );
            let part = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::wrap_stream(stream),
                file.length,
            )
            .file_name(file.file_name.clone())
            .mime_str(&file.mime)
            .map_err(|_| Error::InvalidRequest(format!("{:?} is not a MIME type", file.mime)))?;
            form = form.part(field.clone(), part);
        }
        Ok((form, failure, activity))
    }
}

/// Counts the bytes handed to the connection and tells the caller, throttled.
struct Meter {
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
fn source_stream(
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

pub(super) fn taken(slot: &StdMutex<Option<String>>) -> Option<String> {
    slot.lock().ok().and_then(|mut s| s.take())
}
