//! The relay's envelope → [`Task`]: Kling's task object (read by `video-kling-protocol`) plus
//! the relay's token count.

use video_core::{Task, Usage};

use crate::wire::Envelope;

pub(crate) use video_kling_protocol::{failure_error, parse_seconds};

/// A task snapshot from a whole envelope, with its request id and the relay's token count;
/// `None` when it has no `data`.
pub(crate) fn task_from_envelope(envelope: Envelope) -> Option<Task> {
    let tokens = envelope.usage.and_then(|usage| usage.total_tokens);
    let mut task = video_kling_protocol::task_from_data(envelope.data?, envelope.request_id);
    if tokens.is_some() {
        let charged = task.usage.take().and_then(|usage| usage.charged);
        task.usage = Some(Usage::new(tokens, charged));
    }
    Some(task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};
    use video_core::{TaskStatus, VideoError};

    fn envelope(name: &str) -> Envelope {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    fn task(name: &str) -> Task {
        task_from_envelope(envelope(name)).unwrap()
    }

    #[test]
    fn submit_ok_becomes_a_submitted_task() {
        let task = task("submit_ok.json");
        assert_eq!(task.id.as_str(), "840242793980637239");
        assert_eq!(task.status, TaskStatus::Submitted);
        assert_eq!(task.raw_status.as_deref(), Some("submitted"));
        assert_eq!(task.status_message, None);
        assert_eq!(
            task.created_at,
            Some(UNIX_EPOCH + Duration::from_millis(1_768_358_011_822))
        );
        assert_eq!(
            task.request_id.as_deref(),
            Some("1a06838f-d2cc-4328-a73e-401cb23e8080")
        );
        assert_eq!(task.usage, Some(Usage::new(Some(2125), None)));
        assert!(task.videos.is_empty());
        assert_eq!(task.client_reference, None);
    }

    #[test]
    fn processing_has_times_and_no_videos() {
        let task = task("query_processing.json");
        assert_eq!(task.status, TaskStatus::Processing);
        assert_eq!(
            task.updated_at,
            Some(UNIX_EPOCH + Duration::from_millis(1_768_358_031_822))
        );
        assert_eq!(task.usage, None);
    }

    #[test]
    fn succeed_has_a_video_with_fractional_duration() {
        let task = task("query_succeed.json");
        assert_eq!(task.status, TaskStatus::Succeeded);
        assert_eq!(task.raw_status.as_deref(), Some("succeed"));
        assert_eq!(task.videos.len(), 1);
        let video = &task.videos[0];
        assert_eq!(video.id.as_deref(), Some("840242794144206900"));
        assert!(
            video
                .url()
                .unwrap()
                .starts_with("https://v2-fdl.kechuangai.com/")
        );
        assert_eq!(video.duration_secs, Some(5.041));
        assert_eq!(video.watermarked, None);
    }

    #[test]
    fn succeed_full_keeps_watermark_units_and_external_id() {
        let task = task("query_succeed_full.json");
        let video = &task.videos[0];
        assert_eq!(video.duration_secs, Some(10.041));
        let watermarked = video.watermarked.as_ref().and_then(|w| w.url()).unwrap();
        assert!(watermarked.contains("/wm-"));
        assert_eq!(task.usage, Some(Usage::new(None, Some("1".into()))));
        assert_eq!(task.client_reference.as_deref(), Some("order-2026-000123"));
        assert_eq!(
            task.request_id.as_deref(),
            Some("b8c1e6f2-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
        );
    }

    #[test]
    fn failed_keeps_its_message_and_is_a_content_rejection() {
        let task = task("query_failed.json");
        assert_eq!(task.status, TaskStatus::Failed);
        assert_eq!(
            task.status_message.as_deref(),
            Some("Failure to pass the risk control system")
        );
        assert!(matches!(
            failure_error(&task),
            VideoError::ContentRejected { message, .. } if message.contains("risk control")
        ));
    }
}
