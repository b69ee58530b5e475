//! What a failed Kling task's message means: a content-policy rejection, or a plain failure.

use video_core::{Task, VideoError};

/// Phrases in a failure message that mean a content-policy rejection. Specific on purpose:
/// a bare "content" or "policy" also appears in ordinary failures ("content generation
/// timeout"), which must stay `TaskFailed` with their task id.
pub const CONTENT_MARKERS: [&str; 14] = [
    "risk control",
    "content safety",
    "content policy",
    "content moderation",
    "safety system",
    "safety check",
    "sensitive",
    "inappropriate",
    "违规",
    "敏感",
    "审核",
    "风控",
    "内容安全",
    "安全审查",
];

/// The error a `Failed` task turns into: [`VideoError::ContentRejected`] when its message
/// names a content policy, else [`VideoError::TaskFailed`]; both name the task.
pub fn failure_error(task: &Task) -> VideoError {
    video_core::provider::failure_of(task, is_content_rejection)
}

/// Whether a failure message names a content policy.
pub fn is_content_rejection(message: &str) -> bool {
    let lower = message.to_lowercase();
    CONTENT_MARKERS.iter().any(|marker| lower.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::TaskStatus;

    #[test]
    fn content_phrases_are_rejections_and_the_rest_failures() {
        let mut task = Task::new("42", TaskStatus::Failed);
        task.status_message = Some("Failure to pass the risk control system".into());
        assert!(matches!(
            failure_error(&task),
            VideoError::ContentRejected { task_id: Some(id), .. } if id.as_str() == "42"
        ));
        task.status_message = Some("内容涉及敏感信息".into());
        assert!(matches!(
            failure_error(&task),
            VideoError::ContentRejected { .. }
        ));
        for ordinary in ["internal render error", "content generation timeout", ""] {
            task.status_message = Some(ordinary.into());
            assert!(
                matches!(failure_error(&task), VideoError::TaskFailed { .. }),
                "{ordinary}"
            );
        }
    }
}
