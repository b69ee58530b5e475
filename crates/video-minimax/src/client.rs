//! [`MiniMaxClient`]: the [`VideoProvider`] speaking MiniMax's v1 video API: create, query,
//! and, inside `download`, `files/retrieve` for a link that lives minutes (never journaled).

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use url::Url;
use video_core::provider::{VideoStream, failure_of};
use video_core::{
    Capabilities, SubmissionAttempt, Task, TaskId, Video, VideoError, VideoProvider, VideoRequest,
    validate,
};
use video_http::InSpan;
use video_http::wire::{Call, accepted, check_task_id, endpoint, queried};
use video_http::{ApiCall, HttpClient};

use crate::config::{MiniMaxBuilder, PROVIDER_NAME};
use crate::convert::{FILE_PREFIX, create_body, read, task_of};
use crate::protocol::{check, is_content_failure, is_sound_file_id};

/// One MiniMax Hailuo model on MiniMax's own API.
///
/// Cheap to clone (one `Arc` inside). Every call makes one attempt and classifies its
/// failure (by `base_resp` first: MiniMax answers most errors with HTTP 200); retrying is
/// core's job. The v1 API has no list and takes no client reference: a create whose reply
/// was lost stays an unknown outcome for a person to settle.
#[derive(Clone)]
pub struct MiniMaxClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    /// The host root, ending in `/`.
    pub(crate) base: Url,
    /// `v1/query/video_generation`, made once (a status query is the most frequent call).
    pub(crate) query_url: Url,
    pub(crate) model: String,
    pub(crate) capabilities: Capabilities,
}

impl MiniMaxClient {
    /// Starts a builder with every default; see [`MiniMaxBuilder`].
    pub fn builder() -> MiniMaxBuilder {
        MiniMaxBuilder::new()
    }

    /// A client configured from the environment (see [`MiniMaxBuilder::from_env`]).
    ///
    /// # Errors
    /// As [`MiniMaxBuilder::build`].
    pub fn from_env() -> Result<Self, VideoError> {
        MiniMaxBuilder::from_env().build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The host requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    fn url(&self, segments: &[&str]) -> Result<Url, VideoError> {
        endpoint(&self.inner.base, segments)
    }

    /// A fresh download link for file `file` (`files/retrieve`): pre-signed, keyless, short-lived.
    ///
    /// # Errors
    /// The API's errors; [`VideoError::Decode`] for a reply without a link.
    pub async fn file_link(&self, file: &str) -> Result<String, VideoError> {
        let url = self.url(&["v1", "files", "retrieve"])?;
        let reply = self
            .inner
            .http
            .reply(ApiCall::get(&url).query("file_id", file))
            .await?;
        let read = read(
            reply.status,
            reply.retry_after,
            &reply.body,
            Call::Query,
            None,
        )?;
        read.file
            .and_then(|file| file.download_url)
            .filter(|link| !link.is_empty())
            .ok_or_else(|| {
                VideoError::decode(Some(reply.status), "a file without a download_url", b"")
            })
    }
}

#[async_trait]
impl VideoProvider for MiniMaxClient {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    fn model(&self) -> Option<&str> {
        Some(&self.inner.model)
    }

    /// The capability check, then MiniMax's rules across fields (1080P only at 6 s, ...).
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        validate(request, self.capabilities())?;
        check(&self.inner.model, request)
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        let span = tracing::info_span!("minimax.submit", model = %self.inner.model);
        async {
            self.validate(request)?;
            let body = create_body(request, &self.inner.model)?;
            let url = self.url(&["v1", "video_generation"])?;
            let attempt = SubmissionAttempt::new(PROVIDER_NAME, request.clone());
            let reply = self
                .inner
                .http
                .submit(ApiCall::post(&url, body), &attempt)
                .await?;
            let read = read(
                reply.status,
                reply.retry_after,
                &reply.body,
                Call::Submit,
                None,
            )
            .and_then(|created| {
                let id = TaskId::new(created.task_id.unwrap_or_default());
                check_task_id(&id)?;
                let mut task = Task::new(id, video_core::TaskStatus::Submitted);
                task.raw_status = Some("Queueing".to_owned());
                Ok(task)
            });
            let mut task = accepted(read, &attempt)?;
            task.client_reference.clone_from(&request.client_reference);
            video_http::record_field("task_id", task.id.as_str());
            Ok(task)
        }
        .in_span(span)
        .await
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let span = tracing::info_span!("minimax.query", task_id = %id);
        async {
            let mut url = self.inner.query_url.clone();
            url.query_pairs_mut().append_pair("task_id", id.as_str());
            let reply = self.inner.http.reply(ApiCall::get(&url)).await?;
            let read = read(
                reply.status,
                reply.retry_after,
                &reply.body,
                Call::Query,
                Some(id),
            )?;
            task_of(read, id).map(|task| queried(task, id))
        }
        .in_span(span)
        .await
    }

    /// Mints a link for the video's file (`files/retrieve`) at this moment, then downloads it
    /// without the key; a link that no longer works is `LinkExpired` (the pipeline queries
    /// once more and mints again).
    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        let span = tracing::info_span!("minimax.download");
        async {
            let file = video
                .locator
                .provider_ref()
                .and_then(|reference| reference.strip_prefix(FILE_PREFIX))
                .filter(|file| is_sound_file_id(file))
                .ok_or_else(|| VideoError::invalid("video", "not a video of this provider"))?;
            let link = self.file_link(file).await?;
            self.inner.http.download(&link, None).await
        }
        .in_span(span)
        .await
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        failure_of(task, is_content_failure)
    }
}

impl fmt::Debug for MiniMaxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MiniMaxClient")
            .field("base", &self.inner.base.as_str())
            .field("model", &self.inner.model)
            .field("http", &self.inner.http)
            .finish_non_exhaustive()
    }
}
