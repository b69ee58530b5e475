//! [`MiniMaxBuilder`]: the host (global or mainland: a key works on its own host only), the
//! key (`Bearer`), the model and the HTTP options; `from_env` reads `MINIMAX_*`.

use std::fmt;

use secrecy::SecretString;
use video_core::VideoError;
use video_http::{Auth, Connect, HttpOptions, RedactedSecret};

use crate::client::{Inner, MiniMaxClient};
use crate::protocol::{HAILUO_2_3, MODELS, capabilities};

/// The global host (`https://api.minimaxi.com` for mainland accounts).
pub const DEFAULT_BASE_URL: &str = "https://api.minimax.io";
/// The mainland host.
pub const MAINLAND_BASE_URL: &str = "https://api.minimaxi.com";
/// The model served when none is named.
pub const DEFAULT_MODEL: &str = HAILUO_2_3;
/// The name this provider reports.
pub const PROVIDER_NAME: &str = "minimax";
/// Environment variable holding the key.
pub const ENV_API_KEY: &str = "MINIMAX_API_KEY";
/// Environment variable holding the host (optional).
pub const ENV_BASE_URL: &str = "MINIMAX_BASE_URL";
/// Environment variable allowing plain http to a non-loopback host (`1` or `true`).
pub const ENV_ALLOW_INSECURE_HTTP: &str = "MINIMAX_ALLOW_INSECURE_HTTP";

/// Whether the variables `lookup` returns hold a key.
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

/// Builds a [`MiniMaxClient`].
///
/// ```
/// use video_core::VideoProvider;
/// use video_minimax::{MAINLAND_BASE_URL, MiniMaxClient};
///
/// let client = MiniMaxClient::builder()
///     .api_key("example-key")
///     .base_url(MAINLAND_BASE_URL)
///     .model("MiniMax-Hailuo-02")
///     .build()?;
/// assert_eq!(client.model(), Some("MiniMax-Hailuo-02"));
/// # Ok::<(), video_core::VideoError>(())
/// ```
#[must_use]
pub struct MiniMaxBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    model: String,
    http: HttpOptions,
}

impl Default for MiniMaxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl MiniMaxBuilder {
    /// Every default, no key.
    pub fn new() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            http: HttpOptions::new(concat!("video-minimax/", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// Configured from the process environment (see [`from_lookup`](Self::from_lookup)).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Configured from `MINIMAX_API_KEY`, `MINIMAX_BASE_URL`, `MINIMAX_ALLOW_INSECURE_HTTP`
    /// as `lookup` returns them (empty values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let env = CONNECT.read(&lookup);
        let mut builder = Self::new().allow_insecure_http(env.allow_insecure_http);
        builder.api_key = env.key;
        builder.base_url = env.base_url.unwrap_or(builder.base_url);
        builder
    }

    /// The key, sent as `Bearer` (never printed).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The host (default `https://api.minimax.io`; a trailing `/v1` is tolerated).
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// The model: `MiniMax-Hailuo-2.3` (default), `MiniMax-Hailuo-2.3-Fast`,
    /// `MiniMax-Hailuo-02`.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    video_http::http_option_setters!(http);

    /// Checks the options and builds the client.
    ///
    /// # Errors
    /// [`VideoError::MissingCredentials`] without a key; [`VideoError::InsecureHttp`] for
    /// plain http to a non-loopback host not allowed; [`VideoError::InvalidRequest`] (field
    /// `model`) for a model this SDK does not know the rules of;
    /// [`VideoError::Configuration`] for a bad base URL.
    pub fn build(self) -> Result<MiniMaxClient, VideoError> {
        let model = self.model.trim();
        if !MODELS.contains(&model) {
            return Err(VideoError::invalid_by(
                "model",
                video_core::Rule::OneOf {
                    allowed: MODELS.iter().map(|m| (*m).to_owned()).collect(),
                },
                format!("`{}` is not a MiniMax v1 video model", model.escape_debug()),
            ));
        }
        let auth = Auth::bearer(CONNECT.key(self.api_key)?)?;
        let (http, base) = CONNECT.client(auth, &self.base_url, &["/v1"], self.http)?;
        let query_url = video_http::wire::endpoint(&base, &["v1", "query", "video_generation"])?;
        Ok(MiniMaxClient::from_inner(Inner {
            http,
            base,
            query_url,
            model: model.to_owned(),
            capabilities: capabilities(model).with_callbacks(true),
        }))
    }
}

impl fmt::Debug for MiniMaxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MiniMaxBuilder")
            .field("api_key", &RedactedSecret(self.api_key.is_some()))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("http", &self.http)
            .finish()
    }
}
