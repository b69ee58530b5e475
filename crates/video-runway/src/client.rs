//! [`RunwayClient`]: the [`VideoProvider`] speaking Runway's task API, with
//! `X-Runway-Version` on every call and cancel by `DELETE /v1/tasks/{id}`.

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
use video_http::wire::{Call, accepted, check_task_id, endpoint, json_reply, queried};
use video_http::{ApiCall, HttpClient, Reply};

use crate::config::{PROVIDER_NAME, RunwayBuilder};
use crate::convert::{check, create_body, error_of, is_content_failure, route, task_of};
use crate::models::RunwayModel;
use crate::wire::TaskObject;

/// One Runway model.
///
/// Cheap to clone (one `Arc` inside). Every call makes one attempt and classifies its
/// failure; retrying is core's job. Runway takes no client reference and lists no tasks, so
/// a create whose reply was lost stays an unknown outcome for a person to settle.
#[derive(Clone)]
pub struct RunwayClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    /// The host root, ending in `/`.
    pub(crate) base: Url,
    /// `v1/tasks`, made once (each query and cancel adds the id).
    pub(crate) tasks: Url,
    pub(crate) model: &'static RunwayModel,
    pub(crate) capabilities: Capabilities,
}

impl RunwayClient {
    /// Starts a builder with every default; see [`RunwayBuilder`].
    pub fn builder() -> RunwayBuilder {
        RunwayBuilder::new()
    }

    /// A client configured from the environment (see [`RunwayBuilder::from_env`]).
    ///
    /// # Errors
    /// As [`RunwayBuilder::build`].
    pub fn from_env() -> Result<Self, VideoError> {
        RunwayBuilder::from_env().build()
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

    fn read(reply: &Reply, call: Call, id: Option<&TaskId>) -> Result<Task, VideoError> {
        if !(200..300).contains(&reply.status) {
            return Err(error_of(
                reply.status,
                reply.retry_after,
                &reply.body,
                call,
                id,
            ));
        }
        json_reply::<TaskObject>(reply.status, reply.retry_after, &reply.body).map(task_of)
    }
}

#[async_trait]
impl VideoProvider for RunwayClient {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    fn model(&self) -> Option<&str> {
        Some(self.inner.model.id)
    }

    /// The capability check, then the model's modes and frames.
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        validate(request, self.capabilities())?;
        check(request, self.inner.model).map(drop)
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        let span = tracing::info_span!("runway.submit", model = self.inner.model.id);
        async {
            validate(request, self.capabilities())?;
            let ratio = check(request, self.inner.model)?;
            let body = create_body(request, self.inner.model, ratio)?;
            let url = self.url(&["v1", route(request.mode())])?;
            let attempt = SubmissionAttempt::new(PROVIDER_NAME, request.clone());
            let reply = self
                .inner
                .http
                .submit(ApiCall::post(&url, body), &attempt)
                .await?;
            let read = Self::read(&reply, Call::Submit, None).and_then(|mut task| {
                check_task_id(&task.id)?;
                if task.raw_status.as_deref().is_none_or(str::is_empty) {
                    task.status = video_core::TaskStatus::Submitted;
                    task.raw_status = Some("PENDING".to_owned());
                }
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
        let span = tracing::info_span!("runway.query", task_id = %id);
        async {
            let url = endpoint(&self.inner.tasks, &[id.as_str()])?;
            let reply = self.inner.http.reply(ApiCall::get(&url)).await?;
            Self::read(&reply, Call::Query, Some(id)).map(|task| queried(task, id))
        }
        .in_span(span)
        .await
    }

    /// The output URL, pre-signed and keyless (no credential is sent); an expired one is
    /// `LinkExpired`, and the task queried again hands out fresh ones.
    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        let span = tracing::info_span!("runway.download");
        self.inner
            .http
            .download(video_http::url_of(video)?, None)
            .in_span(span)
            .await
    }

    /// `DELETE /v1/tasks/{id}`: a running task is cancelled (and stops billing), a finished
    /// one deleted.
    async fn cancel(&self, id: &TaskId) -> Result<(), VideoError> {
        let span = tracing::info_span!("runway.cancel", task_id = %id);
        async {
            let url = endpoint(&self.inner.tasks, &[id.as_str()])?;
            let reply = self.inner.http.reply(ApiCall::delete(&url)).await?;
            if (200..300).contains(&reply.status) {
                return Ok(());
            }
            Err(error_of(
                reply.status,
                reply.retry_after,
                &reply.body,
                Call::Query,
                Some(id),
            ))
        }
        .in_span(span)
        .await
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        failure_of(task, is_content_failure)
    }
}

impl fmt::Debug for RunwayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunwayClient")
            .field("base", &self.inner.base.as_str())
            .field("model", &self.inner.model.id)
            .field("http", &self.inner.http)
            .finish_non_exhaustive()
    }
}
