//! [`KlingDmxClientBuilder`]: every option of the client, its defaults and `from_env`.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use video_core::VideoError;
use video_http::{HttpOptions, RedactedSecret};

use crate::client::{Inner, KlingDmxClient, capabilities};

/// The relay's host root, key and settings: the relay's own, shared by every family
/// (`video-dmx`), so one key configures them all.
pub use video_dmx::{DEFAULT_BASE_URL, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_BASE_URL};
/// The model a submission asks for: Kling v2.6 text-to-video.
pub const DEFAULT_SUBMIT_MODEL: &str = "kling-v2-6-text2video";
/// The "model" a query asks for.
pub const DEFAULT_QUERY_MODEL: &str = "kling-text2video-get";
/// The model an image-to-video submission asks for.
pub const DEFAULT_IMAGE_SUBMIT_MODEL: &str = "kling-v2-6-image2video";
/// The "model" a query for an image-to-video task asks for.
pub const DEFAULT_IMAGE_QUERY_MODEL: &str = "kling-image2video-get";
/// Whether the environment configures the relay: `DMXAPI_API_KEY` is set and not blank.
/// (Tools choosing a provider ask this instead of reading the key themselves.)
pub fn configured_in_env() -> bool {
    configured_in(|name| std::env::var(name).ok())
}

/// Whether the variables `lookup` returns hold an API key (as [`configured_in_env`] does
/// for the process environment).
pub fn configured_in(lookup: impl Fn(&str) -> Option<String>) -> bool {
    video_dmx::configured_in(lookup)
}

/// Builds a [`KlingDmxClient`]; see [`KlingDmxClient::builder`].
///
/// ```
/// use std::time::Duration;
/// use video_kling_dmx::KlingDmxClient;
///
/// let client = KlingDmxClient::builder()
///     .api_key("sk-example")
///     .base_url("https://www.dmxapi.cn/v1/")
///     .request_timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.endpoint(), "https://www.dmxapi.cn/v1/responses");
/// # Ok::<(), video_core::VideoError>(())
/// ```
#[must_use]
pub struct KlingDmxClientBuilder {
    image_query_form: QueryForm,
    snapshot_window: Duration,
    api_key: Option<SecretString>,
    base_url: String,
    submit_model: String,
    query_model: String,
    image_submit_model: String,
    image_query_model: String,
    stream_timeout: Duration,
    http: HttpOptions,
}

/// The form of a snapshot query: the relay answers a query as one JSON envelope, or (with
/// `"stream": true`) as server-sent events ending in a text outcome. Either reply shape is
/// accepted whatever was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryForm {
    /// One JSON request answered with the task envelope.
    Json,
    /// The streaming request, read for at most the
    /// [snapshot window](KlingDmxClientBuilder::snapshot_window).
    Stream,
}

impl Default for KlingDmxClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl KlingDmxClientBuilder {
    /// A builder with every default and no key.
    pub fn new() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            submit_model: DEFAULT_SUBMIT_MODEL.to_owned(),
            query_model: DEFAULT_QUERY_MODEL.to_owned(),
            image_submit_model: DEFAULT_IMAGE_SUBMIT_MODEL.to_owned(),
            image_query_model: DEFAULT_IMAGE_QUERY_MODEL.to_owned(),
            stream_timeout: Duration::from_secs(20 * 60),
            image_query_form: QueryForm::Stream,
            snapshot_window: Duration::from_secs(15),
            http: HttpOptions::new(concat!("video-kling-dmx/", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// A builder with the key from `DMXAPI_API_KEY` and, when set, the base URL from
    /// `DMXAPI_BASE_URL` (and `DMXAPI_ALLOW_INSECURE_HTTP=1` to allow plain http). Empty values count as unset; a missing key fails at
    /// [`build`](Self::build).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `from_env` with the variables read through `lookup` (testable without touching the
    /// process environment).
    /// A builder configured from the variables `lookup` returns (what
    /// [`from_env`](Self::from_env) reads from the process environment), so apps and tests
    /// can configure it from a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let env = video_dmx::RelayEnv::read(lookup);
        let mut builder = Self::new().allow_insecure_http(env.allow_insecure_http);
        builder.api_key = env.api_key.map(SecretString::from);
        builder.base_url = env.base_url.unwrap_or(builder.base_url);
        builder
    }

    /// The API key (`sk-...`), sent as the raw `Authorization` header. Kept as a secret:
    /// never printed by `Debug`, errors or logs.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The host root (default `https://www.dmxapi.cn`). The client appends `/v1/responses`;
    /// a trailing `/`, `/v1`, `/v1/` or `/v1/responses` is tolerated.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// The model a submission names (default `kling-v2-6-text2video`).
    pub fn submit_model(mut self, model: impl Into<String>) -> Self {
        self.submit_model = model.into();
        self
    }

    /// The model a query names (default `kling-text2video-get`).
    pub fn query_model(mut self, model: impl Into<String>) -> Self {
        self.query_model = model.into();
        self
    }

    /// The limit of one long wait (the streaming query; default 20 minutes; never longer
    /// than the deadline core passes). Whether the long wait is used is the policy's choice:
    /// [`video_core::PollPolicy::with_long_wait`].
    pub fn stream_timeout(mut self, timeout: Duration) -> Self {
        self.stream_timeout = timeout;
        self
    }

    /// The model an image-to-video submission names (default `kling-v2-6-image2video`).
    pub fn image_submit_model(mut self, model: impl Into<String>) -> Self {
        self.image_submit_model = model.into();
        self
    }

    /// The model a query of an image-to-video task names (default `kling-image2video-get`).
    pub fn image_query_model(mut self, model: impl Into<String>) -> Self {
        self.image_query_model = model.into();
        self
    }

    /// How an image-to-video task is queried for a snapshot (default
    /// [`QueryForm::Stream`], the only form the relay documents for image-to-video; the
    /// JSON form works on the relay's text-to-video and is accepted here as an option).
    /// Text-to-video snapshots always use the JSON form.
    pub fn image_query_form(mut self, form: QueryForm) -> Self {
        self.image_query_form = form;
        self
    }

    /// How long a snapshot made with the streaming query may stay open (default 15 s): a
    /// stream that has not completed by then means the task is still rendering, as the
    /// relay's own clients read it.
    pub fn snapshot_window(mut self, window: Duration) -> Self {
        self.snapshot_window = window;
        self
    }

    video_http::http_option_setters!(http);

    /// Checks the options and builds the client.
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when the key is missing or empty (the message never
    /// contains it), the base URL is not an `http(s)` URL (or is plain http to a non-loopback
    /// host without `allow_insecure_http`, which would send the key unencrypted), a model
    /// name is empty, a cap or limit is 0, or the HTTP client cannot be built.
    pub fn build(self) -> Result<KlingDmxClient, VideoError> {
        let config = |message: &str| VideoError::Configuration {
            message: message.to_owned(),
            details: video_core::ErrorDetails::none(),
        };
        let models = [
            &self.submit_model,
            &self.query_model,
            &self.image_submit_model,
            &self.image_query_model,
        ];
        if models.iter().any(|model| model.trim().is_empty()) {
            return Err(config("model names must not be empty"));
        }
        if self.snapshot_window.is_zero() {
            return Err(config("the snapshot window must not be 0"));
        }
        let (http, endpoint) = video_dmx::connect(
            self.api_key,
            &self.base_url,
            self.http,
            crate::PROVIDER_NAME,
        )?;
        Ok(KlingDmxClient::from_inner(Inner {
            http,
            endpoint,
            submit_model: self.submit_model,
            query_model: self.query_model,
            image_submit_model: self.image_submit_model,
            image_query_model: self.image_query_model,
            stream_timeout: self.stream_timeout,
            image_query_form: self.image_query_form,
            snapshot_window: self.snapshot_window,
            capabilities: capabilities(),
        }))
    }
}

impl fmt::Debug for KlingDmxClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KlingDmxClientBuilder")
            .field("api_key", &RedactedSecret(self.api_key.is_some()))
            .field("base_url", &self.base_url)
            .field("submit_model", &self.submit_model)
            .field("query_model", &self.query_model)
            .field("image_submit_model", &self.image_submit_model)
            .field("image_query_model", &self.image_query_model)
            .field("stream_timeout", &self.stream_timeout)
            .field("image_query_form", &self.image_query_form)
            .field("snapshot_window", &self.snapshot_window)
            .field("http", &self.http)
            .finish()
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
