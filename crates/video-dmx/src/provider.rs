//! [`DmxProvider`]: one relay model as a [`VideoProvider`]. The relay's mechanics live
//! here once (one endpoint, the raw key, submit then query by the route in the task id,
//! the streamed query, minting a link at download time); what differs per vendor is the
//! model's [`Family`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};
use url::Url;
use video_core::provider::VideoStream;
use video_core::{
    Capabilities, Locator, SubmissionAttempt, Task, TaskId, TaskStatus, Video, VideoError,
    VideoProvider, VideoRequest, validate,
};
use video_http::wire::{Call, accepted, extras_without, queried};
use video_http::{Answer, ApiCall, HttpClient, RedactedUrl};

use crate::config::{DmxBuilder, PROVIDER_NAME};
use crate::family::{Family, ModelRow};
use crate::query::{QueryBody, QueryInput, read_answer};
use crate::relay_errors::read_reply;

/// One model on the DMXAPI relay (`POST {base}/v1/responses`, the raw key): Kling v3,
/// Seedance 2.0, MiniMax Hailuo, Vidu or Wan 2.6, chosen by model name. Every family
/// reports the provider name `dmx`; the model tells them apart, and each task id carries
/// its family's query model as its route, so status, wait and download work from a
/// journaled id alone whichever model this value serves.
///
/// Cheap to clone; clones share the connection pool and the in-flight cap.
#[derive(Clone)]
pub struct DmxProvider {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    pub(crate) endpoint: Url,
    pub(crate) row: ModelRow,
    pub(crate) capabilities: Capabilities,
    pub(crate) snapshot_window: Duration,
    pub(crate) stream_timeout: Duration,
}

/// The most bytes a relay reply to a query or submission may have (a task object with a
/// few signed URLs is a few KiB), or the configured cap when lower.
const MAX_REPLY_BYTES: u64 = 1 << 20;

impl DmxProvider {
    /// A builder with every default; see [`DmxBuilder`].
    pub fn builder() -> DmxBuilder {
        DmxBuilder::new()
    }

    /// The model named by `model`, configured from `DMXAPI_API_KEY` and `DMXAPI_BASE_URL`.
    ///
    /// # Errors
    /// As [`DmxBuilder::build`].
    pub fn from_env(model: &str) -> Result<Self, VideoError> {
        DmxBuilder::from_env().model(model).build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The URL every call goes to (`<base>/v1/responses`).
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// The family of the model this value serves.
    pub fn family(&self) -> &'static dyn Family {
        self.inner.row.family
    }

    /// The family that queries `id`: by its route, else this value's own.
    fn family_of(&self, id: &TaskId) -> Result<&'static dyn Family, VideoError> {
        let own = self.inner.row.family;
        match id.route() {
            None => Ok(own),
            Some(route) if route == own.route() => Ok(own),
            Some(route) => crate::models::family_by_route(route).ok_or_else(|| {
                VideoError::configuration(format!(
                    "task route `{}` is not a relay family's query model",
                    route.escape_debug()
                ))
            }),
        }
    }

    /// The call sending `body` with `model`, its reply capped.
    fn call(&self, model: &str, mut body: Map<String, Value>) -> Result<ApiCall<'_>, VideoError> {
        body.insert("model".to_owned(), Value::String(model.to_owned()));
        let bytes =
            serde_json::to_vec(&body).map_err(|e| VideoError::invalid("request", e.to_string()))?;
        Ok(self.capped(ApiCall::post(&self.inner.endpoint, bytes)))
    }

    /// `call` with its reply capped.
    fn capped<'c>(&self, call: ApiCall<'c>) -> ApiCall<'c> {
        call.max_reply_bytes(MAX_REPLY_BYTES.min(self.inner.http.options().max_reply_bytes))
    }

    /// One query of `id` by its family: JSON, or streamed for at most `window`.
    async fn query(&self, id: &TaskId, window: Duration) -> Result<Task, VideoError> {
        if id.as_str().trim().is_empty() {
            return Err(VideoError::invalid("task_id", "must not be empty"));
        }
        let family = self.family_of(id)?;
        let stream = family.streams();
        let query = QueryBody {
            model: family.route(),
            input: QueryInput {
                key: family.query_input_key(),
                id: id.as_str(),
            },
            stream,
        };
        let bytes = serde_json::to_vec(&query)
            .map_err(|e| VideoError::invalid("task_id", e.to_string()))?;
        let mut call = self.capped(ApiCall::post(&self.inner.endpoint, bytes));
        if stream {
            call = call.events().timeout(window);
        }
        let task = read_answer(family, id, self.inner.http.call(call).await?).await?;
        tracing::debug!(family = family.name(), status = %task.status, "queried");
        Ok(queried(task, id))
    }

    /// Every local check of `request` (the capabilities, the family's rules across fields and
    /// its typed options), and the submission body they allow: the family's, with the extras
    /// that name none of its fields. Built once per submission.
    fn checked_body(&self, request: &VideoRequest) -> Result<Map<String, Value>, VideoError> {
        validate(request, &self.inner.capabilities)?;
        let row = &self.inner.row;
        row.family.check(row.name, request)?;
        let body = row.family.submit_body(row.name, request)?;
        let Value::Object(mut body) = body else {
            return Err(VideoError::invalid("request", "the body is not an object"));
        };
        let mut owned: Vec<&str> = body.keys().map(String::as_str).collect();
        owned.extend(["model", "stream"]);
        let extras = extras_without(request, &owned, row.family.consumed_options());
        body.extend(extras);
        Ok(body)
    }

    /// Mints a fresh link for a `<step model>/<reference>` locator and opens it.
    async fn download_minted(&self, reference: &str) -> Result<VideoStream, VideoError> {
        let (model, reference) = reference
            .split_once('/')
            .ok_or_else(|| VideoError::invalid("video", "not a relay video reference"))?;
        let (family, step) = crate::models::link_step(model).ok_or_else(|| {
            VideoError::invalid("video", "the reference names no relay link step")
        })?;
        let mut body = Map::new();
        body.insert("input".to_owned(), step.input(reference));
        let Answer::Reply(reply) = self.inner.http.call(self.call(model, body)?).await? else {
            return Err(VideoError::decode(
                Some(200),
                "a stream minting a link",
                b"",
            ));
        };
        let read = read_reply(&reply, family, Call::Other, None)?;
        let link = read
            .upstream()
            .and_then(|upstream| step.link(upstream))
            .ok_or_else(|| VideoError::decode(Some(reply.status), "no download link", b""))?;
        self.inner.http.download(&link, None).await
    }
}

#[async_trait]
impl VideoProvider for DmxProvider {
    /// `dmx`, whichever family: the model tells them apart.
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    /// The model's, from its row of the model table.
    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    /// The relay's name of the model served (`doubao-seedance-2-0-260128`).
    fn model(&self) -> Option<&str> {
        Some(self.inner.row.name)
    }

    /// The capability check, the family's rules across fields, and its typed options: every
    /// refusal `submit` would make before sending.
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        self.checked_body(request).map(drop)
    }

    /// Validates, then sends one submission; a failure that does not prove the request
    /// refused or unsent is [`VideoError::UnknownOutcome`].
    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        let body = self.checked_body(request)?;
        let row = self.inner.row;
        let attempt = SubmissionAttempt::new(PROVIDER_NAME, request.clone());
        let call = self.call(row.name, body)?;
        let reply = self.inner.http.submit(call, &attempt).await?;
        let read = read_reply(&reply, row.family, Call::Submit, None).and_then(|read| {
            let id = read
                .upstream()
                .and_then(|upstream| row.family.submitted_id(upstream));
            let id = id.ok_or_else(|| {
                VideoError::decode(Some(reply.status), "accepted without a task id", b"")
            })?;
            let mut task = Task::new(TaskId::new(id), TaskStatus::Submitted);
            task.usage = crate::envelope::usage(&read.body);
            task.request_id = crate::relay_errors::request_id(&read.body);
            Ok(task)
        });
        let mut task = accepted(read, &attempt)?;
        task.id = task.id.with_route(row.family.route());
        tracing::info!(task_id = %task.id, model = row.name, family = row.family.name(), "submitted");
        Ok(task)
    }

    /// One query by the family the id's route names (this model's family for an id without
    /// one); a streamed query is read for at most the snapshot window. An unknown id is
    /// [`VideoError::NotFound`].
    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        self.query(id, self.inner.snapshot_window).await
    }

    /// A link as it is, or — for a family whose result is a file id (MiniMax) — a link
    /// minted by the family's link step at this moment.
    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        match &video.locator {
            Locator::Provider(reference) => self.download_minted(reference).await,
            _ => {
                self.inner
                    .http
                    .download(video_http::url_of(video)?, None)
                    .await
            }
        }
    }

    /// The streamed query, for streaming families, held open until the task finishes or
    /// `min(timeout, stream_timeout)` passes.
    async fn long_wait(&self, id: &TaskId, timeout: Duration) -> Result<Option<Task>, VideoError> {
        let timeout = timeout.min(self.inner.stream_timeout);
        if !self.family_of(id)?.streams() || timeout.is_zero() {
            return Ok(None);
        }
        self.query(id, timeout).await.map(Some)
    }

    /// [`VideoError::ContentRejected`] when the task's family reads its reason as a content
    /// policy, else [`VideoError::TaskFailed`]; both name the task.
    fn failure_error(&self, task: &Task) -> VideoError {
        let family = self.family_of(&task.id).unwrap_or(self.inner.row.family);
        video_core::provider::failure_of(task, |message| family.is_content_failure(message))
    }
}

impl fmt::Debug for DmxProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("DmxProvider")
            .field("endpoint", &RedactedUrl(&inner.endpoint))
            .field("model", &inner.row.name)
            .field("family", &inner.row.family.name())
            .field("http", &inner.http)
            .finish_non_exhaustive()
    }
}
