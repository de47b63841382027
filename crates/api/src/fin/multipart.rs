//! One upload attempt's multipart body: every file streamed from its source, checked
//! against its declared length, and counted as the connection takes it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use tokio_util::sync::CancellationToken;

use crate::exchange::Activity;
use crate::upload::stream::{source_stream, Meter};
use crate::upload::{ProgressFn, UploadFile};
use crate::{Error, Result};

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
        let meter = Meter::new(total, attempt, self.progress.clone(), activity.clone());
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
