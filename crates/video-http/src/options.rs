//! [`HttpOptions`]: timeouts, caps and limits of an HTTP provider client, with defaults.

use std::time::Duration;

/// The default cap on an API reply body (and on one event of a streamed reply).
pub const DEFAULT_MAX_REPLY_BYTES: u64 = 4 << 20;

/// How long and how large a video download may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadLimits {
    /// The overall deadline before the size allowance is added (default 2 minutes).
    pub base_deadline: Duration,
    /// The slowest acceptable rate, in bytes per second, averaged over `window` (default
    /// 32 KiB/s).
    pub min_bytes_per_sec: u64,
    /// The span the rate is averaged over (default 30 s).
    pub window: Duration,
    /// The largest video accepted (default 4 GiB).
    pub max_bytes: u64,
}

impl Default for DownloadLimits {
    fn default() -> Self {
        Self {
            base_deadline: Duration::from_secs(120),
            min_bytes_per_sec: 32 * 1024,
            window: Duration::from_secs(30),
            max_bytes: 4 << 30,
        }
    }
}

impl DownloadLimits {
    /// The overall deadline of a download of `length` bytes (the size cap when unknown): the
    /// base plus the time the length takes at the minimum rate.
    pub fn deadline_for(&self, length: Option<u64>) -> Duration {
        let bytes = length.unwrap_or(self.max_bytes).min(self.max_bytes);
        let allowance = bytes / self.min_bytes_per_sec.max(1);
        self.base_deadline
            .saturating_add(Duration::from_secs(allowance))
    }
}

/// The options of an [`crate::HttpClient`]. Start from the defaults and change fields (the
/// struct is `non_exhaustive`: use the `with_*` methods or mutate a default).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpOptions {
    /// How long to wait for a connection (default 10 s; not applied to a caller-supplied
    /// client).
    pub connect_timeout: Duration,
    /// The whole-call limit of an API request, and the idle limit of a download (default
    /// 60 s).
    pub request_timeout: Duration,
    /// The most requests in flight at once, downloads included (default 64).
    pub max_in_flight: usize,
    /// The most downloads at once (default 8); each also takes a slot of `max_in_flight`.
    pub max_downloads_in_flight: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Allow plain `http` to non-loopback hosts (default false).
    pub allow_insecure_http: bool,
    /// The largest API reply body read, and the largest single streamed event (default
    /// 4 MiB).
    pub max_reply_bytes: u64,
    /// Download deadlines, throughput and size.
    pub downloads: DownloadLimits,
    /// Headers sent with every API call (not with downloads): an API version, an
    /// organisation. Checked once, when the client is built (the names the client sets itself
    /// are refused).
    pub headers: Vec<(String, String)>,
    /// A caller-supplied client (proxies, custom roots); it keeps its own connect timeout.
    /// Build it with `reqwest::redirect::Policy::none()`: the SDK follows download
    /// redirects itself (keeping credentials on the API's origin) and refuses a response
    /// that came through a redirect the client followed.
    pub http_client: Option<reqwest::Client>,
}

impl HttpOptions {
    /// The defaults, with `user_agent`.
    pub fn new(user_agent: impl Into<String>) -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_in_flight: 64,
            max_downloads_in_flight: 8,
            user_agent: user_agent.into(),
            allow_insecure_http: false,
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
            downloads: DownloadLimits::default(),
            headers: Vec::new(),
            http_client: None,
        }
    }

    /// With header `name: value` on every API call (see [`headers`](Self::headers)).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}
