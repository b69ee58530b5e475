//! [`OpenAiClient`]: the [`VideoProvider`] speaking `/v1/videos`. HTTP mechanics (auth
//! styles, caps, redirects without the credential to another origin, bounded and scrubbed
//! bodies, downloads) are `video-http`'s; this file holds the endpoints and the calls.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use url::Url;
use video_core::provider::{VideoStream, failure_of};
use video_core::{
    Capabilities, SubmissionAttempt, Task, TaskId, Video, VideoError, VideoProvider, VideoRequest,
    validate,
};
use video_http::InSpan;
use video_http::wire::{Call, accepted, check_task_id, endpoint, json_reply, queried};
use video_http::{ApiCall, HttpClient, Reply};

use crate::config::{OpenAiBuilder, PROVIDER_NAME};
use crate::convert::{
    CONTENT_PREFIX, CreateBody, asked, create_body, error_of, is_content_failure, task_of,
};
use crate::models::OpenAiModel;
use crate::wire::{Deleted, ListPage, VideoObject};

/// One model of an OpenAI-videos-shaped API.
///
/// Cheap to clone (one `Arc` inside). Every call makes one attempt and classifies its
/// failure; retrying is core's job. The API takes no client reference, so a create whose
/// reply was lost is recognised in the list of recent videos
/// ([`VideoProvider::find_submitted`]) only when exactly one matches.
#[derive(Clone)]
pub struct OpenAiClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    /// The API base (`…/v1/`).
    pub(crate) base: Url,
    pub(crate) model: String,
    pub(crate) row: OpenAiModel,
    pub(crate) capabilities: Capabilities,
    pub(crate) list_page: u8,
}

impl OpenAiClient {
    /// Starts a builder with every default; see [`OpenAiBuilder`].
    pub fn builder() -> OpenAiBuilder {
        OpenAiBuilder::new()
    }

    /// A client configured from the environment (see [`OpenAiBuilder::from_env`]).
    ///
    /// # Errors
    /// As [`OpenAiBuilder::build`].
    pub fn from_env() -> Result<Self, VideoError> {
        OpenAiBuilder::from_env().build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The API base requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    fn url(&self, segments: &[&str]) -> Result<Url, VideoError> {
        endpoint(&self.inner.base, segments)
    }

    /// A 2xx reply read as `T`, anything else as the error it means.
    fn read<T: serde::de::DeserializeOwned>(
        reply: &Reply,
        call: Call,
        id: Option<&TaskId>,
    ) -> Result<T, VideoError> {
        if !(200..300).contains(&reply.status) {
            return Err(error_of(
                reply.status,
                reply.retry_after,
                &reply.body,
                call,
                id,
            ));
        }
        json_reply::<T>(reply.status, reply.retry_after, &reply.body)
    }

    /// The newest videos of the project, newest first (at most `limit`, 1–100).
    ///
    /// # Errors
    /// The API's errors (a gateway without a list answers 404: [`VideoError::NotFound`]); a
    /// listed id that is not a usable task id.
    pub async fn list_recent(&self, limit: u8) -> Result<Vec<Task>, VideoError> {
        let objects = self.list_objects(limit).await?;
        objects
            .into_iter()
            .map(|object| {
                let task = task_of(object);
                check_task_id(&task.id).map(|()| task)
            })
            .collect()
    }

    pub(crate) async fn list_objects(&self, limit: u8) -> Result<Vec<VideoObject>, VideoError> {
        let url = self.url(&["videos"])?;
        let call = ApiCall::get(&url)
            .query("order", "desc")
            .query("limit", limit.clamp(1, 100).to_string());
        let reply = self.inner.http.reply(call).await?;
        let page: ListPage = Self::read(&reply, Call::Query, None)?;
        Ok(page.data)
    }

    /// Deletes a finished (completed or failed) video and its assets; not a cancel (the API
    /// documents none for a running one).
    ///
    /// # Errors
    /// The API's errors ([`VideoError::NotFound`] for an unknown id).
    pub async fn delete(&self, id: &TaskId) -> Result<bool, VideoError> {
        let url = self.url(&["videos", id.as_str()])?;
        let reply = self.inner.http.reply(ApiCall::delete(&url)).await?;
        let deleted: Deleted = Self::read(&reply, Call::Query, Some(id))?;
        Ok(deleted.deleted.unwrap_or(true))
    }

    pub(crate) fn model_row(&self) -> &OpenAiModel {
        &self.inner.row
    }

    pub(crate) fn list_page(&self) -> u8 {
        self.inner.list_page
    }
}

#[async_trait]
impl VideoProvider for OpenAiClient {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    fn model(&self) -> Option<&str> {
        Some(&self.inner.model)
    }

    /// The capability check, then the size table: every refusal `submit` would make locally.
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        validate(request, self.capabilities())?;
        asked(request, &self.inner.row).map(drop)
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        let span = tracing::info_span!("openai.submit", model = %self.inner.model);
        async {
            validate(request, self.capabilities())?;
            let asked = asked(request, &self.inner.row)?;
            let body = create_body(request, &self.inner.model, &asked)?;
            let url = self.url(&["videos"])?;
            let call = match body {
                CreateBody::Json(bytes) => ApiCall::post(&url, bytes),
                CreateBody::Multipart(form) => ApiCall::post_multipart(&url, form),
            };
            let attempt = SubmissionAttempt::new(PROVIDER_NAME, request.clone());
            let reply = self.inner.http.submit(call, &attempt).await?;
            let read = Self::read::<VideoObject>(&reply, Call::Submit, None).map(task_of);
            let mut task = accepted(read, &attempt)?;
            task.client_reference.clone_from(&request.client_reference);
            video_http::record_field("task_id", task.id.as_str());
            Ok(task)
        }
        .in_span(span)
        .await
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let span = tracing::info_span!("openai.query", task_id = %id);
        async {
            let url = self.url(&["videos", id.as_str()])?;
            let reply = self.inner.http.reply(ApiCall::get(&url)).await?;
            Self::read::<VideoObject>(&reply, Call::Query, Some(id))
                .map(|object| queried(task_of(object), id))
        }
        .in_span(span)
        .await
    }

    /// `GET videos/{id}/content` with the credential (sent to the API's origin only; a
    /// redirect elsewhere is followed without it). A video past its `expires_at`, or gone
    /// (404/410), is [`VideoError::LinkExpired`]: the pipeline queries again, and the
    /// content endpoint answers again when the gateway renewed it.
    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        let span = tracing::info_span!("openai.download");
        let id = video
            .locator
            .provider_ref()
            .and_then(|reference| reference.strip_prefix(CONTENT_PREFIX))
            .ok_or_else(|| VideoError::invalid("video", "not a video of this provider"))?;
        let url = self.url(&["videos", id, "content"])?;
        self.inner
            .http
            .download(url.as_str(), Some(&self.inner.base))
            .in_span(span)
            .await
    }

    async fn find_submitted(
        &self,
        request: &VideoRequest,
        window: (SystemTime, SystemTime),
    ) -> Result<Option<Task>, VideoError> {
        let span = tracing::info_span!("openai.lookup");
        crate::lookup::find(self, request, window)
            .in_span(span)
            .await
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        failure_of(task, is_content_failure)
    }
}

impl fmt::Debug for OpenAiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiClient")
            .field("base", &self.inner.base.as_str())
            .field("model", &self.inner.model)
            .field("http", &self.inner.http)
            .finish_non_exhaustive()
    }
}
