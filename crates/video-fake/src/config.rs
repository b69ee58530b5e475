//! What the fake servers do: [`FakeRelayConfig`] and its [`Faults`].

use std::time::Duration;

/// The API key the fake relay accepts unless told otherwise.
pub const DEFAULT_FAKE_KEY: &str = "sk-fake-dmxapi-key";

/// The access key the Kling front accepts unless told otherwise.
pub const DEFAULT_KLING_ACCESS_KEY: &str = "ak-fake-kling";
/// The secret key that signs the Kling front's tokens unless told otherwise.
pub const DEFAULT_KLING_SECRET_KEY: &str = "sk-fake-kling-secret";
/// The API key the Kling front accepts unless told otherwise.
pub const DEFAULT_KLING_API_KEY: &str = "kling-fake-api-key";

/// The marker that makes a task fail: a prompt containing it ends `failed` with a
/// content-safety message, like a real risk-control rejection.
pub const DEFAULT_FAIL_MARKER: &str = "[fail]";

/// How the fake relay behaves. Start from [`FakeRelayConfig::default`] and adjust with the
/// `with_*` methods.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FakeRelayConfig {
    /// The accepted `Authorization` value (raw, no `Bearer`). Empty: an open relay that
    /// accepts any request, with or without a key (the "other host" of a redirect test).
    pub key: String,
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// How long a task takes from submission to `succeed`/`failed` (real time).
    pub render_time: Duration,
    /// Prompts containing this text end `failed`.
    pub fail_marker: String,
    /// Size of each served video in bytes.
    pub video_bytes: u64,
    /// Seed for fault decisions and video bytes.
    pub seed: u64,
    /// Interval between progress events on the streaming query.
    pub stream_interval: Duration,
    /// Faults to inject.
    pub faults: Faults,
    /// The Kling front's access key (the JWT's `iss`).
    pub kling_access_key: String,
    /// The Kling front's secret key (verifies the JWT's signature).
    pub kling_secret_key: String,
    /// The Kling front's single API key (`Bearer <key>`).
    pub kling_api_key: String,
    /// Signs the Kling front's callbacks (`whsec_<base64>`, Standard Webhooks); `None`
    /// sends them unsigned.
    pub webhook_secret: Option<String>,
    /// How long a short-lived download link (the relay's `MiniMax-Hailuo-get`) works
    /// after it is minted; later downloads are refused as expired (403).
    pub link_lifetime: Duration,
}

impl Default for FakeRelayConfig {
    fn default() -> Self {
        Self {
            key: DEFAULT_FAKE_KEY.to_owned(),
            port: 0,
            render_time: Duration::from_secs(3),
            fail_marker: DEFAULT_FAIL_MARKER.to_owned(),
            video_bytes: 256 * 1024,
            seed: 0,
            stream_interval: Duration::from_millis(500),
            faults: Faults::default(),
            kling_access_key: DEFAULT_KLING_ACCESS_KEY.to_owned(),
            kling_secret_key: DEFAULT_KLING_SECRET_KEY.to_owned(),
            kling_api_key: DEFAULT_KLING_API_KEY.to_owned(),
            webhook_secret: None,
            link_lifetime: Duration::from_secs(600),
        }
    }
}

impl FakeRelayConfig {
    /// Sets the accepted key.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// Sets the port (0 = any free port).
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets the render time.
    #[must_use]
    pub fn with_render_time(mut self, time: Duration) -> Self {
        self.render_time = time;
        self
    }

    /// Sets the failure marker.
    #[must_use]
    pub fn with_fail_marker(mut self, marker: impl Into<String>) -> Self {
        self.fail_marker = marker.into();
        self
    }

    /// Sets the size of served videos.
    #[must_use]
    pub fn with_video_bytes(mut self, bytes: u64) -> Self {
        self.video_bytes = bytes;
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the interval of streaming progress events.
    #[must_use]
    pub fn with_stream_interval(mut self, interval: Duration) -> Self {
        self.stream_interval = interval;
        self
    }

    /// Sets the faults to inject.
    #[must_use]
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the Kling front's access key and secret key.
    #[must_use]
    pub fn with_kling_keys(mut self, access: impl Into<String>, secret: impl Into<String>) -> Self {
        self.kling_access_key = access.into();
        self.kling_secret_key = secret.into();
        self
    }

    /// Sets the Kling front's API key.
    #[must_use]
    pub fn with_kling_api_key(mut self, key: impl Into<String>) -> Self {
        self.kling_api_key = key.into();
        self
    }

    /// How long short-lived download links work (see [`FakeRelayConfig::link_lifetime`]).
    #[must_use]
    pub fn with_link_lifetime(mut self, lifetime: Duration) -> Self {
        self.link_lifetime = lifetime;
        self
    }

    /// Signs the Kling front's callbacks with `secret` (`whsec_<base64>`).
    #[must_use]
    pub fn with_webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = Some(secret.into());
        self
    }
}

/// Faults the fake relay injects. Rates are probabilities in `0.0..=1.0`, drawn from the
/// seeded generator (repeatable for the same sequence of requests).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Faults {
    /// Refuse submissions with HTTP 429 and a Kling rate-limit code.
    pub rate_limit: Option<RateLimitFault>,
    /// Refuse a submission with 429 + code 1303 while this many tasks are running.
    pub max_running_tasks: Option<usize>,
    /// Answer API requests with HTTP 500 and Kling code 5000 at this rate.
    pub server_error_rate: f64,
    /// Answer API requests with an HTML 502 gateway page at this rate.
    pub gateway_page_rate: f64,
    /// Wait this long before answering each API request.
    pub latency: Duration,
    /// Cut API replies off mid-body at this rate (a submission is accepted first).
    pub drop_mid_body_rate: f64,
    /// Cut video downloads off halfway at this rate.
    pub truncate_download_rate: f64,
    /// Answer video downloads with 403 (an expired signed link) at this rate.
    pub expired_link_rate: f64,
    /// Echo the caller's key in replies: in task messages, error messages and the streaming
    /// query's text (a relay that logs too much into its answers).
    pub echo_key: bool,
    /// The form the echoed credential takes (raw by default).
    pub echo_form: crate::EchoForm,
    /// Answer every API request with `307 Temporary Redirect` to this base URL (another host
    /// that would receive the prompt and hand back a task id of its own).
    pub redirect_api_to: Option<String>,
    /// Pad every successful API reply (and the streaming query's first event) to at least this
    /// many bytes; 0 = off. The padding is generated as it is sent, in constant memory.
    pub huge_reply_bytes: u64,
    /// Send videos one byte at a time with this pause between bytes (a drip-feed).
    pub drip_download: Option<Duration>,
    /// Answer API requests with an HTML page of this status (401 or 403) from a proxy in
    /// front of the relay, before the key is checked.
    pub auth_page: Option<u16>,
    /// Answer submissions with HTTP 200 and this unknown non-zero business code.
    pub unknown_submit_code: Option<i64>,
    /// Prefix every task id with this text (e.g. `../../` or an escape sequence): a relay
    /// returning hostile ids.
    pub task_id_prefix: Option<String>,
    /// Cut off the replies of the first this many accepted submissions (the task is created
    /// first): a create whose reply is lost.
    pub dropped_create_replies: u32,
    /// Refuse the next this many Kling-front requests with 401 / 1004 (token expired),
    /// whatever the token.
    pub expired_tokens: u32,
    /// Hold each accepted submission's reply this long after the task is created (a window
    /// in which to kill the client: the task exists, the client has not heard of it).
    pub create_reply_delay: Duration,
    /// Answer a query for an unknown id with another task (the newest, its reference
    /// stripped) instead of "not found": a lookup that must not adopt it.
    pub mismatched_lookups: bool,
    /// The first this many video links minted (each reply that shows a finished task mints
    /// its own) answer 403 for good (signed links that expired while queued); a client that
    /// queries the task again gets a fresh link that works.
    pub expired_first_links: u32,
    /// Answer every list page, whatever its number, with a full page of other tasks (the
    /// same ones each time): a list that never ends and repeats itself.
    pub endless_list_pages: bool,
    /// Answer the OpenAI front's content route with `302 Found` to the video host under
    /// another origin (`localhost` instead of `127.0.0.1`), as a gateway handing the bytes
    /// to a CDN would: a client must follow it without its credential.
    pub redirect_content: bool,
}

impl Faults {
    /// Refuse submissions with a rate limit.
    #[must_use]
    pub fn with_rate_limit(mut self, limit: RateLimitFault) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Refuse submissions with 1303 while `tasks` are running.
    #[must_use]
    pub fn with_max_running_tasks(mut self, tasks: usize) -> Self {
        self.max_running_tasks = Some(tasks);
        self
    }

    /// Answer API requests with HTTP 500 / code 5000 at `rate`.
    #[must_use]
    pub fn with_server_errors(mut self, rate: f64) -> Self {
        self.server_error_rate = rate;
        self
    }

    /// Answer API requests with an HTML 502 page at `rate`.
    #[must_use]
    pub fn with_gateway_pages(mut self, rate: f64) -> Self {
        self.gateway_page_rate = rate;
        self
    }

    /// Wait `latency` before each API answer.
    #[must_use]
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Cut API replies off mid-body at `rate`.
    #[must_use]
    pub fn with_dropped_replies(mut self, rate: f64) -> Self {
        self.drop_mid_body_rate = rate;
        self
    }

    /// Cut downloads off halfway at `rate`.
    #[must_use]
    pub fn with_truncated_downloads(mut self, rate: f64) -> Self {
        self.truncate_download_rate = rate;
        self
    }

    /// Answer downloads with 403 at `rate`.
    #[must_use]
    pub fn with_expired_links(mut self, rate: f64) -> Self {
        self.expired_link_rate = rate;
        self
    }

    /// Echo the caller's key in replies.
    #[must_use]
    pub fn with_echoed_key(mut self) -> Self {
        self.echo_key = true;
        self
    }

    /// Echo the caller's credential in replies in `form` (escaped, split into a JWT's
    /// segments, or an earlier token).
    #[must_use]
    pub fn with_echoed_key_as(mut self, form: crate::EchoForm) -> Self {
        self.echo_key = true;
        self.echo_form = form;
        self
    }

    /// Redirect every API request to `base_url` with a 307.
    #[must_use]
    pub fn with_api_redirect(mut self, base_url: impl Into<String>) -> Self {
        self.redirect_api_to = Some(base_url.into());
        self
    }

    /// Pad successful API replies to at least `bytes`.
    #[must_use]
    pub fn with_huge_replies(mut self, bytes: u64) -> Self {
        self.huge_reply_bytes = bytes;
        self
    }

    /// Send videos one byte per `pause`.
    #[must_use]
    pub fn with_drip_download(mut self, pause: Duration) -> Self {
        self.drip_download = Some(pause);
        self
    }

    /// Answer API requests with a proxy's HTML page of `status` (401 or 403).
    #[must_use]
    pub fn with_auth_page(mut self, status: u16) -> Self {
        self.auth_page = Some(status);
        self
    }

    /// Answer submissions with HTTP 200 and the unknown business `code`.
    #[must_use]
    pub fn with_unknown_submit_code(mut self, code: i64) -> Self {
        self.unknown_submit_code = Some(code);
        self
    }

    /// Prefix task ids with `prefix`.
    #[must_use]
    pub fn with_task_id_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.task_id_prefix = Some(prefix.into());
        self
    }

    /// Create the first `count` submitted tasks but cut their replies off.
    #[must_use]
    pub fn with_dropped_create_replies(mut self, count: u32) -> Self {
        self.dropped_create_replies = count;
        self
    }

    /// Refuse the next `count` Kling-front requests as if their token had expired (1004).
    #[must_use]
    pub fn with_expired_tokens(mut self, count: u32) -> Self {
        self.expired_tokens = count;
        self
    }

    /// Expire the first `count` video links minted (see [`Faults::expired_first_links`]).
    #[must_use]
    pub fn with_expired_first_links(mut self, count: u32) -> Self {
        self.expired_first_links = count;
        self
    }

    /// Answer queries for unknown ids with another task (see [`Faults::mismatched_lookups`]).
    #[must_use]
    pub fn with_mismatched_lookups(mut self) -> Self {
        self.mismatched_lookups = true;
        self
    }

    /// Answer every list page with the same full page (see [`Faults::endless_list_pages`]).
    #[must_use]
    pub fn with_endless_list_pages(mut self) -> Self {
        self.endless_list_pages = true;
        self
    }

    /// Hold accepted submissions' replies for `delay` after creating the task.
    #[must_use]
    pub fn with_create_reply_delay(mut self, delay: Duration) -> Self {
        self.create_reply_delay = delay;
        self
    }
}

/// Rate-limit refusals of submissions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RateLimitFault {
    /// Kling code: 1302 (request rate) or 1303 (concurrency).
    pub code: u16,
    /// Refuse the first this many submissions.
    pub first: u32,
    /// Then refuse at this rate.
    pub rate: f64,
    /// Send `Retry-After: N` seconds with each refusal.
    pub retry_after_secs: Option<u64>,
}

impl RateLimitFault {
    /// Refuse the first `count` submissions with `code`.
    pub fn first(code: u16, count: u32) -> Self {
        Self {
            code,
            first: count,
            rate: 0.0,
            retry_after_secs: None,
        }
    }

    /// Refuse submissions at `rate` with `code`.
    pub fn rate(code: u16, rate: f64) -> Self {
        Self {
            code,
            first: 0,
            rate,
            retry_after_secs: None,
        }
    }

    /// Adds a `Retry-After` header.
    #[must_use]
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_secs = Some(seconds);
        self
    }
}
