//! [`KlingClient`]: the [`VideoProvider`] speaking Kling's legacy `/v1/videos/*` API. HTTP
//! mechanics (auth, caps, redirects, bounded and scrubbed bodies, downloads) are
//! `video-http`'s; Kling's shared knowledge (task object, codes) is
//! `video-kling-protocol`'s; this file holds the endpoints and the calls.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use tracing::field::Empty;
use url::Url;
use video_core::provider::VideoStream;
use video_core::{
    Capabilities, Mode, SubmissionAttempt, Task, TaskId, Video, VideoError, VideoProvider,
    VideoRequest, validate,
};
use video_http::InSpan;
use video_http::wire::outcome::unknown_unless_refused;
use video_http::wire::{accepted, check_task_id, queried, query_routes};
use video_http::{ApiCall, HttpClient, Reply};
use video_kling_protocol::{Call, Envelope, task_from_data};

use crate::config::KlingClientBuilder;
use crate::convert::{classify, create_body, token_time_refusal};
use crate::lookup;
use crate::models::ModelSpec;
use crate::path::{family, family_url, task_url};

/// The name this provider reports.
pub const PROVIDER_NAME: &str = "kling";

/// Kling's own API (text-to-video and image-to-video).
///
/// Cheap to clone (one `Arc` inside). Every call makes one attempt and classifies its
/// failure; retrying is core's job. A submission carries the request's client reference as
/// `external_task_id`, so a task whose create reply was lost is found again
/// ([`VideoProvider::find_by_reference`]).
#[derive(Clone)]
pub struct KlingClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    /// The host root, ending in `/`.
    pub(crate) base: Url,
    /// `model_name` as configured.
    pub(crate) model_name: String,
    /// The rules of that model.
    pub(crate) model: ModelSpec,
    pub(crate) capabilities: Capabilities,
    /// Whether tokens are minted (a refused one is re-minted once).
    pub(crate) minted: bool,
    pub(crate) lookup_pages: u32,
}

impl KlingClient {
    /// Starts a builder with every default; see [`KlingClientBuilder`].
    pub fn builder() -> KlingClientBuilder {
        KlingClientBuilder::new()
    }

    /// A client configured from the environment (see [`KlingClientBuilder::from_env`]).
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when no credentials are set or an option is bad.
    pub fn from_env() -> Result<Self, VideoError> {
        KlingClientBuilder::from_env().build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The host root requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The model submissions name.
    pub fn model(&self) -> &str {
        &self.inner.model_name
    }

    pub(crate) fn base(&self) -> &Url {
        &self.inner.base
    }

    /// One exchange read whole; after a 1003/1004 (the token refused for its time) a fresh
    /// token is minted and the call made once more.
    pub(crate) async fn exchange<'u>(
        &self,
        call: impl Fn() -> ApiCall<'u>,
    ) -> Result<Reply, VideoError> {
        let reply = self.inner.http.reply(call()).await?;
        if self.inner.minted && token_time_refusal(reply.status, &reply.body) {
            tracing::info!("the token was refused for its time; minting a fresh one");
            self.inner.http.auth().invalidate();
            return self.inner.http.reply(call()).await;
        }
        Ok(reply)
    }

    /// One query of `id` under `route`.
    pub(crate) async fn query(&self, id: &TaskId, route: &str) -> Result<Task, VideoError> {
        let url = task_url(&self.inner.base, route, id.as_str())?;
        let reply = self.exchange(|| ApiCall::get(&url)).await?;
        let envelope = classify(
            reply.status,
            reply.retry_after,
            &reply.body,
            Call::Query,
            Some(id),
        )?;
        let task = task_of(envelope, Some(reply.status))?;
        Ok(queried(task, &id.clone().with_route(route)))
    }

    fn attempt(&self, request: &VideoRequest) -> SubmissionAttempt {
        SubmissionAttempt::new(PROVIDER_NAME, request.clone())
    }
}

/// The task in a `code: 0` envelope, its id checked.
pub(crate) fn task_of(envelope: Envelope, status: Option<u16>) -> Result<Task, VideoError> {
    let data = envelope
        .task()
        .ok_or_else(|| VideoError::decode(status, "code 0 without a task in data", b""))?;
    let task = task_from_data(data, envelope.request_id);
    check_task_id(&task.id)?;
    Ok(task)
}

#[async_trait]
impl VideoProvider for KlingClient {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.inner.capabilities
    }

    fn model(&self) -> Option<&str> {
        Some(&self.inner.model_name)
    }

    /// The capability check, then the model's own rules on Kling's typed options
    /// (`cfg_scale`, `camera_control`, voices, image-to-video without an aspect ratio): every
    /// refusal `submit` would make locally, made before any journal entry is written.
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        validate(request, self.capabilities())?;
        create_body(request, &self.inner.model_name, &self.inner.model).map(drop)
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        let route = family(request.mode());
        let span = tracing::info_span!(
            "kling.submit",
            model = %self.inner.model_name,
            route,
            prompt_chars = request.prompt.chars().count(),
            task_id = Empty,
            http_status = Empty,
        );
        async {
            validate(request, self.capabilities())?;
            let body = create_body(request, &self.inner.model_name, &self.inner.model)?;
            let body = serde_json::to_vec(&body)
                .map_err(|error| VideoError::invalid("extra", error.to_string()))?;
            let url = family_url(&self.inner.base, route)?;
            let attempt = self.attempt(request);
            let reply = self
                .exchange(|| ApiCall::post(&url, body.clone()))
                .await
                .map_err(|error| unknown_unless_refused(error, &attempt))?;
            let read = classify(
                reply.status,
                reply.retry_after,
                &reply.body,
                Call::Submit,
                None,
            )
            .and_then(|envelope| task_of(envelope, Some(reply.status)));
            let mut task = accepted(read, &attempt)?;
            task.id = task.id.with_route(route);
            if task.client_reference.is_none() {
                task.client_reference.clone_from(&request.client_reference);
            }
            video_http::record_field("task_id", task.id.as_str());
            Ok(task)
        }
        .in_span(span)
        .await
    }

    /// One query; an id without a route (typed by a user) is tried as a text-to-video task,
    /// then as an image-to-video one.
    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let span = tracing::info_span!(
            "kling.query",
            route = id.route().unwrap_or("unknown"),
            task_id = %id,
            http_status = Empty,
        );
        let routes = [family(Mode::TextToVideo), family(Mode::ImageToVideo)];
        query_routes(id, &routes, |routed| async move {
            let route = family_of(routed.route().unwrap_or_default());
            self.query(&routed, route).await
        })
        .in_span(span)
        .await
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        let span = tracing::info_span!("kling.download");
        self.inner
            .http
            .download(video_http::url_of(video)?, None)
            .in_span(span)
            .await
    }

    async fn find_by_reference(
        &self,
        reference: &str,
        mode: Mode,
    ) -> Result<Option<Task>, VideoError> {
        let span = tracing::info_span!("kling.lookup", route = family(mode), http_status = Empty);
        lookup::find(self, reference, mode, self.inner.lookup_pages)
            .in_span(span)
            .await
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        video_kling_protocol::failure_error(task)
    }
}

/// A known route, or text-to-video for anything else (a handle from an older version).
fn family_of(route: &str) -> &'static str {
    if route == family(Mode::ImageToVideo) {
        family(Mode::ImageToVideo)
    } else {
        family(Mode::TextToVideo)
    }
}

impl fmt::Debug for KlingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("KlingClient")
            .field("base", &inner.base.as_str())
            .field("model", &inner.model_name)
            .field("http", &inner.http)
            .finish_non_exhaustive()
    }
}
