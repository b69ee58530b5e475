//! [`KlingClientBuilder`]: credentials, base URL, model, token lifetime, HTTP options, and
//! `from_env`.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use video_core::{Capabilities, VideoError};
use video_http::{HttpClient, HttpOptions, UrlPolicy};

use crate::auth::{
    Clock, Credentials, DEFAULT_REFRESH_BEFORE, DEFAULT_TOKEN_LIFETIME, auth, system_clock,
};
use crate::client::{Inner, KlingClient};
use crate::models;

/// Kling's international API host.
pub const DEFAULT_BASE_URL: &str = "https://api-singapore.klingai.com";
/// The model asked for by default.
pub const DEFAULT_MODEL: &str = "kling-v2-6";
/// Environment variable holding the access key (with [`ENV_SECRET_KEY`]).
pub const ENV_ACCESS_KEY: &str = "KLING_ACCESS_KEY";
/// Environment variable holding the secret key (with [`ENV_ACCESS_KEY`]).
pub const ENV_SECRET_KEY: &str = "KLING_SECRET_KEY";
/// Environment variable holding a single API key (used when no access key pair is set).
pub const ENV_API_KEY: &str = "KLING_API_KEY";
/// Environment variable holding the base URL (optional; the host root).
pub const ENV_BASE_URL: &str = "KLING_BASE_URL";
/// Environment variable naming the model (optional, default `kling-v2-6`).
pub const ENV_MODEL: &str = "KLING_MODEL";
/// Environment variable allowing plain http to a non-loopback host (`1` or `true`).
pub const ENV_ALLOW_INSECURE_HTTP: &str = "KLING_ALLOW_INSECURE_HTTP";

/// How many pages of the task list (500 tasks each) a lookup by client reference reads when
/// the direct query does not find the reference.
const DEFAULT_LOOKUP_PAGES: u32 = 2;

/// Whether the environment configures Kling: an access key and secret key, or an API key,
/// set and not blank.
pub fn configured_in_env() -> bool {
    configured_in(|name| std::env::var(name).ok())
}

/// Whether the variables `lookup` returns configure Kling credentials (as
/// [`configured_in_env`] does for the process environment).
pub fn configured_in(lookup: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name| lookup(name).is_some_and(|value| !value.trim().is_empty());
    (set(ENV_ACCESS_KEY) && set(ENV_SECRET_KEY)) || set(ENV_API_KEY)
}

/// Builds a [`KlingClient`]; see [`KlingClient::builder`].
///
/// ```
/// use std::time::Duration;
/// use video_kling::KlingClient;
///
/// let client = KlingClient::builder()
///     .access_key("AK-example", "SK-example")
///     .model("kling-v2-6")
///     .request_timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.base_url(), "https://api-singapore.klingai.com/");
/// # Ok::<(), video_core::VideoError>(())
/// ```
#[must_use]
pub struct KlingClientBuilder {
    credentials: Option<Credentials>,
    base_url: String,
    model: String,
    capabilities: Option<Capabilities>,
    token_lifetime: Duration,
    refresh_before: Duration,
    lookup_pages: u32,
    clock: Clock,
    http: HttpOptions,
}

impl Default for KlingClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl KlingClientBuilder {
    /// A builder with every default and no credentials.
    pub fn new() -> Self {
        Self {
            credentials: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            capabilities: None,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            lookup_pages: DEFAULT_LOOKUP_PAGES,
            clock: system_clock(),
            http: HttpOptions::new(concat!("video-kling/", env!("CARGO_PKG_VERSION"))),
        }
    }

    /// A builder configured from the environment: `KLING_ACCESS_KEY` + `KLING_SECRET_KEY`
    /// (preferred) or `KLING_API_KEY`, and optionally `KLING_BASE_URL`, `KLING_MODEL`,
    /// `KLING_ALLOW_INSECURE_HTTP=1`. Empty values count as unset; missing credentials fail
    /// at [`build`](Self::build).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder configured from the variables `lookup` returns (what [`from_env`](Self::from_env)
    /// reads from the process environment), so apps and tests can configure it from a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name| lookup(name).filter(|value: &String| !value.trim().is_empty());
        let mut builder = Self::new();
        match (set(ENV_ACCESS_KEY), set(ENV_SECRET_KEY), set(ENV_API_KEY)) {
            (Some(access), Some(secret), _) => builder = builder.access_key(access, secret),
            (_, _, Some(key)) => builder = builder.api_key(key),
            _ => {}
        }
        if let Some(base) = set(ENV_BASE_URL) {
            builder = builder.base_url(&base);
        }
        if let Some(model) = set(ENV_MODEL) {
            builder = builder.model(model.trim());
        }
        if set(ENV_ALLOW_INSECURE_HTTP).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")) {
            builder = builder.allow_insecure_http(true);
        }
        builder
    }

    /// Authenticates with an access key and secret key (each request carries an HS256 JWT
    /// signed with the secret key, minted and cached by the client).
    pub fn access_key(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::AccessKey {
            access_key: SecretString::from(access_key.into()),
            secret_key: SecretString::from(secret_key.into()),
        });
        self
    }

    /// Authenticates with a single API key (`Authorization: Bearer <key>`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey(SecretString::from(key.into())));
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The host root (default `https://api-singapore.klingai.com`; mainland accounts use
    /// `https://api-beijing.klingai.com`). A trailing `/` or `/v1` is tolerated; a path
    /// prefix (a proxy) is kept.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = url.to_owned();
        self
    }

    /// The model (`model_name`, default `kling-v2-6`). The client knows the limits of
    /// `kling-v1` … `kling-v3`; an unknown model gets v2.6's (override with
    /// [`capabilities`](Self::capabilities)).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// Replaces the capabilities requests are validated against (for a model this client
    /// does not know).
    pub fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = Some(capabilities);
        self
    }

    /// How long a minted JWT is valid (default 30 minutes).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// How long before its expiry a cached JWT is replaced (default 5 minutes).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// How many pages of the task list (500 tasks each, newest first) a lookup by client
    /// reference reads when the direct query by reference does not find it (default 2).
    pub fn lookup_pages(mut self, pages: u32) -> Self {
        self.lookup_pages = pages;
        self
    }

    video_http::http_option_setters!(http);

    /// Checks the options and builds the client.
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when the credentials are missing or empty (the message
    /// never contains them), the base URL is not an `http(s)` URL (or is plain http to a
    /// non-loopback host without `allow_insecure_http`), the model name is empty, the token
    /// lifetime is not longer than the refresh margin, or the HTTP client cannot be built.
    pub fn build(self) -> Result<KlingClient, VideoError> {
        let config = VideoError::configuration;
        let credentials = self
            .credentials
            .ok_or_else(|| VideoError::MissingCredentials {
                provider: crate::PROVIDER_NAME.to_owned(),
                env: vec![
                    format!("{ENV_ACCESS_KEY} + {ENV_SECRET_KEY}"),
                    ENV_API_KEY.to_owned(),
                ],
            })?;
        if self.token_lifetime <= self.refresh_before + Duration::from_secs(5) {
            return Err(config("the token lifetime must exceed the refresh margin"));
        }
        let model = self.model.trim();
        if model.is_empty() {
            return Err(config("the model name must not be empty"));
        }
        let minted = matches!(credentials, Credentials::AccessKey { .. });
        let auth = auth(
            credentials,
            self.token_lifetime,
            self.refresh_before,
            self.clock,
        )?;
        let base = base_url(&self.base_url)?;
        let policy = UrlPolicy {
            allow_insecure_http: self.http.allow_insecure_http,
        };
        if policy.check(&base, "base_url").is_err() {
            return Err(VideoError::InsecureHttp {
                host: video_http::host_of(&base),
                env: Some(ENV_ALLOW_INSECURE_HTTP.to_owned()),
            });
        }
        let spec = models::find(model)
            .copied()
            .unwrap_or_else(|| models::fallback(model));
        let capabilities = self.capabilities.unwrap_or_else(|| spec.capabilities());
        let http = HttpClient::new(self.http, auth)?;
        Ok(KlingClient::from_inner(Inner {
            http,
            base,
            model_name: model.to_owned(),
            model: spec,
            capabilities,
            minted,
            lookup_pages: self.lookup_pages,
        }))
    }
}

impl fmt::Debug for KlingClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KlingClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("token_lifetime", &self.token_lifetime)
            .field("refresh_before", &self.refresh_before)
            .field("lookup_pages", &self.lookup_pages)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

/// The host root for a base URL, with a trailing `/` (paths are appended to it).
pub(crate) fn base_url(base: &str) -> Result<Url, VideoError> {
    video_http::wire::host_root(base, &["/v1"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised_to_the_host_root() {
        for (given, expected) in [
            (
                "https://api-singapore.klingai.com",
                "https://api-singapore.klingai.com/",
            ),
            (
                "https://api-beijing.klingai.com/v1/",
                "https://api-beijing.klingai.com/",
            ),
            (
                "http://127.0.0.1:9/proxy/kling/",
                "http://127.0.0.1:9/proxy/kling/",
            ),
        ] {
            assert_eq!(base_url(given).unwrap().as_str(), expected);
        }
        assert!(base_url("ftp://x").is_err());
        assert!(base_url("not a url").is_err());
    }

    #[test]
    fn the_environment_picks_the_key_pair_first() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let both = KlingClientBuilder::from_lookup(env(&[
            (ENV_ACCESS_KEY, "ak"),
            (ENV_SECRET_KEY, "sk"),
            (ENV_API_KEY, "key"),
        ]));
        assert!(matches!(
            both.credentials,
            Some(Credentials::AccessKey { .. })
        ));
        let key =
            KlingClientBuilder::from_lookup(env(&[(ENV_ACCESS_KEY, "ak"), (ENV_API_KEY, "key")]));
        assert!(matches!(key.credentials, Some(Credentials::ApiKey(_))));
        let none = KlingClientBuilder::from_lookup(env(&[(ENV_API_KEY, "  ")]));
        assert!(none.build().is_err());
        let model =
            KlingClientBuilder::from_lookup(env(&[(ENV_API_KEY, "k"), (ENV_MODEL, "kling-v1")]));
        assert_eq!(model.model, "kling-v1");
    }

    #[test]
    fn credentials_never_go_over_plain_http_to_a_remote_host() {
        let build = |url: &str| {
            KlingClientBuilder::new()
                .api_key("k-SECRET")
                .base_url(url)
                .build()
        };
        let refused = build("http://kling.example.com").unwrap_err().to_string();
        assert!(refused.contains("plain http") && !refused.contains("k-SECRET"));
        assert!(build("http://127.0.0.1:8080").is_ok());
        let shown = format!(
            "{:?}",
            KlingClientBuilder::new().access_key("AK-SECRET", "SK-SECRET")
        );
        assert!(
            !shown.contains("AK-SECRET") && !shown.contains("SK-SECRET"),
            "{shown}"
        );
    }
}
