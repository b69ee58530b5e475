//! Exit codes (listed in `--help` and README).

use video_core::VideoError;

/// The exit code for an error (its cause's, when it names a task).
pub(crate) fn exit_code(error: &VideoError) -> u8 {
    match error.root() {
        VideoError::InvalidRequest { .. } | VideoError::NotFound { .. } => 2,
        VideoError::Unauthorized { .. }
        | VideoError::Forbidden { .. }
        | VideoError::QuotaExceeded { .. }
        | VideoError::Configuration { .. } => 3,
        VideoError::TaskFailed { .. } | VideoError::ContentRejected { .. } => 4,
        VideoError::WaitTimeout { .. } => 5,
        VideoError::Transport { .. }
        | VideoError::Timeout { .. }
        | VideoError::RateLimited { .. }
        | VideoError::Decode { .. }
        | VideoError::Incomplete { .. }
        | VideoError::LinkExpired { .. }
        | VideoError::UnknownOutcome { .. } => 6,
        VideoError::Provider {
            retryable: true, ..
        } => 6,
        VideoError::OverBudget { .. } => 7,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn each_documented_class_has_its_code() {
        let cases = [
            (VideoError::invalid("prompt", "empty"), 2),
            (
                VideoError::Unauthorized {
                    message: String::new(),
                    details: video_core::ErrorDetails::none(),
                },
                3,
            ),
            (
                VideoError::QuotaExceeded {
                    message: String::new(),
                    details: video_core::ErrorDetails::none(),
                },
                3,
            ),
            (
                VideoError::task_failed("1", String::new(), video_core::ErrorDetails::none()),
                4,
            ),
            (
                VideoError::ContentRejected {
                    message: String::new(),
                    task_id: None,
                    details: video_core::ErrorDetails::none(),
                },
                4,
            ),
            (
                VideoError::LinkExpired { status: 403 }.in_task(&"840".into()),
                6,
            ),
            (
                VideoError::WaitTimeout {
                    task_id: "1".into(),
                    last: None,
                },
                5,
            ),
            (VideoError::transport(false, "refused"), 6),
            (
                VideoError::Timeout {
                    elapsed: Duration::from_secs(1),
                },
                6,
            ),
            (
                VideoError::Journal {
                    message: String::new(),
                    source: None,
                },
                1,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(exit_code(&error), code, "{error}");
        }
    }
}
