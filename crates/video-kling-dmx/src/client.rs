//! [`KlingDmxClient`]: the [`VideoProvider`] speaking the DMXAPI relay's protocol.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER, USER_AGENT,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;
use video_core::{
    AspectRatio, Capabilities, Quality, SubmissionAttempt, Task, TaskId, Video, VideoError,
    VideoProvider, VideoRequest, VideoStream, validate,
};

use crate::body::{EventCap, EventStreamError, read_capped, too_large};
use crate::config::{KlingDmxClientBuilder, QueryMode, Settings};
use crate::convert::{self, Call, classify, parse_retry_after, submit_body, task_from_envelope};
use crate::wire::QueryBody;

/// The name this provider reports.
pub const PROVIDER_NAME: &str = "kling-dmx";

/// Kling v2.6 text-to-video through the DMXAPI relay.
///
/// Cheap to clone (one `Arc` inside); clones share the connection pool and the in-flight cap.
/// Every call makes one attempt and classifies its failure precisely; retrying is core's job
/// (`video_core::generate`, `wait`, `Retrying`).
#[derive(Clone)]
pub struct KlingDmxClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) settings: Settings,
    pub(crate) permits: Arc<Semaphore>,
    /// A tighter cap for downloads: each holds an HTTP read buffer and a file buffer while
    /// it runs, so they bound memory (taken before a slot of `permits`).
    pub(crate) download_permits: Arc<Semaphore>,
    capabilities: Capabilities,
}

/// Kling v2.6's limits; `long_wait` only with the streaming query.
fn capabilities(query_mode: QueryMode) -> Capabilities {
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
        .with_long_wait(query_mode == QueryMode::Stream)
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

    pub(crate) fn from_settings(settings: Settings) -> Self {
        let capabilities = capabilities(settings.query_mode);
        let permits = Arc::new(Semaphore::new(settings.max_in_flight));
        let download_permits = Arc::new(Semaphore::new(settings.max_downloads_in_flight));
        Self {
            inner: Arc::new(Inner {
                settings,
                permits,
                download_permits,
                capabilities,
            }),
        }
    }

    /// The URL every API request goes to (`<base>/v1/responses`).
    pub fn endpoint(&self) -> &str {
        self.inner.settings.endpoint.as_str()
    }

    /// How tasks are queried.
    pub fn query_mode(&self) -> QueryMode {
        self.inner.settings.query_mode
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// A POST to the endpoint carrying the key (marked sensitive) and `body`.
    fn api_request(
        &self,
        body: Vec<u8>,
        timeout: Duration,
        accept: &'static str,
    ) -> reqwest::RequestBuilder {
        let settings = &self.inner.settings;
        settings
            .api_http
            .post(settings.endpoint.clone())
            .header(AUTHORIZATION, settings.auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, accept)
            .header(USER_AGENT, settings.user_agent.clone())
            .timeout(timeout)
            .body(body)
    }

    /// Refuses a reply that is a redirect, or (with a caller-supplied client that follows
    /// them) one that came through a redirect: API calls go to the configured endpoint only.
    fn check_not_redirected(&self, response: &reqwest::Response) -> Result<(), VideoError> {
        let endpoint = &self.inner.settings.endpoint;
        let status = response.status();
        let target = if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| endpoint.join(location).ok());
            Some(location.map_or_else(|| "an unnamed location".to_owned(), |url| host_of(&url)))
        } else if response.url() != endpoint {
            Some(host_of(response.url()))
        } else {
            None
        };
        match target {
            None => Ok(()),
            Some(target) => Err(VideoError::Configuration {
                message: format!(
                    "the API at {} redirected the call (HTTP {}) to {target}; API calls never \
                     follow redirects: if that host is the relay, use it as the base URL",
                    host_of(endpoint),
                    status.as_u16()
                ),
            }),
        }
    }

    /// Reads a reply whole, within the configured cap, with any echo of the key removed.
    async fn read_reply(&self, response: reqwest::Response) -> Result<Bytes, ReadFailure> {
        let settings = &self.inner.settings;
        match read_capped(response, settings.max_reply_bytes).await {
            Ok(bytes) => Ok(settings.scrubber.bytes(bytes)),
            Err(crate::body::ReadError::TooLarge(limit)) => {
                Err(ReadFailure::Video(too_large("reply", limit)))
            }
            Err(crate::body::ReadError::Network(error)) => Err(ReadFailure::Network(error)),
        }
    }

    /// Sends a submission and reads the whole reply. A connection that could not be made is
    /// `Transport { reached_server: false }`; any later failure is `UnknownOutcome`.
    async fn send_submission(
        &self,
        body: Vec<u8>,
        attempt: &SubmissionAttempt,
    ) -> Result<(u16, Option<Duration>, Bytes), VideoError> {
        let timeout = self.inner.settings.request_timeout;
        let sent = self
            .api_request(body, timeout, "application/json")
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_connect() => {
                tracing::info!(%error, "submission not sent: connection failed");
                return Err(VideoError::transport(false, error));
            }
            Err(error) => {
                tracing::warn!(%error, "submission outcome unknown");
                return Err(unknown_outcome(attempt, error.into()));
            }
        };
        let status = response.status().as_u16();
        tracing::Span::current().record("http_status", status);
        self.check_not_redirected(&response)?;
        let retry_after = retry_after(response.headers());
        match self.read_reply(response).await {
            Ok(bytes) => Ok((status, retry_after, bytes)),
            Err(failure) => {
                let error: video_core::BoxError = match failure {
                    ReadFailure::Video(error) => error.into(),
                    ReadFailure::Network(error) => error.into(),
                };
                tracing::warn!(%error, "submission reply unreadable; outcome unknown");
                Err(unknown_outcome(attempt, error))
            }
        }
    }

    /// One query, JSON or streaming; the reply may be either shape.
    async fn query(
        &self,
        id: &TaskId,
        stream: bool,
        timeout: Duration,
    ) -> Result<Task, VideoError> {
        if id.as_str().trim().is_empty() {
            return Err(VideoError::invalid("task_id", "must not be empty"));
        }
        let settings = &self.inner.settings;
        let body = QueryBody {
            model: &settings.query_model,
            input: id.as_str(),
            stream: stream.then_some(true),
        };
        let body =
            serde_json::to_vec(&body).map_err(|e| VideoError::invalid("task_id", e.to_string()))?;
        let accept = if stream {
            "text/event-stream"
        } else {
            "application/json"
        };
        let _permit = self.inner.acquire().await?;
        let started = Instant::now();
        let response = self
            .api_request(body, timeout, accept)
            .send()
            .await
            .map_err(|error| query_error(error, started))?;
        let status = response.status().as_u16();
        tracing::Span::current().record("http_status", status);
        self.check_not_redirected(&response)?;
        let retry_after = retry_after(response.headers());
        if response.status().is_success() && is_event_stream(response.headers()) {
            let events = EventCap::new(response.bytes_stream(), settings.max_reply_bytes);
            let to_error = |error| match error {
                EventStreamError::TooLarge(limit) => too_large("event", limit),
                EventStreamError::Body(error) => query_error(error, started),
            };
            let task =
                crate::sse::task_from_events(events, id, to_error, &settings.scrubber).await?;
            tracing::debug!(status = %task.status, "stream reply");
            return Ok(task);
        }
        let bytes = self
            .read_reply(response)
            .await
            .map_err(|failure| match failure {
                ReadFailure::Video(error) => error,
                ReadFailure::Network(error) => query_error(error, started),
            })?;
        let envelope = classify(status, retry_after, &bytes, Call::Query, Some(id))?;
        let task = task_from_envelope(envelope)
            .ok_or_else(|| VideoError::decode(Some(status), "no data", b""))?;
        if let Some(request_id) = &task.request_id {
            tracing::Span::current().record("request_id", request_id.as_str());
        }
        let mut task = task;
        if task.id != *id {
            // Debug formatting escapes anything a hostile id could do to a log.
            tracing::warn!(reported = ?task.id, "the reply names another task id");
            task.id = id.clone();
        }
        tracing::debug!(status = %task.status, "queried");
        Ok(task)
    }
}

impl Inner {
    /// A slot of the in-flight cap, held until the returned permit is dropped.
    pub(crate) async fn acquire_download(&self) -> Result<[OwnedSemaphorePermit; 2], VideoError> {
        let download = Arc::clone(&self.download_permits)
            .acquire_owned()
            .await
            .map_err(|error| VideoError::transport(false, error))?;
        Ok([download, self.acquire().await?])
    }

    /// A slot of the in-flight cap, held until the returned permit is dropped.
    pub(crate) async fn acquire(&self) -> Result<OwnedSemaphorePermit, VideoError> {
        Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|error| VideoError::transport(false, error))
    }
}

/// What a submission's reply means. Refusals are classified by the error table; a reply
/// after which the task may exist without us knowing its id is `UnknownOutcome`: a 2xx that
/// is not the protocol's, a gateway timeout (504/524: the relay gave up waiting for Kling),
/// or an acceptance without data.
fn submission_outcome(
    status: u16,
    retry_after: Option<Duration>,
    bytes: &[u8],
    attempt: &SubmissionAttempt,
) -> Result<Task, VideoError> {
    let envelope = match classify(status, retry_after, bytes, Call::Submit, None) {
        Ok(envelope) => envelope,
        Err(error @ VideoError::Decode { .. }) if (200..300).contains(&status) => {
            tracing::warn!(%error, "submission accepted with an unreadable reply");
            return Err(unknown_outcome(attempt, error.into()));
        }
        Err(error) if matches!(status, 504 | 524) => {
            tracing::warn!(%error, "gateway timeout on a submission; outcome unknown");
            return Err(unknown_outcome(attempt, error.into()));
        }
        Err(error) => {
            tracing::info!(%error, "submission refused");
            return Err(error);
        }
    };
    let task = task_from_envelope(envelope)
        .ok_or_else(|| unknown_outcome(attempt, "accepted without data".into()))?;
    if !task.id.is_well_formed() {
        let reason = format!(
            "accepted with a malformed task id ({} bytes; empty, over {} bytes, or with control \
             characters)",
            task.id.as_str().len(),
            TaskId::MAX_LEN
        );
        tracing::warn!(%reason, "submission outcome unknown");
        return Err(unknown_outcome(attempt, reason.into()));
    }
    Ok(task)
}

/// Why a reply could not be read: a limit (already an error) or the network (classified by
/// the caller, which knows whether it was a submission).
enum ReadFailure {
    Video(VideoError),
    Network(reqwest::Error),
}

/// `host[:port]` of a URL, for messages.
fn host_of(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => "a URL without a host".to_owned(),
    }
}

fn unknown_outcome(attempt: &SubmissionAttempt, source: video_core::BoxError) -> VideoError {
    VideoError::UnknownOutcome {
        attempt: Box::new(attempt.clone()),
        source,
    }
}

/// A query's network failure: all retryable; `Timeout` when the clock ran out.
fn query_error(error: reqwest::Error, started: Instant) -> VideoError {
    if error.is_connect() {
        VideoError::transport(false, error)
    } else if error.is_timeout() {
        VideoError::Timeout {
            elapsed: started.elapsed(),
        }
    } else {
        VideoError::transport(true, error)
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, std::time::SystemTime::now())
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim()
                .to_ascii_lowercase()
                .starts_with("text/event-stream")
        })
}

#[async_trait]
impl VideoProvider for KlingDmxClient {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    /// Validates, then sends one submission.
    ///
    /// A connection that could not be made is `Transport { reached_server: false }`; any
    /// failure once the request may have been sent (timeout, reset, unreadable reply, a 2xx
    /// reply that is not the protocol's) is [`VideoError::UnknownOutcome`]; a reply is
    /// classified by the error table.
    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        validate(request, &self.inner.capabilities)?;
        let settings = &self.inner.settings;
        let body = serde_json::to_vec(&submit_body(request, &settings.submit_model))
            .map_err(|error| VideoError::invalid("extra", error.to_string()))?;
        let span = tracing::info_span!(
            "kling_dmx.submit",
            model = %settings.submit_model,
            prompt_chars = request.prompt.chars().count(),
            task_id = Empty,
            http_status = Empty,
            request_id = Empty,
        );
        async move {
            let _permit = self.inner.acquire().await?;
            let attempt = Box::new(SubmissionAttempt::new(PROVIDER_NAME, request.clone()));
            let (status, retry_after, bytes) = self.send_submission(body, &attempt).await?;
            let task = submission_outcome(status, retry_after, &bytes, &attempt)?;
            let span = tracing::Span::current();
            span.record("task_id", task.id.as_str());
            if let Some(request_id) = &task.request_id {
                span.record("request_id", request_id.as_str());
            }
            tracing::info!("submitted");
            Ok(task)
        }
        .instrument(span)
        .await
    }

    /// One query. Network failures are retryable (`Timeout`, `Transport`); an unknown id is
    /// [`VideoError::NotFound`].
    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let settings = &self.inner.settings;
        let span = tracing::info_span!(
            "kling_dmx.query",
            model = %settings.query_model,
            task_id = %id,
            http_status = Empty,
            request_id = Empty,
        );
        self.query(id, false, settings.request_timeout)
            .instrument(span)
            .await
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        crate::download::download(self, video).await
    }

    /// With [`QueryMode::Stream`], one streaming query held open until the task finishes or
    /// `min(timeout, stream_timeout)` passes; otherwise `Ok(None)`.
    async fn wait_in_one_request(
        &self,
        id: &TaskId,
        timeout: Duration,
    ) -> Result<Option<Task>, VideoError> {
        let settings = &self.inner.settings;
        let timeout = timeout.min(settings.stream_timeout);
        if settings.query_mode != QueryMode::Stream || timeout.is_zero() {
            return Ok(None);
        }
        let span = tracing::info_span!(
            "kling_dmx.stream_query",
            model = %settings.query_model,
            task_id = %id,
            http_status = Empty,
            request_id = Empty,
        );
        self.query(id, true, timeout)
            .instrument(span)
            .await
            .map(Some)
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        convert::failure_error(task)
    }
}

impl fmt::Debug for KlingDmxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.inner.settings;
        let mut endpoint = settings.endpoint.clone();
        if endpoint.password().is_some() {
            let _ = endpoint.set_password(Some("redacted"));
        }
        f.debug_struct("KlingDmxClient")
            .field("endpoint", &endpoint.as_str())
            .field("api_key", &"[redacted]")
            .field("submit_model", &settings.submit_model)
            .field("query_model", &settings.query_model)
            .field("query_mode", &settings.query_mode)
            .field("request_timeout", &settings.request_timeout)
            .field("stream_timeout", &settings.stream_timeout)
            .field("max_in_flight", &settings.max_in_flight)
            .field("max_downloads_in_flight", &settings.max_downloads_in_flight)
            .field("allow_insecure_http", &settings.allow_insecure_http)
            .finish_non_exhaustive()
    }
}
