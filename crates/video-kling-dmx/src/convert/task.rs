//! [`TaskData`] → [`Task`], and the failure message → error rule.

use video_core::provider::unix_millis;
use video_core::{Task, TaskStatus, Usage, Video, VideoError};

use crate::wire::{Envelope, TaskData, WireVideo};

/// Kling's status text → the neutral status; anything new is kept as `Unknown`.
pub(crate) fn status(raw: &str) -> TaskStatus {
    match raw {
        "submitted" => TaskStatus::Submitted,
        "processing" => TaskStatus::Processing,
        "succeed" => TaskStatus::Succeeded,
        "failed" => TaskStatus::Failed,
        other => TaskStatus::Unknown(other.to_owned()),
    }
}

/// A task snapshot from `data`, with the envelope's request id and token count.
pub(crate) fn task_from_data(
    data: TaskData,
    request_id: Option<String>,
    total_tokens: Option<u64>,
) -> Task {
    let mut task = Task::new(data.task_id, status(&data.task_status));
    task.raw_status = Some(data.task_status);
    task.status_message = data.task_status_msg.filter(|msg| !msg.trim().is_empty());
    task.created_at = data.created_at.map(unix_millis::from_millis);
    task.updated_at = data.updated_at.map(unix_millis::from_millis);
    task.client_reference = data
        .task_info
        .and_then(|info| info.external_task_id)
        .filter(|id| !id.is_empty());
    task.videos = data
        .task_result
        .map(|result| result.videos)
        .unwrap_or_default()
        .into_iter()
        .filter_map(video)
        .collect();
    if total_tokens.is_some() || data.final_unit_deduction.is_some() {
        task.usage = Some(Usage::new(total_tokens, data.final_unit_deduction));
    }
    task.request_id = request_id.filter(|id| !id.is_empty());
    task
}

/// A task snapshot from a whole envelope; `None` when it has no `data`.
pub(crate) fn task_from_envelope(envelope: Envelope) -> Option<Task> {
    let tokens = envelope.usage.and_then(|usage| usage.total_tokens);
    envelope
        .data
        .map(|data| task_from_data(data, envelope.request_id, tokens))
}

fn video(wire: WireVideo) -> Option<Video> {
    if wire.url.trim().is_empty() {
        return None;
    }
    let mut video = Video::new(wire.url);
    video.id = wire.id.filter(|id| !id.is_empty());
    video.watermark_url = wire.watermark_url.filter(|url| !url.is_empty());
    video.duration_secs = wire.duration.as_deref().and_then(parse_seconds);
    Some(video)
}

/// `"5.041"` → 5.041; also tolerates a trailing unit (`"5.041s"`, `"5秒"`).
pub(crate) fn parse_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    text[..end]
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite())
}

/// Phrases in a failure message that mean a content-policy rejection. Specific on purpose:
/// a bare "content" or "policy" also appears in ordinary failures ("content generation
/// timeout"), which must stay `TaskFailed` with their task id.
const CONTENT_MARKERS: [&str; 14] = [
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
/// names a content policy, else [`VideoError::TaskFailed`].
pub(crate) fn failure_error(task: &Task) -> VideoError {
    let message = task.status_message.clone().unwrap_or_default();
    let lower = message.to_lowercase();
    if CONTENT_MARKERS.iter().any(|marker| lower.contains(marker)) {
        VideoError::ContentRejected {
            message,
            task_id: Some(task.id.clone()),
        }
    } else {
        VideoError::TaskFailed {
            task_id: task.id.clone(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn envelope(name: &str) -> Envelope {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    fn task(name: &str) -> Task {
        task_from_envelope(envelope(name)).unwrap()
    }

    #[test]
    fn statuses_map_and_unknown_is_kept() {
        assert_eq!(status("submitted"), TaskStatus::Submitted);
        assert_eq!(status("processing"), TaskStatus::Processing);
        assert_eq!(status("succeed"), TaskStatus::Succeeded);
        assert_eq!(status("failed"), TaskStatus::Failed);
        assert_eq!(status("queued"), TaskStatus::Unknown("queued".into()));
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
        assert!(video.url.starts_with("https://v2-fdl.kechuangai.com/"));
        assert_eq!(video.duration_secs, Some(5.041));
        assert_eq!(video.watermark_url, None);
    }

    #[test]
    fn succeed_full_keeps_watermark_units_and_external_id() {
        let task = task("query_succeed_full.json");
        let video = &task.videos[0];
        assert_eq!(video.duration_secs, Some(10.041));
        assert!(video.watermark_url.as_deref().unwrap().contains("/wm-"));
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

    #[test]
    fn other_failures_are_task_failed() {
        let mut task = Task::new("42", TaskStatus::Failed);
        task.status_message = Some("internal render error".into());
        assert!(matches!(
            failure_error(&task),
            VideoError::TaskFailed { task_id, message }
                if task_id.as_str() == "42" && message == "internal render error"
        ));
        task.status_message = Some("内容涉及敏感信息".into());
        assert!(matches!(
            failure_error(&task),
            VideoError::ContentRejected { .. }
        ));
        task.status_message = Some("content generation timeout".into());
        assert!(matches!(
            failure_error(&task),
            VideoError::TaskFailed { .. }
        ));
    }

    #[test]
    fn seconds_parse_leniently() {
        assert_eq!(parse_seconds("5.041"), Some(5.041));
        assert_eq!(parse_seconds(" 10 "), Some(10.0));
        assert_eq!(parse_seconds("5.041s"), Some(5.041));
        assert_eq!(parse_seconds("5秒"), Some(5.0));
        assert_eq!(parse_seconds("abc"), None);
        assert_eq!(parse_seconds(""), None);
    }

    #[test]
    fn videos_without_url_are_skipped() {
        let data = TaskData {
            task_id: "1".into(),
            task_status: "succeed".into(),
            task_result: Some(crate::wire::TaskResult {
                videos: vec![WireVideo::default()],
            }),
            ..TaskData::default()
        };
        assert!(task_from_data(data, None, None).videos.is_empty());
    }
}
