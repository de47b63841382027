//! The body of `POST …/{reference}/documents`: a JSON array whose elements end in
//! `"content": "<base64 of the file>"`. Each file's base64 is made as the connection takes
//! it, from its source's chunks, so neither the file nor its base64 is ever whole in
//! memory; the body's length is known before the first byte (4 base64 characters per 3
//! bytes), so it goes with a `Content-Length`.

use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use base64::Engine;
use branchdesk_domain::bvnk::DocumentMeta;
use bytes::Bytes;
use futures::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use crate::exchange::Activity;
use crate::upload::stream::{source_stream, Meter};
use crate::upload::{ProgressFn, Recycled, UploadFile};
use crate::{Error, Result};

type Chunks = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// One document: what BVNK is told of it, and its bytes.
#[derive(Debug)]
pub struct BvnkDocument {
    pub meta: DocumentMeta,
    pub file: UploadFile,
}

/// One documents call: what each of its attempts sends.
pub(super) struct DocumentsJob<'a> {
    pub(super) documents: &'a [BvnkDocument],
    pub(super) progress: &'a ProgressFn,
    pub(super) cancel: &'a CancellationToken,
    pub(super) attempt: AtomicU32,
}

/// One attempt's body, and what the connection needs to know of it.
pub(super) struct DocumentsBody {
    pub(super) body: reqwest::Body,
    pub(super) length: u64,
    pub(super) failure: Arc<StdMutex<Option<String>>>,
    pub(super) activity: Arc<Activity>,
}

impl DocumentsJob<'_> {
    /// The file bytes of the whole call, before base64.
    pub(super) fn file_bytes(&self) -> u64 {
        self.documents.iter().map(|d| d.file.length).sum()
    }

    /// The body of one attempt, every source freshly opened.
    pub(super) async fn body(&self) -> Result<DocumentsBody> {
        let attempt = self.attempt.fetch_add(1, Ordering::Relaxed) + 1;
        let activity = Activity::new();
        let meter = Meter::new(
            self.file_bytes(),
            attempt,
            self.progress.clone(),
            activity.clone(),
        );
        let failure = Arc::new(StdMutex::new(None));
        let mut parts: Vec<Chunks> = Vec::with_capacity(self.documents.len() * 2 + 1);
        let mut length = 0u64;
        let mut text = String::from("[");
        for (i, document) in self.documents.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&opening(&document.meta)?);
            length += text.len() as u64;
            parts.push(fixed(std::mem::take(&mut text)));
            let source = (document.file.open)()
                .await
                .map_err(|e| Error::Source(format!("{}: {e}", document.file.file_name)))?;
            let raw = source_stream(
                source,
                document.file.length,
                meter.clone(),
                self.cancel.clone(),
                failure.clone(),
            );
            parts.push(Box::pin(base64_of(raw)));
            length += base64_len(document.file.length);
            text.push_str("\"}");
        }
        text.push(']');
        length += text.len() as u64;
        parts.push(fixed(text));
        let stream = futures::stream::iter(parts).flatten();
        Ok(DocumentsBody {
            body: reqwest::Body::wrap_stream(stream),
            length,
            failure,
            activity,
        })
    }
}

/// An element's JSON up to and including the opening quote of its `content`.
fn opening(meta: &DocumentMeta) -> Result<String> {
    let mut json = serde_json::to_string(meta)
        .map_err(|e| Error::InvalidRequest(format!("a document's details: {e}")))?;
    // `DocumentMeta` is a struct, so its JSON is an object ending in `}`.
    json.pop();
    json.push_str(",\"content\":\"");
    Ok(json)
}

fn fixed(text: String) -> Chunks {
    Box::pin(futures::stream::once(async move { Ok(Bytes::from(text)) }))
}

/// The length of standard, padded base64 of `bytes` bytes.
pub(super) fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3) * 4
}

/// The standard, padded base64 of a stream of chunks, chunk by chunk: the 0–2 bytes that
/// do not fill a group of three wait for the next chunk, and are padded at the end.
fn base64_of(
    raw: impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    struct State<S> {
        raw: Pin<Box<S>>,
        carry: Vec<u8>,
        ended: bool,
        buffers: Buffers,
    }
    let state = State {
        raw: Box::pin(raw),
        carry: Vec::with_capacity(3),
        ended: false,
        buffers: Buffers::new(),
    };
    futures::stream::unfold(state, |mut state| async move {
        if state.ended {
            return None;
        }
        match state.raw.next().await {
            Some(Ok(chunk)) => {
                let mut input = std::mem::take(&mut state.carry);
                input.extend_from_slice(&chunk);
                let whole = input.len() - input.len() % 3;
                state.carry = input[whole..].to_vec();
                let encoded = state.buffers.encode(&input[..whole]);
                Some((Ok(encoded), state))
            }
            Some(Err(error)) => {
                state.ended = true;
                Some((Err(error), state))
            }
            None => {
                state.ended = true;
                if state.carry.is_empty() {
                    None
                } else {
                    let encoded = state.buffers.encode(&state.carry);
                    Some((Ok(encoded), state))
                }
            }
        }
    })
}

/// The buffers a file's base64 is written into. Each comes back once the connection has
/// written it, so the same few carry the whole file: a fresh one for every chunk costs
/// more in page faults than the encoding itself (`cargo xtask bench bvnk`).
struct Buffers {
    home: std::sync::mpsc::Sender<Vec<u8>>,
    returned: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl Buffers {
    fn new() -> Self {
        let (home, returned) = std::sync::mpsc::channel();
        Self { home, returned }
    }

    fn encode(&self, input: &[u8]) -> Bytes {
        let len = base64_len(input.len() as u64) as usize;
        let mut buffer = self.returned.try_recv().unwrap_or_default();
        // Grown only the first times; a returned buffer already has the room.
        if buffer.len() < len {
            buffer.resize(len, 0);
        }
        // The buffer holds at least the encoded length, so encoding cannot run out of room.
        let written = base64::engine::general_purpose::STANDARD
            .encode_slice(input, &mut buffer[..len])
            .unwrap_or(0);
        Bytes::from_owner(Recycled {
            buffer,
            len: written,
            home: self.home.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn encoded(chunks: Vec<&'static [u8]>) -> String {
        let raw = futures::stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from_static(c))));
        let parts: Vec<Bytes> = base64_of(raw).map(|c| c.unwrap()).collect::<Vec<_>>().await;
        String::from_utf8(parts.concat()).unwrap()
    }

    #[tokio::test]
    async fn base64_across_chunk_boundaries_is_the_whole_files() {
        let whole = b"Branchdesk sends scans as base64, 3 bytes to 4 characters.";
        let expected = base64::engine::general_purpose::STANDARD.encode(whole);
        for cut in [(1, 2), (2, 7), (3, 6), (5, 5), (0, 0), (58, 58)] {
            let (a, b) = (cut.0.min(whole.len()), cut.1.min(whole.len()));
            let chunks: Vec<&'static [u8]> = vec![&whole[..a], &whole[a..b], &whole[b..]];
            assert_eq!(encoded(chunks).await, expected, "{cut:?}");
        }
        assert_eq!(encoded(vec![]).await, "");
        for n in 0..10u64 {
            let bytes = vec![7u8; n as usize];
            let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
            assert_eq!(base64_len(n), text.len() as u64, "{n}");
        }
    }

    #[test]
    fn an_element_opens_with_its_details_and_its_content_last() {
        let meta = DocumentMeta {
            customer_person_reference: Some("911685b0-acaa-418d-bd91-ed80b96c62cf".into()),
            kind: "DRIVERS_LICENSE".into(),
            sub_type: Some("FRONT_SIDE".into()),
            name: "licence-front.jpg".into(),
            description: "Driver's licence, front".into(),
            country_code: "US".into(),
            external_reference: "d1-a0-front".into(),
        };
        let text = opening(&meta).unwrap() + "QUJD\"}";
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["subType"], "FRONT_SIDE");
        assert_eq!(back["type"], "DRIVERS_LICENSE");
        assert_eq!(back["content"], "QUJD");
        assert_eq!(
            back["customerPersonReference"],
            "911685b0-acaa-418d-bd91-ed80b96c62cf"
        );
    }
}
