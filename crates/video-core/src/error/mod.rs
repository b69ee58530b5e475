//! [`VideoError`], the one error type of the SDK, and the retry rules that come with it.

mod details;
mod excerpt;

pub use details::{ErrorDetails, Rule};
pub use excerpt::{EXCERPT_CHARS, excerpt};

use std::error::Error as StdError;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::request::VideoRequest;
use crate::task::{Task, TaskId};

/// A boxed error from below the SDK (I/O, HTTP, TLS, ...).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Which limit a rate-limited call ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitScope {
    /// Too many requests in a short time; retry after a short pause.
    Requests,
    /// Too many tasks running at once; a slot frees only when a running task ends.
    Concurrency,
}

/// What identifies a submission whose outcome is unknown, so the task can be found later
/// (in the provider's console, by callback, or by asking support).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SubmissionAttempt {
    /// The provider the request was sent to.
    pub provider: String,
    /// The request as sent.
    pub request: VideoRequest,
    /// When the request was sent (wall clock).
    pub sent_at: SystemTime,
    /// The provider's request id, if any part of a reply arrived.
    pub request_id: Option<String>,
}

impl SubmissionAttempt {
    /// An attempt sent now, with no reply.
    pub fn new(provider: impl Into<String>, request: VideoRequest) -> Self {
        Self {
            provider: provider.into(),
            request,
            sent_at: SystemTime::now(),
            request_id: None,
        }
    }
}

/// Everything that can go wrong, each variant something a caller can act on.
///
/// Retry decisions come from two methods only: [`is_retryable`](Self::is_retryable) (may the
/// same call be made again?) and [`is_unaccepted_submission`](Self::is_unaccepted_submission)
/// (did a failed submission provably not create a task?), with
/// [`retry_after`](Self::retry_after) saying how long to wait.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VideoError {
    /// The request breaks a rule; found locally before sending, or reported by the provider.
    #[error("invalid request: `{field}` {reason}{details}")]
    InvalidRequest {
        /// The offending field (`prompt`, `duration_secs`, ...).
        field: String,
        /// The rule it breaks, for programs.
        rule: Rule,
        /// The rule it breaks, for people.
        reason: String,
        /// The provider's code and request id, when the provider refused it.
        details: ErrorDetails,
    },
    /// The API key is wrong, expired or revoked.
    #[error("unauthorized: {message}{details}")]
    Unauthorized {
        /// The provider's explanation.
        message: String,
        /// The provider's code and request id.
        details: ErrorDetails,
    },
    /// No credentials are configured for a provider: set one of `env` (or pass them in code).
    #[error("missing credentials for {provider}: set {}", env.join(" or "))]
    MissingCredentials {
        /// The provider.
        provider: String,
        /// The environment variables (or combinations, e.g. `KLING_ACCESS_KEY + KLING_SECRET_KEY`)
        /// any one of which configures it.
        env: Vec<String>,
    },
    /// Credentials would travel over plain http to a host that is not loopback: use https,
    /// or allow it explicitly (`env`, or the builder's `allow_insecure_http`).
    #[error("refusing to send credentials over plain http to {host}: use an https URL{}", env.as_ref().map(|env| format!(", or allow it with {env}=1")).unwrap_or_default())]
    InsecureHttp {
        /// The host the credentials would go to.
        host: String,
        /// The environment variable that allows it, when the provider has one.
        env: Option<String>,
    },
    /// The key is valid but may not use this model or feature (or this IP is not allowed).
    #[error("forbidden: {message}{details}")]
    Forbidden {
        /// The provider's explanation.
        message: String,
        /// The provider's code and request id.
        details: ErrorDetails,
    },
    /// The account has no balance, is in arrears, or its resource pack is used up.
    #[error("quota exceeded: {message}{details}")]
    QuotaExceeded {
        /// The provider's explanation.
        message: String,
        /// The provider's code and request id.
        details: ErrorDetails,
    },
    /// Too many requests or too many running tasks; nothing was created.
    #[error("rate limited ({scope:?}){}: {message}{details}", retry_after.map(|d| format!(", retry after {d:?}")).unwrap_or_default())]
    RateLimited {
        /// Which limit was hit.
        scope: RateLimitScope,
        /// How long the provider asked to wait, if it said.
        retry_after: Option<Duration>,
        /// The provider's explanation.
        message: String,
        /// The provider's code and request id.
        details: ErrorDetails,
    },
    /// The prompt, an input or the result was refused by a content-safety policy. Never
    /// retried as it is.
    #[error("content rejected{}: {message}{details}", task_id.as_ref().map(|id| format!(" (task {id})")).unwrap_or_default())]
    ContentRejected {
        /// The provider's explanation.
        message: String,
        /// The task, when it was created and then failed on content (it may be billed);
        /// `None` when the submission itself was refused.
        task_id: Option<TaskId>,
        /// The provider's code (e.g. `1301`, `SAFETY.INPUT.TEXT`) and request id.
        details: ErrorDetails,
    },
    /// The client is set up wrong: a bad base URL, an unknown model, no channel for a model.
    #[error("configuration error: {message}{details}")]
    Configuration {
        /// What is wrong.
        message: String,
        /// The provider's code and request id, when a provider said so.
        details: ErrorDetails,
    },
    /// The provider does not know this task.
    #[error("task {task_id} not found")]
    NotFound {
        /// The id that was asked for.
        task_id: TaskId,
    },
    /// Any other error the provider reported.
    #[error("provider error: {message}{details}")]
    Provider {
        /// The provider's message.
        message: String,
        /// Whether the provider documents this error as transient.
        retryable: bool,
        /// The provider's code (numeric codes as text), request id and HTTP status.
        details: ErrorDetails,
    },
    /// The task ended `failed`.
    #[error("task {task_id} failed: {message}{details}")]
    TaskFailed {
        /// The failed task.
        task_id: TaskId,
        /// The provider's reason.
        message: String,
        /// The provider's failure code, when it gives one.
        details: ErrorDetails,
    },
    /// A video's link no longer works (HTTP 403/404/410 without credentials, or its
    /// `expires_at` passed); query the task again for a fresh one (the pipeline does, once
    /// per video).
    #[error("video link expired or revoked (HTTP {status})")]
    LinkExpired {
        /// The HTTP status the link answered with.
        status: u16,
    },
    /// The network failed. `reached_server` is false only when the request provably never
    /// left (e.g. the connection could not be made).
    #[error("transport error ({}): {source}", if *reached_server { "request may have reached the server" } else { "request not sent" })]
    Transport {
        /// Whether any of the request may have reached the server.
        reached_server: bool,
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// A call took longer than its timeout.
    #[error("timed out after {elapsed:?}")]
    Timeout {
        /// How long the call ran.
        elapsed: Duration,
    },
    /// A reply that is not what the protocol says (e.g. an HTML error page).
    #[error("unexpected reply{}: {reason}; body starts: {excerpt:?}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Decode {
        /// The HTTP status, when there was one.
        status: Option<u16>,
        /// What was wrong with it.
        reason: String,
        /// The first characters of the body.
        excerpt: String,
    },
    /// A reply or a download is larger than the limit set for it; nothing past the limit was
    /// read. Not retried: the same server would send the same again.
    #[error("{what} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// What was too large (`reply`, `event`, `video`).
        what: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A download ended before all the announced bytes arrived.
    #[error("download incomplete: got {received} of {expected} bytes")]
    Incomplete {
        /// Bytes announced.
        expected: u64,
        /// Bytes received.
        received: u64,
    },
    /// Writing a file failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The task did not finish before the deadline; it may still finish later.
    #[error("task {task_id} not finished before the deadline{}", last.as_ref().map(|t| format!(" (last status: {})", t.status)).unwrap_or_default())]
    WaitTimeout {
        /// The task waited for.
        task_id: TaskId,
        /// The last snapshot seen, if any query succeeded.
        last: Option<Box<Task>>,
    },
    /// A task journal could not be read or written.
    #[error("journal error: {message}")]
    Journal {
        /// What failed.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<BoxError>,
    },
    /// The operation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// A budget refused the submission before anything was sent: its estimate would take
    /// the budget past its limit, or its price is unknown and unpriced requests are refused.
    #[error("over budget `{budget}`: {message}")]
    OverBudget {
        /// The budget's name.
        budget: String,
        /// What it holds, its limit and why this request does not fit.
        message: String,
    },
    /// A step after the provider accepted the task failed (waiting, downloading, recording):
    /// the task exists and may be billed, and `task_id` finds it again. [`kind`](Self::kind),
    /// [`is_retryable`](Self::is_retryable) and [`retry_after`](Self::retry_after) answer
    /// for the cause; [`root`](Self::root) is the error to match on.
    #[error("task {task_id}: {source}")]
    InTask {
        /// The accepted task.
        task_id: TaskId,
        /// What went wrong.
        #[source]
        source: Box<VideoError>,
    },
    /// A submission was sent but no reply came back: a task may or may not exist (and may be
    /// billed). Never resubmitted automatically; `attempt` identifies it.
    #[error("submission outcome unknown (sent to {} at {}): {source}", attempt.provider, crate::task::utc_text(attempt.sent_at))]
    UnknownOutcome {
        /// What was sent, where and when.
        attempt: Box<SubmissionAttempt>,
        /// Why no reply arrived.
        #[source]
        source: BoxError,
    },
}

// The constructors are `#[cold]`: an error is the rare path, and keeping its code out of line
// keeps the common path (a status query, run thousands of times) in fewer cache lines.
impl VideoError {
    /// An [`InvalidRequest`](Self::InvalidRequest) error.
    #[cold]
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::invalid_by(field, Rule::Other, reason)
    }

    /// An [`InvalidRequest`](Self::InvalidRequest) error naming the rule broken.
    ///
    /// ```
    /// use video_core::{Rule, VideoError};
    /// let error = VideoError::invalid_by("resolution", Rule::Combination { with: "duration_secs".into() },
    ///     "1080p is only offered at 6 s");
    /// assert_eq!(error.rule(), Some(&Rule::Combination { with: "duration_secs".into() }));
    /// ```
    #[cold]
    pub fn invalid_by(field: impl Into<String>, rule: Rule, reason: impl Into<String>) -> Self {
        Self::InvalidRequest {
            field: field.into(),
            rule,
            reason: reason.into(),
            details: ErrorDetails::none(),
        }
    }

    /// An [`InvalidRequest`](Self::InvalidRequest) for a field this provider does not take.
    #[cold]
    pub fn unsupported(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::invalid_by(field, Rule::Unsupported, reason)
    }

    /// An [`Unauthorized`](Self::Unauthorized) error.
    #[cold]
    pub fn unauthorized(message: impl Into<String>, details: ErrorDetails) -> Self {
        Self::Unauthorized {
            message: message.into(),
            details,
        }
    }

    /// A [`Configuration`](Self::Configuration) error found locally.
    #[cold]
    pub fn configuration(message: impl Into<String>) -> Self {
        Self::Configuration {
            message: message.into(),
            details: ErrorDetails::none(),
        }
    }

    /// A [`Provider`](Self::Provider) error.
    #[cold]
    pub fn provider(message: impl Into<String>, retryable: bool, details: ErrorDetails) -> Self {
        Self::Provider {
            message: message.into(),
            retryable,
            details,
        }
    }

    /// A [`TaskFailed`](Self::TaskFailed) error.
    #[cold]
    pub fn task_failed(
        task_id: impl Into<TaskId>,
        message: impl Into<String>,
        details: ErrorDetails,
    ) -> Self {
        Self::TaskFailed {
            task_id: task_id.into(),
            message: message.into(),
            details,
        }
    }

    /// A [`Decode`](Self::Decode) error keeping a short, single-line excerpt of `body`.
    #[cold]
    pub fn decode(status: Option<u16>, reason: impl Into<String>, body: &[u8]) -> Self {
        Self::Decode {
            status,
            reason: reason.into(),
            excerpt: excerpt(body),
        }
    }

    /// A [`Transport`](Self::Transport) error.
    #[cold]
    pub fn transport(reached_server: bool, source: impl Into<BoxError>) -> Self {
        Self::Transport {
            reached_server,
            source: source.into(),
        }
    }

    /// May the same call be made again and succeed? True for rate limits, transient provider
    /// errors, network failures, timeouts, malformed replies (e.g. a gateway page) and
    /// incomplete downloads. For a *submission* this is not enough: see
    /// [`is_unaccepted_submission`](Self::is_unaccepted_submission).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::InTask { source, .. } => source.is_retryable(),
            Self::RateLimited { .. }
            | Self::Transport { .. }
            | Self::Timeout { .. }
            | Self::Decode { .. }
            | Self::Incomplete { .. } => true,
            Self::Provider { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// True when this error, returned by `submit`, proves no task was created, so submitting
    /// again cannot create a second paid task: the connection failed before the request was
    /// sent, or the provider answered with a rate or concurrency limit.
    pub fn is_unaccepted_submission(&self) -> bool {
        match self {
            Self::Transport { reached_server, .. } => !reached_server,
            Self::RateLimited { .. } => true,
            _ => false,
        }
    }

    /// True when this error, returned by `submit`, proves the submission created no task:
    /// an [unaccepted](Self::is_unaccepted_submission) one, or an answer refusing it
    /// (invalid, unauthorized, forbidden, quota, content policy, configuration). Anything
    /// else (no reply, a timeout, a server or gateway error) may have left a task behind.
    pub fn is_refused_submission(&self) -> bool {
        self.is_unaccepted_submission()
            || matches!(
                self,
                Self::InvalidRequest { .. }
                    | Self::Unauthorized { .. }
                    | Self::MissingCredentials { .. }
                    | Self::InsecureHttp { .. }
                    | Self::Forbidden { .. }
                    | Self::QuotaExceeded { .. }
                    | Self::ContentRejected { .. }
                    | Self::Configuration { .. }
                    | Self::OverBudget { .. }
            )
    }

    /// True when a route (a provider serving a model) turned the submission away for a
    /// reason of its own, with no task created: the key is refused or missing, the account
    /// is out of quota or over a rate or concurrency limit, the model is not offered there
    /// (configuration), or the request never left. Another route to the same model may take
    /// it; a request refused for what it asks (invalid, content policy) or an unknown outcome
    /// is not one of these.
    ///
    /// ```
    /// use video_core::{ErrorDetails, VideoError};
    /// assert!(VideoError::unauthorized("bad key", ErrorDetails::none()).is_route_refusal());
    /// assert!(!VideoError::invalid("prompt", "is empty").is_route_refusal());
    /// ```
    pub fn is_route_refusal(&self) -> bool {
        self.is_unaccepted_submission()
            || matches!(
                self,
                Self::Unauthorized { .. }
                    | Self::MissingCredentials { .. }
                    | Self::Forbidden { .. }
                    | Self::QuotaExceeded { .. }
                    | Self::Configuration { .. }
            )
    }

    /// How long the provider asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            Self::InTask { source, .. } => source.retry_after(),
            _ => None,
        }
    }

    /// The task this error concerns, when it names one. Every error the pipeline returns
    /// after a task was accepted names it.
    pub fn task_id(&self) -> Option<&TaskId> {
        match self {
            Self::NotFound { task_id }
            | Self::TaskFailed { task_id, .. }
            | Self::WaitTimeout { task_id, .. }
            | Self::InTask { task_id, .. } => Some(task_id),
            Self::ContentRejected { task_id, .. } => task_id.as_ref(),
            _ => None,
        }
    }

    /// What the provider said besides the message (code, request id, HTTP status), for the
    /// errors that come from a provider's answer.
    pub fn details(&self) -> Option<&ErrorDetails> {
        match self {
            Self::InTask { source, .. } => source.details(),
            Self::InvalidRequest { details, .. }
            | Self::Unauthorized { details, .. }
            | Self::Forbidden { details, .. }
            | Self::QuotaExceeded { details, .. }
            | Self::RateLimited { details, .. }
            | Self::ContentRejected { details, .. }
            | Self::Configuration { details, .. }
            | Self::Provider { details, .. }
            | Self::TaskFailed { details, .. } => Some(details),
            _ => None,
        }
    }

    /// The provider's error code, when it gave one (`"1303"`, `"moderation_blocked"`).
    pub fn code(&self) -> Option<&str> {
        self.details()?.code()
    }

    /// The provider's id for the exchange, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.details()?.request_id()
    }

    /// The rule an [`InvalidRequest`](Self::InvalidRequest) breaks.
    pub fn rule(&self) -> Option<&Rule> {
        match self.root() {
            Self::InvalidRequest { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// The error itself, without the task context [`InTask`](Self::InTask) adds: the one to
    /// match on.
    pub fn root(&self) -> &VideoError {
        match self {
            Self::InTask { source, .. } => (**source).root(),
            other => other,
        }
    }

    /// This error marked as concerning task `task_id` (unless it already names a task).
    #[must_use]
    pub fn in_task(self, task_id: &TaskId) -> Self {
        if self.task_id().is_some() {
            return self;
        }
        Self::InTask {
            task_id: task_id.clone(),
            source: Box::new(self),
        }
    }

    /// A short, stable name for the variant (for logs, metrics and JSON output); for
    /// [`InTask`](Self::InTask), its cause's.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InTask { source, .. } => source.kind(),
            Self::InvalidRequest { .. } => "invalid_request",
            Self::Unauthorized { .. } => "unauthorized",
            Self::MissingCredentials { .. } => "missing_credentials",
            Self::InsecureHttp { .. } => "insecure_http",
            Self::Forbidden { .. } => "forbidden",
            Self::QuotaExceeded { .. } => "quota_exceeded",
            Self::RateLimited { .. } => "rate_limited",
            Self::ContentRejected { .. } => "content_rejected",
            Self::Configuration { .. } => "configuration",
            Self::NotFound { .. } => "not_found",
            Self::Provider { .. } => "provider",
            Self::TaskFailed { .. } => "task_failed",
            Self::LinkExpired { .. } => "link_expired",
            Self::Transport { .. } => "transport",
            Self::Timeout { .. } => "timeout",
            Self::Decode { .. } => "decode",
            Self::Incomplete { .. } => "incomplete",
            Self::TooLarge { .. } => "too_large",
            Self::Io { .. } => "io",
            Self::WaitTimeout { .. } => "wait_timeout",
            Self::Journal { .. } => "journal",
            Self::Cancelled => "cancelled",
            Self::OverBudget { .. } => "over_budget",
            Self::UnknownOutcome { .. } => "unknown_outcome",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate_limited(scope: RateLimitScope) -> VideoError {
        VideoError::RateLimited {
            scope,
            retry_after: Some(Duration::from_secs(2)),
            message: "slow down".into(),
            details: ErrorDetails::none(),
        }
    }

    #[test]
    fn retry_rules_are_decided_here() {
        let cases: Vec<(VideoError, bool, bool)> = vec![
            (rate_limited(RateLimitScope::Requests), true, true),
            (rate_limited(RateLimitScope::Concurrency), true, true),
            (VideoError::transport(false, "refused"), true, true),
            (VideoError::transport(true, "reset"), true, false),
            (
                VideoError::Timeout {
                    elapsed: Duration::from_secs(1),
                },
                true,
                false,
            ),
            (
                VideoError::decode(Some(502), "not json", b"<html>"),
                true,
                false,
            ),
            (
                VideoError::provider("busy", true, ErrorDetails::none().with_code("5001")),
                true,
                false,
            ),
            (
                VideoError::QuotaExceeded {
                    message: "pack used up".into(),
                    details: ErrorDetails::none(),
                },
                false,
                false,
            ),
            (
                VideoError::unauthorized("bad key", ErrorDetails::none()),
                false,
                false,
            ),
            (VideoError::invalid("prompt", "is empty"), false, false),
            (
                VideoError::NotFound {
                    task_id: "1".into(),
                },
                false,
                false,
            ),
            (VideoError::Cancelled, false, false),
        ];
        for (error, retryable, unaccepted) in cases {
            assert_eq!(error.is_retryable(), retryable, "is_retryable of {error}");
            assert_eq!(
                error.is_unaccepted_submission(),
                unaccepted,
                "unaccepted of {error}"
            );
        }
    }

    #[test]
    fn only_answers_that_refuse_prove_no_task() {
        let refused = [
            VideoError::invalid("prompt", "empty"),
            VideoError::QuotaExceeded {
                message: String::new(),
                details: ErrorDetails::none(),
            },
            VideoError::ContentRejected {
                message: String::new(),
                task_id: None,
                details: ErrorDetails::none(),
            },
            VideoError::MissingCredentials {
                provider: "p".into(),
                env: vec!["P_KEY".into()],
            },
            VideoError::transport(false, "refused"),
        ];
        assert!(refused.iter().all(VideoError::is_refused_submission));
        let maybe = [
            VideoError::transport(true, "reset"),
            VideoError::Timeout {
                elapsed: Duration::from_secs(1),
            },
            VideoError::decode(Some(502), "not JSON", b"<html>"),
        ];
        assert!(!maybe.iter().any(VideoError::is_refused_submission));
    }

    #[test]
    fn retry_after_only_from_rate_limits() {
        assert_eq!(
            rate_limited(RateLimitScope::Requests).retry_after(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(VideoError::transport(false, "x").retry_after(), None);
    }

    #[test]
    fn decode_excerpt_is_short_and_single_line() {
        let body = format!("<html>\n<head>{}</head>", "x".repeat(1000));
        let error = VideoError::decode(Some(502), "not JSON", body.as_bytes());
        let VideoError::Decode { excerpt, .. } = &error else {
            panic!("wrong variant");
        };
        assert!(excerpt.starts_with("<html> <head>"));
        assert!(excerpt.chars().count() <= EXCERPT_CHARS);
        assert!(error.to_string().contains("HTTP 502"));
    }

    #[test]
    fn excerpts_drop_url_signatures() {
        let body = br#"{"url":"https://cdn.example/v.mp4?sig=SECRET&x=1","other":"http://a.b/c","httpx":1}"#;
        let shown = excerpt(body);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains(r#""https://cdn.example/v.mp4?…""#),
            "{shown}"
        );
        assert!(
            shown.contains("http://a.b/c") && shown.contains("httpx"),
            "{shown}"
        );
    }

    #[test]
    fn messages_name_the_field_and_rule() {
        let error = VideoError::invalid("duration_secs", "must be one of 5, 10 (got 7)");
        assert_eq!(
            error.to_string(),
            "invalid request: `duration_secs` must be one of 5, 10 (got 7)"
        );
        assert_eq!(error.kind(), "invalid_request");
        assert_eq!(error.rule(), Some(&Rule::Other));
    }

    #[test]
    fn structured_details_are_fields_and_read_in_the_message() {
        let error = VideoError::RateLimited {
            scope: RateLimitScope::Concurrency,
            retry_after: None,
            message: "parallel task over resource pack limit".into(),
            details: ErrorDetails::none()
                .with_code("1303")
                .with_request_id(Some("r-9".into())),
        }
        .in_task(&TaskId::new("7"));
        assert_eq!(error.code(), Some("1303"));
        assert_eq!(error.request_id(), Some("r-9"));
        assert!(
            error.to_string().ends_with("(code 1303, request id r-9)"),
            "{error}"
        );
        let missing = VideoError::MissingCredentials {
            provider: "kling".into(),
            env: vec![
                "KLING_API_KEY".into(),
                "KLING_ACCESS_KEY + KLING_SECRET_KEY".into(),
            ],
        };
        assert_eq!(
            missing.to_string(),
            "missing credentials for kling: set KLING_API_KEY or KLING_ACCESS_KEY + KLING_SECRET_KEY"
        );
        assert_eq!(missing.details(), None);
    }
}

#[cfg(test)]
mod in_task_tests {
    use super::*;

    #[test]
    fn in_task_names_the_task_and_answers_for_its_cause() {
        let id = TaskId::new("840");
        let error = VideoError::LinkExpired { status: 403 }.in_task(&id);
        assert_eq!(error.task_id(), Some(&id));
        assert_eq!(error.kind(), "link_expired");
        assert!(matches!(
            error.root(),
            VideoError::LinkExpired { status: 403 }
        ));
        assert_eq!(
            error.to_string(),
            "task 840: video link expired or revoked (HTTP 403)"
        );
        let failed = VideoError::task_failed(id.clone(), "x", ErrorDetails::none().with_code("F1"));
        assert_eq!(failed.code(), Some("F1"));
        assert_eq!(failed.to_string(), "task 840 failed: x (code F1)");
        assert!(
            matches!(failed.in_task(&id), VideoError::TaskFailed { .. }),
            "not wrapped twice"
        );
    }
}
