//! [`parse_callback`]: the body the relay POSTs to a request's `callback_url`.

use serde_json::Value;
use video_core::{Task, VideoError};

use crate::convert::{task_from_data, task_from_envelope};
use crate::wire::{Envelope, TaskData};

/// Parses a callback (webhook) body into a task snapshot.
///
/// Accepts Kling's documented flat task object (`{"task_id", "task_status", ...}`) and the
/// same object wrapped in the `{code, message, data}` envelope. No signature scheme is
/// documented, so the body proves nothing about its sender: treat it as a hint and confirm
/// with [`video_core::VideoProvider::task`] before acting on it.
///
/// ```
/// use video_core::TaskStatus;
///
/// let body = br#"{"task_id": "42", "task_status": "processing", "task_status_msg": ""}"#;
/// let task = video_kling_dmx::parse_callback(body)?;
/// assert_eq!(task.id.as_str(), "42");
/// assert_eq!(task.status, TaskStatus::Processing);
/// # Ok::<(), video_core::VideoError>(())
/// ```
///
/// # Errors
/// [`VideoError::Decode`] when the body is not JSON or names no task;
/// [`VideoError::Provider`] when an envelope carries a non-zero code.
pub fn parse_callback(body: &[u8]) -> Result<Task, VideoError> {
    let bad = |reason: String| VideoError::decode(None, reason, body);
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| bad(format!("callback body is not JSON: {error}")))?;
    let Value::Object(fields) = &value else {
        return Err(bad("callback body is not a JSON object".to_owned()));
    };
    let wrapped =
        !fields.contains_key("task_id") && fields.get("data").is_some_and(Value::is_object);
    if wrapped {
        let envelope: Envelope = serde_json::from_value(value)
            .map_err(|error| bad(format!("callback envelope is malformed: {error}")))?;
        if let Some(code) = envelope.code.filter(|code| *code != 0) {
            return Err(VideoError::Provider {
                code: code.to_string(),
                message: envelope.message.unwrap_or_default(),
                request_id: envelope.request_id,
                retryable: false,
            });
        }
        return task_from_envelope(envelope)
            .filter(|task| !task.id.as_str().is_empty())
            .ok_or_else(|| bad("callback names no task_id".to_owned()));
    }
    let data: TaskData = serde_json::from_value(value)
        .map_err(|error| bad(format!("callback task is malformed: {error}")))?;
    if data.task_id.is_empty() {
        return Err(bad("callback names no task_id".to_owned()));
    }
    Ok(task_from_data(data, None, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use video_core::{TaskStatus, Usage};

    fn fixture() -> Vec<u8> {
        let path = format!(
            "{}/tests/data/callback_succeed.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn flat_fixture_parses() {
        let task = parse_callback(&fixture()).unwrap();
        assert_eq!(task.id.as_str(), "840242793980637239");
        assert_eq!(task.status, TaskStatus::Succeeded);
        assert_eq!(task.client_reference.as_deref(), Some("order-2026-000123"));
        assert_eq!(task.usage, Some(Usage::new(None, Some("1".into()))));
        assert_eq!(task.videos.len(), 1);
        assert_eq!(task.videos[0].duration_secs, Some(5.041));
        assert!(task.created_at.is_some() && task.updated_at.is_some());
    }

    #[test]
    fn wrapped_fixture_parses_the_same() {
        let data: Value = serde_json::from_slice(&fixture()).unwrap();
        let body = json!({"code": 0, "message": "SUCCEED", "request_id": "r-1", "data": data});
        let task = parse_callback(body.to_string().as_bytes()).unwrap();
        let mut flat = parse_callback(&fixture()).unwrap();
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
        ] {
            assert!(
                matches!(parse_callback(body), Err(VideoError::Decode { .. })),
                "{body:?}"
            );
        }
        let error = parse_callback(br#"{"code": 1201, "message": "bad", "data": {}}"#).unwrap_err();
        assert!(matches!(error, VideoError::Provider { code, .. } if code == "1201"));
    }
}
