//! [`KlingDmxClient`]: the [`VideoProvider`] speaking the DMXAPI relay's protocol. HTTP
//! mechanics (auth, caps, redirects, bounded and scrubbed bodies, downloads) are
//! `video-http`'s; this file holds only what is true of the relay.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tracing::field::Empty;
use url::Url;
use video_core::provider::VideoStream;
use video_core::{
    AspectRatio, Capabilities, ImageCapabilities, Mode, Quality, SubmissionAttempt, Task, TaskId,
    Video, VideoError, VideoProvider, VideoRequest, validate,
};
use video_http::InSpan;
use video_http::wire::{accepted, queried, query_routes};
use video_http::{Answer, ApiCall, HttpClient, RedactedUrl, Reply};

use crate::config::{KlingDmxClientBuilder, QueryForm};
use crate::convert::{self, Call, Models, classify, submit_json, task_from_envelope};
use crate::wire::QueryBody;

/// The name this provider reports.
pub const PROVIDER_NAME: &str = "kling-dmx";

/// The route a text-to-video task is queried by.
pub(crate) const TEXT_ROUTE: &str = "text2video";
/// The route an image-to-video task is queried by.
pub(crate) const IMAGE_ROUTE: &str = "image2video";

/// Kling v2.6 text-to-video through the DMXAPI relay.
///
/// Cheap to clone (one `Arc` inside); clones share the connection pool and the in-flight cap.
/// Every call makes one attempt and classifies its failure precisely; retrying is core's job
/// (the pipeline, `wait`, `Retrying`).
#[derive(Clone)]
pub struct KlingDmxClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    /// `<base>/v1/responses`.
    pub(crate) endpoint: Url,
    pub(crate) submit_model: String,
    pub(crate) query_model: String,
    pub(crate) image_submit_model: String,
    pub(crate) image_query_model: String,
    pub(crate) stream_timeout: Duration,
    pub(crate) image_query_form: QueryForm,
    pub(crate) snapshot_window: Duration,
    pub(crate) capabilities: Capabilities,
}

/// What a query is for.
#[derive(Debug, Clone, Copy)]
enum Purpose {
    /// The task's state now.
    Snapshot,
    /// The outcome, waiting at most this long (the streaming query).
    LongWait(Duration),
}

/// How one query is sent and read.
#[derive(Debug, Clone, Copy)]
struct Form {
    stream: bool,
    timeout: Duration,
    /// A stream that ends or times out without an outcome means "still rendering".
    unfinished_is_running: bool,
}

/// The model this provider serves through the relay.
pub const MODEL: &str = "kling-v2-6";

/// Kling v2.6's limits through the relay; the long wait is the streaming query.
/// Image-to-video takes image URLs only (the relay documents no other form), an optional
/// last frame, and only the `pro` tier.
pub fn capabilities() -> Capabilities {
    Capabilities::new(2500)
        .with_negative_prompt(2500)
        .with_durations([5, 10])
        .with_aspect_ratios([
            AspectRatio::LANDSCAPE_16_9,
            AspectRatio::PORTRAIT_9_16,
            AspectRatio::SQUARE_1_1,
        ])
        .with_qualities([Quality::Standard, Quality::High])
        .with_sound(true)
        .with_callbacks(true)
        .with_long_wait(true)
        .with_image_to_video(
            ImageCapabilities::urls()
                .with_last_frame(true)
                .with_qualities([Quality::High]),
        )
}

impl KlingDmxClient {
    /// Starts a builder with every default; see [`KlingDmxClientBuilder`].
    pub fn builder() -> KlingDmxClientBuilder {
        KlingDmxClientBuilder::new()
    }

    /// A client configured from `DMXAPI_API_KEY` and (optionally) `DMXAPI_BASE_URL`.
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when the key is missing or empty, or the base URL is bad.
    pub fn from_env() -> Result<Self, VideoError> {
        KlingDmxClientBuilder::from_env().build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The URL every API request goes to (`<base>/v1/responses`).
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// One query by the task's route; an id without a route (typed by a user) is tried as a
    /// text-to-video task, then as an image-to-video one, and comes back with the route that
    /// found it.
    async fn query(&self, id: &TaskId, purpose: Purpose) -> Result<Task, VideoError> {
        if id.as_str().trim().is_empty() {
            return Err(VideoError::invalid("task_id", "must not be empty"));
        }
        let inner = &self.inner;
        let image = (&inner.image_query_model, self.form(true, purpose));
        let text = (&inner.query_model, self.form(false, purpose));
        query_routes(id, &[TEXT_ROUTE, IMAGE_ROUTE], |routed| async move {
            let (model, form) = if routed.route() == Some(IMAGE_ROUTE) {
                image
            } else {
                text
            };
            self.query_model(&routed, model, form).await
        })
        .await
    }

    /// How a query of a task of this mode is made: the long wait always streams; a snapshot
    /// of an image-to-video task streams within the snapshot window unless configured
    /// otherwise; any other snapshot is one JSON request.
    fn form(&self, image: bool, purpose: Purpose) -> Form {
        let inner = &self.inner;
        match purpose {
            Purpose::LongWait(timeout) => Form {
                stream: true,
                timeout,
                unfinished_is_running: false,
            },
            Purpose::Snapshot if image && inner.image_query_form == QueryForm::Stream => Form {
                stream: true,
                timeout: inner.snapshot_window,
                unfinished_is_running: true,
            },
            Purpose::Snapshot => Form {
                stream: false,
                timeout: inner.http.options().request_timeout,
                unfinished_is_running: false,
            },
        }
    }

    /// One query naming `model`, JSON or streaming; the reply may be either shape.
    async fn query_model(&self, id: &TaskId, model: &str, form: Form) -> Result<Task, VideoError> {
        let inner = &self.inner;
        let body = QueryBody {
            model,
            input: id.as_str(),
            stream: form.stream.then_some(true),
        };
        let body =
            serde_json::to_vec(&body).map_err(|e| VideoError::invalid("task_id", e.to_string()))?;
        let mut call = ApiCall::post(&inner.endpoint, body).timeout(form.timeout);
        if form.stream {
            call = call.events();
        }
        let task = match inner.http.call(call).await? {
            Answer::Events(events) => {
                video_http::record_field("http_status", events.status);
                crate::sse::task_from_events(events, id, form.unfinished_is_running).await?
            }
            Answer::Reply(reply) => {
                video_http::record_field("http_status", reply.status);
                let envelope = classify(
                    reply.status,
                    reply.retry_after,
                    &reply.body,
                    Call::Query,
                    Some(id),
                )?;
                task_from_envelope(envelope)
                    .ok_or_else(|| VideoError::decode(Some(reply.status), "no data", b""))?
            }
        };
        if let Some(request_id) = &task.request_id {
            video_http::record_field("request_id", request_id.as_str());
        }
        tracing::debug!(status = %task.status, "queried");
        Ok(queried(task, id))
    }
}

/// What a submission's reply means: the error table for refusals; under the money rules of
/// [`video_http::wire::accepted`] everything else that is not an accepted task with a sound
/// id is an unknown outcome (a 2xx that is not the protocol's, a gateway timeout, an
/// acceptance without data).
fn submission_outcome(reply: &Reply, attempt: &SubmissionAttempt) -> Result<Task, VideoError> {
    let read = classify(
        reply.status,
        reply.retry_after,
        &reply.body,
        Call::Submit,
        None,
    )
    .and_then(|envelope| {
        task_from_envelope(envelope)
            .ok_or_else(|| VideoError::decode(Some(reply.status), "accepted without data", b""))
    });
    accepted(read, attempt)
}

#[async_trait]
impl VideoProvider for KlingDmxClient {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    fn model(&self) -> Option<&str> {
        Some(MODEL)
    }

    /// The capability check, then the relay body's own rules (voices, typed options): every
    /// refusal `submit` would make locally.
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        validate(request, &self.inner.capabilities)?;
        let inner = &self.inner;
        let models = Models {
            text: &inner.submit_model,
            image: &inner.image_submit_model,
        };
        submit_json(request, models).map(drop)
    }

    /// Validates, then sends one submission.
    ///
    /// A connection that could not be made is `Transport { reached_server: false }`; any
    /// failure once the request may have been sent (timeout, reset, unreadable reply, a 2xx
    /// reply that is not the protocol's) is [`VideoError::UnknownOutcome`]; a reply is
    /// classified by the error table.
    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        validate(request, &self.inner.capabilities)?;
        let inner = &self.inner;
        let models = Models {
            text: &inner.submit_model,
            image: &inner.image_submit_model,
        };
        let body = submit_json(request, models)?;
        let (model, route) = match request.mode() {
            Mode::ImageToVideo => (models.image, IMAGE_ROUTE),
            _ => (models.text, TEXT_ROUTE),
        };
        let span = tracing::info_span!(
            "kling_dmx.submit",
            model = %model,
            prompt_chars = request.prompt.chars().count(),
            task_id = Empty,
            http_status = Empty,
            request_id = Empty,
        );
        async move {
            let attempt = SubmissionAttempt::new(PROVIDER_NAME, request.clone());
            let call = ApiCall::post(&self.inner.endpoint, body);
            let reply = self.inner.http.submit(call, &attempt).await?;
            let mut task = submission_outcome(&reply, &attempt)?;
            task.id = task.id.with_route(route);
            let span = tracing::Span::current();
            span.record("task_id", task.id.as_str());
            if let Some(request_id) = &task.request_id {
                span.record("request_id", request_id.as_str());
            }
            tracing::info!("submitted");
            Ok(task)
        }
        .in_span(span)
        .await
    }

    /// One query. Network failures are retryable (`Timeout`, `Transport`); an unknown id is
    /// [`VideoError::NotFound`].
    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let span = tracing::info_span!(
            "kling_dmx.query",
            route = id.route().unwrap_or("unknown"),
            task_id = %id,
            http_status = Empty,
            request_id = Empty,
        );
        self.query(id, Purpose::Snapshot).in_span(span).await
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        self.inner
            .http
            .download(video_http::url_of(video)?, None)
            .await
    }

    /// The streaming query, held open until the task finishes or `min(timeout,
    /// stream_timeout)` passes.
    async fn long_wait(&self, id: &TaskId, timeout: Duration) -> Result<Option<Task>, VideoError> {
        let inner = &self.inner;
        let timeout = timeout.min(inner.stream_timeout);
        if timeout.is_zero() {
            return Ok(None);
        }
        let span = tracing::info_span!(
            "kling_dmx.stream_query",
            route = id.route().unwrap_or("unknown"),
            task_id = %id,
            http_status = Empty,
            request_id = Empty,
        );
        self.query(id, Purpose::LongWait(timeout))
            .in_span(span)
            .await
            .map(Some)
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        convert::failure_error(task)
    }
}

impl fmt::Debug for KlingDmxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("KlingDmxClient")
            .field("endpoint", &RedactedUrl(&inner.endpoint))
            .field("submit_model", &inner.submit_model)
            .field("query_model", &inner.query_model)
            .field("image_submit_model", &inner.image_submit_model)
            .field("image_query_model", &inner.image_query_model)
            .field("stream_timeout", &inner.stream_timeout)
            .field("http", &inner.http)
            .finish_non_exhaustive()
    }
}
