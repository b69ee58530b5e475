//! Core's error rules, said to Restate: a retryable [`VideoError`] is an ordinary error
//! (Restate retries the step), anything else a terminal error with an HTTP-like code that
//! ends the job and reaches the caller.

use restate_sdk::prelude::{HandlerError, TerminalError};
use video_core::VideoError;

/// The terminal code of a final error.
pub(crate) fn code_of(error: &VideoError) -> u16 {
    match error.root() {
        VideoError::InvalidRequest { .. } => 400,
        VideoError::Unauthorized { .. } => 401,
        VideoError::QuotaExceeded { .. } => 402,
        VideoError::Forbidden { .. } => 403,
        VideoError::NotFound { .. } => 404,
        VideoError::UnknownOutcome { .. } => 409,
        VideoError::TaskFailed { .. } | VideoError::ContentRejected { .. } => 422,
        VideoError::WaitTimeout { .. } => 504,
        _ => 500,
    }
}

/// A terminal error carrying the whole message (which names the task when there is one).
pub(crate) fn terminal(error: &VideoError) -> TerminalError {
    TerminalError::new_with_code(code_of(error), error.to_string())
}

/// Retryable errors stay retryable; the rest become terminal.
pub(crate) fn to_handler(error: VideoError) -> HandlerError {
    if error.is_retryable() {
        HandlerError::from(error)
    } else {
        terminal(&error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_errors_get_codes_and_keep_the_task_id() {
        let failed =
            VideoError::task_failed("850", "risk control", video_core::ErrorDetails::none());
        let terminal = terminal(&failed);
        assert_eq!(terminal.code(), 422);
        assert!(terminal.message().contains("850") && terminal.message().contains("risk control"));
        assert_eq!(code_of(&VideoError::invalid("prompt", "empty")), 400);
    }
}
