//! [`DmxBuilder`]: the relay's configuration (key, base URL, timeouts, HTTP options) and
//! the model to serve; `from_env` reads `DMXAPI_API_KEY` and `DMXAPI_BASE_URL`, the same
//! variables `video-kling-dmx` reads, so one key configures every family.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use video_core::VideoError;
use video_http::{Auth, Connect, HttpClient, HttpOptions, RedactedSecret};

use crate::provider::{DmxProvider, Inner};

/// The relay's host root (`.com` accounts: `https://www.dmxapi.com`).
pub const DEFAULT_BASE_URL: &str = "https://www.dmxapi.cn";
/// Environment variable holding the relay key (an empty value counts as missing).
pub const ENV_API_KEY: &str = "DMXAPI_API_KEY";
/// Environment variable holding the base URL (optional; the host root).
pub const ENV_BASE_URL: &str = "DMXAPI_BASE_URL";
/// Environment variable allowing plain http to a non-loopback host (`1` or `true`).
pub const ENV_ALLOW_INSECURE_HTTP: &str = "DMXAPI_ALLOW_INSECURE_HTTP";
/// The model served when none is named.
pub const DEFAULT_MODEL: &str = "doubao-seedance-2-0-260128";
/// The provider name every family reports (the model tells them apart).
pub const PROVIDER_NAME: &str = "dmx";

/// Whether the variables `lookup` returns hold a relay key.
pub fn configured_in(lookup: impl Fn(&str) -> Option<String>) -> bool {
    RELAY.configured_in(lookup)
}

/// The relay's one endpoint for a base URL: `<host root>/v1/responses` (a trailing `/`,
/// `/v1` or `/v1/responses` on the base is tolerated).
///
/// # Errors
/// [`VideoError::Configuration`] for a base that is not an http(s) URL.
pub fn endpoint(base: &str) -> Result<Url, VideoError> {
    let root = video_http::wire::host_root(base, &["/v1/responses", "/v1"])?;
    root.join("v1/responses")
        .map_err(|error| VideoError::configuration(format!("invalid base URL: {error}")))
}

/// The relay's variables as a lookup returns them (empty values count as unset): what
/// configures every relay provider (`video-dmx`'s families and `video-kling-dmx`).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RelayEnv {
    /// `DMXAPI_API_KEY`.
    pub api_key: Option<String>,
    /// `DMXAPI_BASE_URL`.
    pub base_url: Option<String>,
    /// `DMXAPI_ALLOW_INSECURE_HTTP` is `1`, `true` or `yes`.
    pub allow_insecure_http: bool,
}

impl RelayEnv {
    /// The variables `lookup` returns.
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let env = RELAY.read(&lookup);
        Self {
            api_key: video_http::env_value(&lookup, ENV_API_KEY),
            base_url: env.base_url,
            allow_insecure_http: env.allow_insecure_http,
        }
    }
}

/// The relay's variables and what its clients check.
const RELAY: Connect<'static> = Connect {
    provider: PROVIDER_NAME,
    key_env: ENV_API_KEY,
    base_env: ENV_BASE_URL,
    insecure_env: ENV_ALLOW_INSECURE_HTTP,
};

/// The relay's HTTP client (the raw key in `Authorization`) and its endpoint, checked: a
/// missing or blank key is [`VideoError::MissingCredentials`] for `provider`, plain http to a
/// non-loopback host without `allow_insecure_http` is [`VideoError::InsecureHttp`].
///
/// # Errors
/// As above; a bad base URL or HTTP option is [`VideoError::Configuration`].
pub fn connect(
    api_key: Option<SecretString>,
    base_url: &str,
    http: HttpOptions,
    provider: &str,
) -> Result<(HttpClient, Url), VideoError> {
    let connect = Connect { provider, ..RELAY };
    let auth = Auth::raw_key(connect.key(api_key)?)?;
    let root = connect.base(base_url, &["/v1/responses", "/v1"], &http)?;
    let endpoint = endpoint(root.as_str())?;
    Ok((HttpClient::new(http, auth)?, endpoint))
}

/// Builds a [`DmxProvider`] for one model.
///
/// ```
/// use video_core::VideoProvider;
/// use video_dmx::DmxProvider;
///
/// let seedance = DmxProvider::builder()
///     .api_key("sk-example")
///     .model("doubao-seedance-2-0-fast-260128")
///     .build()?;
/// assert_eq!(seedance.model(), Some("doubao-seedance-2-0-fast-260128"));
/// assert_eq!(seedance.endpoint(), "https://www.dmxapi.cn/v1/responses");
/// # Ok::<(), video_core::VideoError>(())
/// ```
#[must_use]
pub struct DmxBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    model: String,
    snapshot_window: Duration,
    stream_timeout: Duration,
    http: HttpOptions,
}

impl Default for DmxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl DmxBuilder {
    /// Every default, no key.
    pub fn new() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            snapshot_window: Duration::from_secs(15),
            stream_timeout: Duration::from_secs(20 * 60),
            http: HttpOptions::new(concat!("video-dmx/", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// Configured from the process environment (see [`from_lookup`](Self::from_lookup)).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Configured from the variables `lookup` returns: `DMXAPI_API_KEY`,
    /// `DMXAPI_BASE_URL`, `DMXAPI_ALLOW_INSECURE_HTTP` (empty values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let env = RelayEnv::read(lookup);
        let mut builder = Self::new().allow_insecure_http(env.allow_insecure_http);
        builder.api_key = env.api_key.map(SecretString::from);
        builder.base_url = env.base_url.unwrap_or(builder.base_url);
        builder
    }

    /// The relay key, sent as the raw `Authorization` header (never printed).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The host root (default `https://www.dmxapi.cn`).
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// The submit model, as the relay's pages name it (see [`crate::models`]).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// How long a snapshot made with a streaming query stays open (default 15 s): a stream
    /// that has not completed by then means the task is still rendering.
    pub fn snapshot_window(mut self, window: Duration) -> Self {
        self.snapshot_window = window;
        self
    }

    /// The limit of one long wait on a streaming family (default 20 minutes).
    pub fn stream_timeout(mut self, timeout: Duration) -> Self {
        self.stream_timeout = timeout;
        self
    }

    video_http::http_option_setters!(http);

    /// Checks the options and builds the provider.
    ///
    /// # Errors
    /// [`VideoError::MissingCredentials`] without a key; [`VideoError::InsecureHttp`] for
    /// plain http to a non-loopback host not allowed; [`VideoError::InvalidRequest`] (field
    /// `model`, the known names) for a model the relay table does not list;
    /// [`VideoError::Configuration`] for a bad base URL or a zero window.
    pub fn build(self) -> Result<DmxProvider, VideoError> {
        let row = crate::models::find(&self.model)?;
        if self.snapshot_window.is_zero() {
            return Err(VideoError::configuration(
                "the snapshot window must not be 0",
            ));
        }
        let (http, endpoint) = connect(self.api_key, &self.base_url, self.http, PROVIDER_NAME)?;
        Ok(DmxProvider::from_inner(Inner {
            http,
            endpoint,
            row: *row,
            capabilities: (row.capabilities)(),
            snapshot_window: self.snapshot_window,
            stream_timeout: self.stream_timeout,
        }))
    }
}

impl fmt::Debug for DmxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DmxBuilder")
            .field("api_key", &RedactedSecret(self.api_key.is_some()))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("snapshot_window", &self.snapshot_window)
            .field("stream_timeout", &self.stream_timeout)
            .field("http", &self.http)
            .finish()
    }
}
