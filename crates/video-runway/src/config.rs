//! [`RunwayBuilder`]: the host, the API secret (`Bearer`), the API version header, the model
//! and the HTTP options; `from_env` reads `RUNWAYML_*` (the names Runway's SDK reads).

use std::fmt;

use secrecy::SecretString;
use video_core::VideoError;
use video_http::{Auth, Connect, HttpOptions, RedactedSecret};

use crate::client::{Inner, RunwayClient};

/// Runway's API host.
pub const DEFAULT_BASE_URL: &str = "https://api.dev.runwayml.com";
/// The `X-Runway-Version` sent on every call (the SDK's default).
pub const API_VERSION: &str = "2024-11-06";
/// The model served when none is named.
pub const DEFAULT_MODEL: &str = "gen4.5";
/// The name this provider reports.
pub const PROVIDER_NAME: &str = "runway";
/// Environment variable holding the API secret.
pub const ENV_API_SECRET: &str = "RUNWAYML_API_SECRET";
/// Environment variable holding the host (optional).
pub const ENV_BASE_URL: &str = "RUNWAYML_BASE_URL";
/// Environment variable allowing plain http to a non-loopback host (`1` or `true`).
pub const ENV_ALLOW_INSECURE_HTTP: &str = "RUNWAYML_ALLOW_INSECURE_HTTP";

/// Whether the variables `lookup` returns hold an API secret.
pub fn configured_in(lookup: impl Fn(&str) -> Option<String>) -> bool {
    CONNECT.configured_in(lookup)
}

/// The provider's variables and what its builder checks.
const CONNECT: Connect<'static> = Connect {
    provider: PROVIDER_NAME,
    key_env: ENV_API_SECRET,
    base_env: ENV_BASE_URL,
    insecure_env: ENV_ALLOW_INSECURE_HTTP,
};

/// Builds a [`RunwayClient`].
///
/// ```
/// use video_core::VideoProvider;
/// use video_runway::RunwayClient;
///
/// let client = RunwayClient::builder().api_secret("key_example").model("veo3.1").build()?;
/// assert!(client.capabilities().cancel);
/// # Ok::<(), video_core::VideoError>(())
/// ```
#[must_use]
pub struct RunwayBuilder {
    api_secret: Option<SecretString>,
    base_url: String,
    model: String,
    http: HttpOptions,
}

impl Default for RunwayBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl RunwayBuilder {
    /// Every default, no secret.
    pub fn new() -> Self {
        Self {
            api_secret: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            http: HttpOptions::new(concat!("video-runway/", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// Configured from the process environment (see [`from_lookup`](Self::from_lookup)).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Configured from `RUNWAYML_API_SECRET`, `RUNWAYML_BASE_URL`,
    /// `RUNWAYML_ALLOW_INSECURE_HTTP` as `lookup` returns them (empty values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let env = CONNECT.read(&lookup);
        let mut builder = Self::new().allow_insecure_http(env.allow_insecure_http);
        builder.api_secret = env.key;
        builder.base_url = env.base_url.unwrap_or(builder.base_url);
        builder
    }

    /// The API secret, sent as `Bearer` (never printed).
    pub fn api_secret(mut self, secret: impl Into<String>) -> Self {
        self.api_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// The host (default `https://api.dev.runwayml.com`; a trailing `/v1` is tolerated).
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// The model (see [`crate::models::MODELS`]; default `gen4.5`).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    video_http::http_option_setters!(http);

    /// Checks the options and builds the client.
    ///
    /// # Errors
    /// [`VideoError::MissingCredentials`] without a secret; [`VideoError::InsecureHttp`] for
    /// plain http to a non-loopback host not allowed; [`VideoError::InvalidRequest`] (field
    /// `model`) for a model the table does not list; [`VideoError::Configuration`] for a bad
    /// base URL.
    pub fn build(self) -> Result<RunwayClient, VideoError> {
        let model = crate::models::find(self.model.trim()).ok_or_else(|| {
            VideoError::invalid_by(
                "model",
                video_core::Rule::OneOf {
                    allowed: crate::models::MODELS
                        .iter()
                        .map(|m| m.id.to_owned())
                        .collect(),
                },
                format!(
                    "`{}` is not a Runway video model",
                    self.model.escape_debug()
                ),
            )
        })?;
        let auth = Auth::bearer(CONNECT.key(self.api_secret)?)?;
        let http = self.http.with_header("X-Runway-Version", API_VERSION);
        let (http, base) = CONNECT.client(auth, &self.base_url, &["/v1"], http)?;
        let tasks = video_http::wire::endpoint(&base, &["v1", "tasks"])?;
        Ok(RunwayClient::from_inner(Inner {
            http,
            base,
            tasks,
            model,
            capabilities: model.capabilities(),
        }))
    }
}

impl fmt::Debug for RunwayBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunwayBuilder")
            .field("api_secret", &RedactedSecret(self.api_secret.is_some()))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("http", &self.http)
            .finish()
    }
}
