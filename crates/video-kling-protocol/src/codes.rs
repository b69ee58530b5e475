//! Kling's business error codes (`code` ≠ 0 in a reply) and the
//! [`video_core::VideoError`] kind each means: data ([`KLING_CODES`]) read by `video-wire`'s
//! one [`error_for`]. Decided on the code, never on the HTTP status: a 429 can be money
//! (1100–1102), a rate limit (1302) or a concurrency limit (1303).

use std::time::Duration;

use video_core::RateLimitScope;
#[cfg(test)]
use video_core::{TaskId, VideoError};
pub use video_wire::{Call, CodeTable, ErrorContext, ErrorKind, error_for};

/// Kling's business codes.
pub const KLING_CODES: CodeTable = CodeTable(&[
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
]);

/// The kind of a Kling code; unknown codes are [`ErrorKind::Other`].
pub fn kind_of_code(code: i64) -> ErrorKind {
    KLING_CODES.kind_of(code)
}

/// Whether a code says the credential was refused for its time (1003 not yet valid, 1004
/// expired): a freshly minted token may succeed.
pub fn is_token_time_error(code: i64) -> bool {
    matches!(code, 1003 | 1004)
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
        assert_eq!(unknown.code(), Some("4242"));
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
