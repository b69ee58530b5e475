//! Kling's task object (the `data` of a query, the body of a callback) and its conversion to
//! a core [`Task`].

use serde::Deserialize;
use video_core::provider::unix_millis;
use video_core::{Task, TaskStatus, Usage, Video};

use video_wire::lenient;

/// A task as Kling describes it (`data` of a create or query reply; the flat callback body).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct TaskData {
    /// A decimal string; a JSON number is accepted and kept as its text. Empty when absent.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub task_id: String,
    /// `submitted`, `processing`, `succeed`, `failed`, or anything new.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub task_status: String,
    /// Why a task failed; `""` otherwise.
    #[serde(default, deserialize_with = "lenient::string")]
    pub task_status_msg: Option<String>,
    /// Creation parameters echoed back (`external_task_id`).
    #[serde(default, deserialize_with = "lenient::object")]
    pub task_info: Option<TaskInfo>,
    /// The videos, once the task succeeded.
    #[serde(default, deserialize_with = "lenient::object")]
    pub task_result: Option<TaskResult>,
    /// Unix milliseconds.
    #[serde(default, deserialize_with = "lenient::u64")]
    pub created_at: Option<u64>,
    /// Unix milliseconds.
    #[serde(default, deserialize_with = "lenient::u64")]
    pub updated_at: Option<u64>,
    /// Resource-pack units deducted, as Kling writes them (`"1"`).
    #[serde(default, deserialize_with = "lenient::string")]
    pub final_unit_deduction: Option<String>,
    /// Cash billing, when the account pays by balance.
    #[serde(default, deserialize_with = "lenient::object")]
    pub final_balance_deduction: Option<BalanceDeduction>,
}

/// `task_info`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct TaskInfo {
    /// The caller's id for the task, when one was given.
    #[serde(default, deserialize_with = "lenient::string")]
    pub external_task_id: Option<String>,
}

/// `task_result`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct TaskResult {
    /// The finished videos (normally one).
    #[serde(default, deserialize_with = "lenient::list")]
    pub videos: Vec<WireVideo>,
}

/// One finished video.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct WireVideo {
    /// The video id (a decimal string).
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: Option<String>,
    /// A signed CDN link (a credential for 30 days).
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub url: String,
    /// The watermarked copy, when one was asked for.
    #[serde(default, deserialize_with = "lenient::string")]
    pub watermark_url: Option<String>,
    /// Seconds as text (`"5.041"`); a number is kept as its text.
    #[serde(default, deserialize_with = "lenient::string")]
    pub duration: Option<String>,
}

/// `final_balance_deduction`: `{quota, list_price}` as decimal strings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BalanceDeduction {
    /// What was charged.
    #[serde(default, deserialize_with = "lenient::string")]
    pub quota: Option<String>,
    /// The list price.
    #[serde(default, deserialize_with = "lenient::string")]
    pub list_price: Option<String>,
}

/// Kling's status text → the neutral status; anything new is kept as `Unknown`.
pub fn status(raw: &str) -> TaskStatus {
    match raw {
        "submitted" => TaskStatus::Submitted,
        "processing" => TaskStatus::Processing,
        "succeed" => TaskStatus::Succeeded,
        "failed" => TaskStatus::Failed,
        other => TaskStatus::Unknown(other.to_owned()),
    }
}

/// A task snapshot from Kling's task object, with the reply's request id. What was charged
/// (`final_unit_deduction`, else the balance's `quota`) goes to `usage.charged`.
pub fn task_from_data(data: TaskData, request_id: Option<String>) -> Task {
    let mut task = Task::new(data.task_id, status(&data.task_status));
    task.raw_status = Some(data.task_status);
    task.status_message = data.task_status_msg.filter(|msg| !msg.trim().is_empty());
    task.created_at = data.created_at.map(unix_millis::from_millis);
    task.updated_at = data.updated_at.map(unix_millis::from_millis);
    task.client_reference = data
        .task_info
        .and_then(|info| info.external_task_id)
        .filter(|id| !id.is_empty());
    let wire_videos = data
        .task_result
        .map(|result| result.videos)
        .unwrap_or_default();
    // Sized for what is kept (a collect in place would keep the wire list's allocation for
    // as long as the task lives).
    task.videos = Vec::with_capacity(wire_videos.len());
    task.videos
        .extend(wire_videos.into_iter().filter_map(video));
    let charged = data
        .final_unit_deduction
        .or_else(|| data.final_balance_deduction.and_then(|cash| cash.quota))
        .filter(|charged| !charged.trim().is_empty());
    if charged.is_some() {
        task.usage = Some(Usage::new(None, charged));
    }
    task.request_id = request_id.filter(|id| !id.is_empty());
    task
}

fn video(wire: WireVideo) -> Option<Video> {
    if wire.url.trim().is_empty() {
        return None;
    }
    let mut video = Video::new(wire.url);
    video.id = wire.id.filter(|id| !id.is_empty());
    video.watermarked = wire
        .watermark_url
        .filter(|url| !url.is_empty())
        .map(video_core::Locator::Url);
    video.duration_secs = wire.duration.as_deref().and_then(parse_seconds);
    Some(video)
}

/// `"5.041"` → 5.041; also tolerates a trailing unit (`"5.041s"`, `"5秒"`).
pub fn parse_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    text[..end]
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn data(name: &str) -> TaskData {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let body: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        serde_json::from_value(body["data"].clone()).unwrap()
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
    fn the_direct_succeed_fixture_keeps_every_field() {
        let task = task_from_data(data("direct_query_succeed.json"), Some("r".into()));
        assert_eq!(task.status, TaskStatus::Succeeded);
        assert_eq!(task.raw_status.as_deref(), Some("succeed"));
        assert_eq!(task.videos.len(), 1);
        let video = &task.videos[0];
        assert!(video.id.is_some());
        assert!(video.watermarked.is_some());
        assert!(video.duration_secs.is_some_and(|secs| secs > 0.0));
        assert!(task.usage.is_some_and(|usage| usage.charged.is_some()));
        assert!(
            task.created_at
                .is_some_and(|at| at > UNIX_EPOCH + Duration::from_secs(1))
        );
        assert_eq!(task.request_id.as_deref(), Some("r"));
    }

    #[test]
    fn every_direct_state_fixture_parses() {
        let expected = [
            ("direct_query_submitted.json", TaskStatus::Submitted),
            ("direct_query_processing.json", TaskStatus::Processing),
            ("direct_query_failed.json", TaskStatus::Failed),
        ];
        for (name, status) in expected {
            let task = task_from_data(data(name), None);
            assert_eq!(task.status, status, "{name}");
            assert!(task.videos.is_empty(), "{name}");
            assert!(!task.id.as_str().is_empty(), "{name}");
        }
        let failed = task_from_data(data("direct_query_failed.json"), None);
        assert!(failed.status_message.is_some());
    }

    #[test]
    fn the_relay_fixtures_parse_the_same_way() {
        let full = task_from_data(data("query_succeed_full.json"), None);
        assert_eq!(full.client_reference.as_deref(), Some("order-2026-000123"));
        assert_eq!(full.usage, Some(Usage::new(None, Some("1".into()))));
        assert_eq!(full.videos[0].duration_secs, Some(10.041));
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
            task_result: Some(TaskResult {
                videos: vec![WireVideo::default()],
            }),
            ..TaskData::default()
        };
        assert!(task_from_data(data, None).videos.is_empty());
    }
}
