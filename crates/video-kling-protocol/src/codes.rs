//! Kling's business error codes (`code` ≠ 0 in a reply) and the [`VideoError`] each means.
//!
//! Decided on the code, never on the HTTP status: a 429 can be money (1100–1102), a rate
//! limit (1302) or a concurrency limit (1303). The table is data ([`KLING_CODES`]) read by
//! one function ([`error_for`]); relays map their own statuses onto the same [`ErrorKind`]s.

use std::ops::RangeInclusive;
use std::time::Duration;

use video_core::{RateLimitScope, TaskId, VideoError};

/// What an error means to a caller.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Credentials missing, wrong, expired or not yet valid (1000–1004).
    Unauthorized,
    /// Account abnormal, in arrears, resource pack used up (1100–1102): money, never retried.
    Quota,
    /// No permission for this API or model (1103), or the IP allow-list (1304).
    Forbidden,
    /// Invalid request parameters (1200–1201).
    Invalid,
    /// The request method or endpoint is wrong (1202): configuration.
    Config,
    /// 1203: an unknown model on a submission, an unknown task on a query.
    UnknownResource,
    /// Blocked by platform or content-safety policy (1300–1301).
    Content,
    /// A rate limit; the duration is a floor on `retry_after` (Kling 1302 asks for ≥ 1 s).
    Rate(RateLimitScope, Option<Duration>),
    /// A documented transient failure (5000–5002): retried.
    Transient,
    /// Anything else: a provider error that is not retried.
    Other,
}

/// Kling's business codes.
pub const KLING_CODES: &[(RangeInclusive<i64>, ErrorKind)] = &[
    (1000..=1004, ErrorKind::Unauthorized),
    (1100..=1102, ErrorKind::Quota),
    (1103..=1103, ErrorKind::Forbidden),
    (1200..=1201, ErrorKind::Invalid),
    (1202..=1202, ErrorKind::Config),
    (1203..=1203, ErrorKind::UnknownResource),
    (1300..=1301, ErrorKind::Content),
    (
        1302..=1302,
        ErrorKind::Rate(RateLimitScope::Requests, Some(Duration::from_secs(1))),
    ),
    (
        1303..=1303,
        ErrorKind::Rate(RateLimitScope::Concurrency, None),
    ),
    (1304..=1304, ErrorKind::Forbidden),
    (5000..=5002, ErrorKind::Transient),
];

/// The kind of a Kling code; unknown codes are [`ErrorKind::Other`].
pub fn kind_of_code(code: i64) -> ErrorKind {
    KLING_CODES
        .iter()
        .find(|(codes, _)| codes.contains(&code))
        .map_or(ErrorKind::Other, |(_, kind)| *kind)
}

/// Whether a code says the credential was refused for its time (1003 not yet valid, 1004
/// expired): a freshly minted token may succeed.
pub fn is_token_time_error(code: i64) -> bool {
    matches!(code, 1003 | 1004)
}

/// Which call a reply answers; 1203 means different things for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Call {
    /// A submission.
    Submit,
    /// A query for one task.
    Query,
}

/// Everything an error may carry.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ErrorContext<'a> {
    /// The code as text (`"1303"`, or a relay's own code).
    pub code: String,
    /// The server's message (already scrubbed of secrets).
    pub message: String,
    /// The reply's request id, for support tickets.
    pub request_id: Option<String>,
    /// The parameter a relay names as invalid, if any.
    pub param: Option<String>,
    /// The parsed `Retry-After`, if any.
    pub retry_after: Option<Duration>,
    /// The call answered.
    pub call: Call,
    /// The task id a query asked for.
    pub task_id: Option<&'a TaskId>,
}

impl<'a> ErrorContext<'a> {
    /// A context for `call` with the code and message; the rest empty.
    pub fn new(call: Call, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            request_id: None,
            param: None,
            retry_after: None,
            call,
            task_id: None,
        }
    }

    /// With the reply's request id.
    #[must_use]
    pub fn request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id.filter(|id| !id.trim().is_empty());
        self
    }

    /// With the parsed `Retry-After`.
    #[must_use]
    pub fn retry_after(mut self, after: Option<Duration>) -> Self {
        self.retry_after = after;
        self
    }

    /// With the task id a query asked for.
    #[must_use]
    pub fn task_id(mut self, id: Option<&'a TaskId>) -> Self {
        self.task_id = id;
        self
    }

    /// With the parameter the server named.
    #[must_use]
    pub fn param(mut self, param: Option<String>) -> Self {
        self.param = param.filter(|p| !p.trim().is_empty());
        self
    }
}

/// The error of one kind, described with its code and request id.
pub fn error_for(kind: ErrorKind, context: ErrorContext<'_>) -> VideoError {
    let described = describe(&context);
    match kind {
        ErrorKind::Unauthorized => VideoError::Unauthorized { message: described },
        ErrorKind::Quota => VideoError::QuotaExceeded { message: described },
        ErrorKind::Forbidden => VideoError::Forbidden { message: described },
        ErrorKind::Invalid => VideoError::InvalidRequest {
            field: invalid_field(context.param.as_deref(), &context.message),
            reason: described,
        },
        ErrorKind::Config => VideoError::Configuration { message: described },
        ErrorKind::UnknownResource => match (context.call, context.task_id) {
            (Call::Query, Some(task_id)) => VideoError::NotFound {
                task_id: task_id.clone(),
            },
            _ => VideoError::Configuration {
                message: format!("{described}; check the model name"),
            },
        },
        ErrorKind::Content => VideoError::ContentRejected {
            message: described,
            task_id: context.task_id.cloned(),
        },
        ErrorKind::Rate(scope, floor) => VideoError::RateLimited {
            scope,
            retry_after: match (context.retry_after, floor) {
                (Some(after), Some(floor)) => Some(after.max(floor)),
                (after, floor) => after.or(floor),
            },
            message: described,
        },
        ErrorKind::Transient | ErrorKind::Other => VideoError::Provider {
            code: context.code,
            message: context.message,
            request_id: context.request_id,
            retryable: kind == ErrorKind::Transient,
        },
    }
}

/// `message (code C, request id R)`, so support tickets have what they need.
fn describe(context: &ErrorContext<'_>) -> String {
    match &context.request_id {
        Some(id) => format!(
            "{} (code {}, request id {id})",
            context.message, context.code
        ),
        None => format!("{} (code {})", context.message, context.code),
    }
}

/// Wire names of request fields (Kling's and the relay's) → the names `VideoRequest` uses.
const FIELD_NAMES: [(&str, &str); 17] = [
    ("negative_prompt", "negative_prompt"),
    ("aspect_ratio", "aspect_ratio"),
    ("callback_url", "callback_url"),
    ("external_task_id", "client_reference"),
    ("image_tail", "last_frame"),
    ("image", "first_frame"),
    ("duration", "duration_secs"),
    ("mode", "quality"),
    ("sound", "sound"),
    ("prompt", "prompt"),
    ("input", "prompt"),
    ("model_name", "model"),
    ("model", "model"),
    ("cfg_scale", "cfg_scale"),
    ("camera_control", "camera_control"),
    ("voice_list", "voice_list"),
    ("watermark_info", "watermark_info"),
];

/// The field an invalid-parameter error names: the server's `param`, else the wire field
/// named first as a word in the message (not `input`, too common a word), else `request`.
pub fn invalid_field(param: Option<&str>, message: &str) -> String {
    if let Some(param) = param {
        let param = param.trim();
        return FIELD_NAMES
            .iter()
            .find(|(wire, _)| *wire == param)
            .map_or_else(|| param.to_owned(), |(_, core)| (*core).to_owned());
    }
    let lower = message.to_lowercase();
    lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| *word != "input")
        .find_map(|word| FIELD_NAMES.iter().find(|(wire, _)| *wire == word))
        .map_or_else(|| "request".to_owned(), |(_, core)| (*core).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: i64, call: Call, task: Option<&TaskId>) -> VideoError {
        let context = ErrorContext::new(call, code.to_string(), "message")
            .request_id(Some("r-1".into()))
            .task_id(task);
        error_for(kind_of_code(code), context)
    }

    #[test]
    fn every_documented_code_has_its_error() {
        let id = TaskId::new("42");
        for code in 1000..=1004 {
            assert!(matches!(
                error(code, Call::Submit, None),
                VideoError::Unauthorized { .. }
            ));
        }
        for code in 1100..=1102 {
            let e = error(code, Call::Submit, None);
            assert!(matches!(e, VideoError::QuotaExceeded { .. }) && !e.is_retryable());
        }
        for code in [1103, 1304] {
            assert!(matches!(
                error(code, Call::Submit, None),
                VideoError::Forbidden { .. }
            ));
        }
        for code in [1200, 1201] {
            assert!(matches!(
                error(code, Call::Submit, None),
                VideoError::InvalidRequest { .. }
            ));
        }
        assert!(matches!(
            error(1202, Call::Submit, None),
            VideoError::Configuration { .. }
        ));
        assert!(matches!(
            error(1203, Call::Submit, None),
            VideoError::Configuration { .. }
        ));
        assert!(matches!(
            error(1203, Call::Query, Some(&id)),
            VideoError::NotFound { task_id } if task_id == id
        ));
        for code in [1300, 1301] {
            assert!(matches!(
                error(code, Call::Submit, None),
                VideoError::ContentRejected { .. }
            ));
        }
        assert!(matches!(
            error(1302, Call::Submit, None),
            VideoError::RateLimited { scope: RateLimitScope::Requests, retry_after: Some(after), .. }
                if after >= Duration::from_secs(1)
        ));
        assert!(matches!(
            error(1303, Call::Submit, None),
            VideoError::RateLimited {
                scope: RateLimitScope::Concurrency,
                ..
            }
        ));
        for code in 5000..=5002 {
            let e = error(code, Call::Query, Some(&id));
            assert!(
                matches!(e, VideoError::Provider { .. }) && e.is_retryable(),
                "{code}"
            );
        }
        let unknown = error(4242, Call::Submit, None);
        assert!(matches!(
            unknown,
            VideoError::Provider {
                retryable: false,
                ..
            }
        ));
        assert!(
            unknown.to_string().contains("4242")
                || matches!(unknown, VideoError::Provider { ref code, .. } if code == "4242")
        );
    }

    #[test]
    fn messages_carry_the_code_and_request_id() {
        let text = error(1102, Call::Submit, None).to_string();
        assert!(text.contains("code 1102") && text.contains("r-1"), "{text}");
    }

    #[test]
    fn the_invalid_field_is_named_in_core_terms() {
        assert_eq!(invalid_field(Some("duration"), ""), "duration_secs");
        assert_eq!(
            invalid_field(None, "invalid parameter: image_tail is not a URL"),
            "last_frame"
        );
        assert_eq!(
            invalid_field(None, "external_task_id already exists"),
            "client_reference"
        );
        assert_eq!(invalid_field(None, "something odd"), "request");
        assert_eq!(
            invalid_field(
                None,
                "camera_control is only supported in std mode with 5s duration"
            ),
            "camera_control",
            "the field named first"
        );
    }
}
