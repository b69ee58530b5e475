//! [`parse_callback`]: the body Kling (or a relay) POSTs to a request's `callback_url`.

use serde::Deserialize;
use serde_json::Value;
use video_core::provider::unix_millis;
use video_core::{Task, TaskStatus, Video, VideoError};

use crate::envelope::Envelope;
use crate::task::{TaskData, parse_seconds, task_from_data};
use video_wire::lenient;

/// Parses a callback (webhook) body into a task snapshot.
///
/// Accepts Kling's documented flat task object (`{"task_id", "task_status", ...}`), the same
/// object inside the `{code, message, data}` envelope (as relays send it), and the new-design
/// shape (`{"id", "status", "outputs", ...}`, which the console's "Send Test Callback"
/// posts). The body proves nothing about its sender unless its signature was verified
/// ([`crate::verify_webhook`]); without one, confirm with a query before acting on it.
///
/// ```
/// use video_core::TaskStatus;
///
/// let body = br#"{"task_id": "42", "task_status": "processing", "task_status_msg": ""}"#;
/// let task = video_kling_protocol::parse_callback(body)?;
/// assert_eq!(task.id.as_str(), "42");
/// assert_eq!(task.status, TaskStatus::Processing);
/// # Ok::<(), video_core::VideoError>(())
/// ```
///
/// # Errors
/// [`VideoError::Decode`] when the body is not JSON or names no task;
/// [`VideoError::Provider`] when an envelope carries a non-zero code.
pub fn parse_callback(body: &[u8]) -> Result<Task, VideoError> {
    let bad = |reason: &str| VideoError::decode(None, reason, body);
    let value: Value =
        serde_json::from_slice(body).map_err(|_| bad("callback body is not JSON"))?;
    let Value::Object(fields) = &value else {
        return Err(bad("callback body is not a JSON object"));
    };
    if fields.contains_key("task_id") {
        let data = TaskData::deserialize(&value).map_err(|_| bad("callback task is malformed"))?;
        return named(task_from_data(data, None), &bad);
    }
    if fields.get("data").is_some_and(Value::is_object) {
        let envelope =
            Envelope::deserialize(&value).map_err(|_| bad("callback envelope is malformed"))?;
        if let Some(code) = envelope.code.filter(|code| *code != 0) {
            return Err(VideoError::provider(
                envelope.message.unwrap_or_default(),
                false,
                video_core::ErrorDetails::none()
                    .with_code(code.to_string())
                    .with_request_id(envelope.request_id),
            ));
        }
        let data = envelope
            .task()
            .ok_or_else(|| bad("callback names no task_id"))?;
        return named(task_from_data(data, envelope.request_id), &bad);
    }
    if fields.contains_key("id") && fields.contains_key("status") {
        let new = NewStyle::deserialize(&value).map_err(|_| bad("callback is malformed"))?;
        return named(new.into_task(), &bad);
    }
    Err(bad("callback names no task_id"))
}

fn named(task: Task, bad: &dyn Fn(&str) -> VideoError) -> Result<Task, VideoError> {
    if task.id.as_str().trim().is_empty() {
        return Err(bad("callback names no task_id"));
    }
    Ok(task)
}

/// The new-design callback: `{id, status, message, create_time, update_time, external_id,
/// outputs: [{type, id, url, watermark_url, duration}]}` with statuses spelt `succeeded`.
#[derive(Debug, Deserialize)]
struct NewStyle {
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    id: String,
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    status: String,
    #[serde(default, deserialize_with = "lenient::string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient::u64")]
    create_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::u64")]
    update_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::string")]
    external_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::list")]
    outputs: Vec<NewOutput>,
}

#[derive(Debug, Deserialize)]
struct NewOutput {
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    url: String,
    #[serde(default, deserialize_with = "lenient::string")]
    watermark_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    duration: Option<String>,
}

impl NewStyle {
    fn into_task(self) -> Task {
        let status = match self.status.as_str() {
            "succeeded" | "succeed" => TaskStatus::Succeeded,
            other => crate::task::status(other),
        };
        let mut task = Task::new(self.id, status);
        task.raw_status = Some(self.status);
        task.status_message = self.message.filter(|m| !m.trim().is_empty());
        task.created_at = self.create_time.map(unix_millis::from_millis);
        task.updated_at = self.update_time.map(unix_millis::from_millis);
        task.client_reference = self.external_id.filter(|id| !id.is_empty());
        task.videos = self
            .outputs
            .into_iter()
            .filter(|out| out.kind.as_deref().is_none_or(|kind| kind == "video"))
            .filter(|out| !out.url.trim().is_empty())
            .map(|out| {
                let mut video = Video::new(out.url);
                video.id = out.id;
                video.watermarked = out.watermark_url.map(video_core::Locator::Url);
                video.duration_secs = out.duration.as_deref().and_then(parse_seconds);
                video
            })
            .collect();
        task
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use video_core::Usage;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_flat_fixtures_parse() {
        let task = parse_callback(&fixture("callback_succeed.json")).unwrap();
        assert_eq!(task.id.as_str(), "840242793980637239");
        assert_eq!(task.status, TaskStatus::Succeeded);
        assert_eq!(task.client_reference.as_deref(), Some("order-2026-000123"));
        assert_eq!(task.usage, Some(Usage::new(None, Some("1".into()))));
        assert_eq!(task.videos[0].duration_secs, Some(5.041));
        let direct = parse_callback(&fixture("direct_callback_succeed.json")).unwrap();
        assert_eq!(direct.status, TaskStatus::Succeeded);
        assert_eq!(direct.videos.len(), 1);
        assert!(direct.client_reference.is_some());
    }

    #[test]
    fn the_new_style_test_callback_parses() {
        let task = parse_callback(&fixture("direct_callback_test_new_style.json")).unwrap();
        assert_eq!(task.status, TaskStatus::Submitted);
        assert!(task.videos.is_empty());
        assert!(!task.id.as_str().is_empty());
    }

    #[test]
    fn a_wrapped_body_parses_like_the_flat_one() {
        let data: Value = serde_json::from_slice(&fixture("callback_succeed.json")).unwrap();
        let body = json!({"code": 0, "message": "SUCCEED", "request_id": "r-1", "data": data});
        let task = parse_callback(body.to_string().as_bytes()).unwrap();
        let mut flat = parse_callback(&fixture("callback_succeed.json")).unwrap();
        flat.request_id = Some("r-1".into());
        assert_eq!(task, flat);
    }

    #[test]
    fn bad_bodies_are_errors() {
        for body in [
            &b"not json"[..],
            b"[]",
            b"{}",
            br#"{"data": {"task_status": "x"}}"#,
            br#"{"task_id": "", "task_status": "x"}"#,
        ] {
            assert!(
                matches!(parse_callback(body), Err(VideoError::Decode { .. })),
                "{body:?}"
            );
        }
        let error = parse_callback(br#"{"code": 1201, "message": "bad", "data": {}}"#).unwrap_err();
        assert!(matches!(error, VideoError::Provider { .. }) && error.code() == Some("1201"));
    }
}
