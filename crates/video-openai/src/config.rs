//! [`OpenAiBuilder`]: the API's base URL, the credential and where it goes (`Bearer`, raw, or
//! Azure's `api-key` header), the model, OpenAI's optional organisation and project headers,
//! and the HTTP options; `from_env` reads `OPENAI_*`.

use std::fmt;
use std::str::FromStr;

use secrecy::SecretString;
use video_core::VideoError;
use video_http::{Auth, Connect, HttpOptions, RedactedSecret};

use crate::client::{Inner, OpenAiClient};

/// OpenAI's own base (retired for videos on 2026-09-24; set `OPENAI_BASE_URL` to a gateway).
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The model served when none is named.
pub const DEFAULT_MODEL: &str = "sora-2";
/// The name this provider reports.
pub const PROVIDER_NAME: &str = "openai";
/// Environment variable holding the credential.
pub const ENV_API_KEY: &str = "OPENAI_API_KEY";
/// Environment variable holding the API base, `/v1` included (e.g. a LiteLLM proxy's
/// `http://host:4000/v1`, Azure's `https://{resource}.openai.azure.com/openai/v1`).
pub const ENV_BASE_URL: &str = "OPENAI_BASE_URL";
/// Environment variable naming where the credential goes: `bearer`, `raw` or `api-key`.
pub const ENV_AUTH_STYLE: &str = "OPENAI_AUTH_STYLE";
/// Environment variable naming the model when none is given.
pub const ENV_MODEL: &str = "OPENAI_VIDEO_MODEL";
/// Environment variable with the `OpenAI-Organization` header (optional).
pub const ENV_ORGANIZATION: &str = "OPENAI_ORG_ID";
/// Environment variable with the `OpenAI-Project` header (optional).
pub const ENV_PROJECT: &str = "OPENAI_PROJECT_ID";
/// Environment variable allowing plain http to a non-loopback host (`1` or `true`).
pub const ENV_ALLOW_INSECURE_HTTP: &str = "OPENAI_ALLOW_INSECURE_HTTP";

/// Whether the variables `lookup` returns hold a credential.
pub fn configured_in(lookup: impl Fn(&str) -> Option<String>) -> bool {
    CONNECT.configured_in(lookup)
}

/// The provider's variables and what its builder checks.
const CONNECT: Connect<'static> = Connect {
    provider: PROVIDER_NAME,
    key_env: ENV_API_KEY,
    base_env: ENV_BASE_URL,
    insecure_env: ENV_ALLOW_INSECURE_HTTP,
};

/// Where the credential goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>` (OpenAI, LiteLLM).
    #[default]
    Bearer,
    /// `Authorization: <key>` (relays such as DMXAPI).
    Raw,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKey,
}

impl FromStr for AuthStyle {
    type Err = VideoError;

    /// `bearer`, `raw` or `api-key` (any case).
    fn from_str(text: &str) -> Result<Self, VideoError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "bearer" => Ok(Self::Bearer),
            "raw" => Ok(Self::Raw),
            "api-key" | "api_key" | "apikey" => Ok(Self::ApiKey),
            other => Err(VideoError::configuration(format!(
                "{ENV_AUTH_STYLE} must be bearer, raw or api-key, not `{}`",
                other.escape_debug()
            ))),
        }
    }
}

impl AuthStyle {
    fn auth(self, key: SecretString) -> Result<Auth, VideoError> {
        match self {
            Self::Bearer => Auth::bearer(key),
            Self::Raw => Auth::raw_key(key),
            Self::ApiKey => Auth::named("api-key", key),
        }
    }
}

/// Builds an [`OpenAiClient`].
///
/// ```
/// use video_core::VideoProvider;
/// use video_openai::{AuthStyle, OpenAiClient};
///
/// let azure = OpenAiClient::builder()
///     .api_key("example-key")
///     .base_url("https://example.openai.azure.com/openai/v1")
///     .auth_style(AuthStyle::ApiKey)
///     .model("sora-2-pro")
///     .build()?;
/// assert_eq!(azure.model(), Some("sora-2-pro"));
/// # Ok::<(), video_core::VideoError>(())
/// ```
#[must_use]
pub struct OpenAiBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    auth_style: AuthStyle,
    auth_style_error: Option<VideoError>,
    model: String,
    organization: Option<String>,
    project: Option<String>,
    list_page: u8,
    http: HttpOptions,
}

impl Default for OpenAiBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl OpenAiBuilder {
    /// Every default, no key.
    pub fn new() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth_style: AuthStyle::Bearer,
            auth_style_error: None,
            model: DEFAULT_MODEL.to_owned(),
            organization: None,
            project: None,
            list_page: 100,
            http: HttpOptions::new(concat!("video-openai/", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// Configured from the process environment (see [`from_lookup`](Self::from_lookup)).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Configured from the variables `lookup` returns: `OPENAI_API_KEY`, `OPENAI_BASE_URL`,
    /// `OPENAI_AUTH_STYLE`, `OPENAI_VIDEO_MODEL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`,
    /// `OPENAI_ALLOW_INSECURE_HTTP` (empty values count as unset; a bad auth style is
    /// reported by [`build`](Self::build)).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let env = CONNECT.read(&lookup);
        let mut builder = Self::new().allow_insecure_http(env.allow_insecure_http);
        builder.api_key = env.key;
        builder.base_url = env.base_url.unwrap_or(builder.base_url);
        let set = |name| video_http::env_value(&lookup, name);
        builder.model = set(ENV_MODEL).unwrap_or(builder.model);
        builder.organization = set(ENV_ORGANIZATION);
        builder.project = set(ENV_PROJECT);
        match set(ENV_AUTH_STYLE).map(|style| style.parse()) {
            Some(Ok(style)) => builder.auth_style = style,
            Some(Err(error)) => builder.auth_style_error = Some(error),
            None => {}
        }
        builder
    }

    /// The credential (never printed).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The API base, `/v1` included (default `https://api.openai.com/v1`).
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// Where the credential goes (default `Bearer`).
    pub fn auth_style(mut self, style: AuthStyle) -> Self {
        self.auth_style = style;
        self.auth_style_error = None;
        self
    }

    /// The model (default `sora-2`; Azure: the deployment's name). A model the table does
    /// not list is served with open capabilities (any length up to 60 s, the common sizes).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// The `OpenAI-Organization` header.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// The `OpenAI-Project` header.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// How many of the newest videos a lost reply is looked for among (1–100, default 100).
    pub fn list_page(mut self, videos: u8) -> Self {
        self.list_page = videos.clamp(1, 100);
        self
    }

    video_http::http_option_setters!(http);

    /// Checks the options and builds the client.
    ///
    /// # Errors
    /// [`VideoError::MissingCredentials`] without a key; [`VideoError::InsecureHttp`] for
    /// plain http to a non-loopback host not allowed; [`VideoError::Configuration`] for a
    /// bad base URL, auth style or header value, or a blank model.
    pub fn build(self) -> Result<OpenAiClient, VideoError> {
        if let Some(error) = self.auth_style_error {
            return Err(error);
        }
        if self.model.trim().is_empty() {
            return Err(VideoError::configuration("the model must not be blank"));
        }
        let auth = self.auth_style.auth(CONNECT.key(self.api_key)?)?;
        let mut http = self.http;
        if let Some(organization) = self.organization {
            http = http.with_header("OpenAI-Organization", organization);
        }
        if let Some(project) = self.project {
            http = http.with_header("OpenAI-Project", project);
        }
        let (http, base) = CONNECT.client(auth, &self.base_url, &[], http)?;
        let row = crate::models::row(self.model.trim());
        Ok(OpenAiClient::from_inner(Inner {
            http,
            base,
            model: self.model.trim().to_owned(),
            capabilities: row.capabilities(),
            row,
            list_page: self.list_page,
        }))
    }
}

impl fmt::Debug for OpenAiBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiBuilder")
            .field("api_key", &RedactedSecret(self.api_key.is_some()))
            .field("base_url", &self.base_url)
            .field("auth_style", &self.auth_style)
            .field("model", &self.model)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}
