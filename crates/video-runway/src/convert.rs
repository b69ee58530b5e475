//! Requests to create bodies, task objects to tasks, error replies to errors.

use std::time::Duration;

use serde_json::{Map, Value, json};
use video_core::{
    Mode, Rule, Task, TaskId, TaskStatus, Video, VideoError, VideoInput, VideoRequest,
};
use video_http::wire::{
    Call, ErrorContext, ErrorKind, StatusNames, error_for, extras_without, status_kind,
};

use crate::models::RunwayModel;
use crate::wire::{ErrorBody, TaskObject};

/// Fields this client sets itself; an extra option of the same name is dropped.
const RESERVED: &[&str] = &[
    "model",
    "promptText",
    "promptImage",
    "ratio",
    "duration",
    "seed",
    "audio",
];

/// The endpoint of a mode.
pub(crate) fn route(mode: Mode) -> &'static str {
    match mode {
        Mode::ImageToVideo => "image_to_video",
        _ => "text_to_video",
    }
}

/// The model's rules: an image-only model refuses text; the frame must be one it renders.
pub(crate) fn check(
    request: &VideoRequest,
    model: &RunwayModel,
) -> Result<&'static str, VideoError> {
    if request.input.is_text() && !model.text {
        return Err(VideoError::invalid(
            "image",
            format!("{} animates an image only", model.id),
        ));
    }
    model
        .ratio(request.aspect_ratio, request.resolution)
        .ok_or_else(|| {
            VideoError::invalid_by(
                "aspect_ratio",
                Rule::Combination {
                    with: "resolution".to_owned(),
                },
                format!("{} renders no such frame", model.id),
            )
        })
}

/// The create body: `model`, `promptText`, `promptImage` (a URL or data URI; with a last
/// frame, `[{uri, position}]`), `ratio`, `duration`, `seed`, `audio`, extra options.
pub(crate) fn create_body(
    request: &VideoRequest,
    model: &RunwayModel,
    ratio: &str,
) -> Result<Vec<u8>, VideoError> {
    let mut body = Map::new();
    body.insert("model".into(), json!(model.id));
    if !request.prompt.trim().is_empty() {
        body.insert("promptText".into(), json!(request.prompt));
    }
    if let VideoInput::Image {
        first_frame,
        last_frame,
    } = &request.input
    {
        let image = match last_frame {
            None => json!(first_frame.url_text()),
            Some(last) => json!([
                {"uri": first_frame.url_text(), "position": "first"},
                {"uri": last.url_text(), "position": "last"},
            ]),
        };
        body.insert("promptImage".into(), image);
    }
    body.insert("ratio".into(), json!(ratio));
    // Runway needs a length; without one asked for, 5 s where offered, else the shortest.
    let seconds = request.duration_secs.or_else(|| {
        let offered = model.seconds;
        offered
            .contains(&5)
            .then_some(5)
            .or(offered.first().copied())
    });
    body.insert("duration".into(), json!(seconds));
    if let Some(seed) = request.seed {
        body.insert("seed".into(), json!(seed));
    }
    if model.audio
        && let Some(sound) = request.sound
    {
        body.insert("audio".into(), json!(sound == video_core::Sound::On));
    }
    body.extend(extras_without(request, RESERVED, &[]));
    serde_json::to_vec(&Value::Object(body))
        .map_err(|error| VideoError::invalid("extra", error.to_string()))
}

/// Runway's statuses, compared without case: `PENDING`/`THROTTLED` waiting, `RUNNING`,
/// `SUCCEEDED`, `FAILED`, `CANCELLED` (a failure whose message says so).
const STATUSES: StatusNames = StatusNames(&[
    ("PENDING", TaskStatus::Submitted),
    ("THROTTLED", TaskStatus::Submitted),
    ("RUNNING", TaskStatus::Processing),
    ("SUCCEEDED", TaskStatus::Succeeded),
    ("FAILED", TaskStatus::Failed),
    ("CANCELLED", TaskStatus::Failed),
]);

/// A task object as a task: `PENDING`/`THROTTLED` wait, `RUNNING` renders (progress a 0–1
/// ratio), `SUCCEEDED` with its output URLs (pre-signed, keyless; a fresh query renews
/// them), `FAILED` with `failureCode: failure`, `CANCELLED` failed; unknown ones kept.
pub(crate) fn task_of(object: TaskObject) -> Task {
    let raw = object.status.unwrap_or_default();
    let status = STATUSES.status_of(&raw);
    let mut task = Task::new(TaskId::new(object.id), status.clone());
    if let Some(ratio) = object.progress {
        task.set_progress(ratio, ratio <= 1.0);
    }
    if status == TaskStatus::Succeeded {
        let urls = match object.output {
            Some(Value::Array(items)) => items,
            Some(Value::String(url)) => vec![Value::String(url)],
            _ => Vec::new(),
        };
        task.videos = urls
            .into_iter()
            .filter_map(|item| item.as_str().map(Video::new))
            .collect();
        if task.videos.is_empty() {
            task.status = TaskStatus::Failed;
            task.status_message = Some("SUCCEEDED without an output".to_owned());
        }
    }
    if raw.eq_ignore_ascii_case("CANCELLED") {
        task.status_message = Some("cancelled".to_owned());
    }
    if let Some(code) = object.failure_code {
        let failure = object.failure.unwrap_or_default();
        task.status_message = Some(format!("{code}: {failure}"));
    } else if object.failure.is_some() {
        task.status_message = object.failure;
    }
    task.raw_status = Some(raw);
    task
}

/// Whether a failure (`SAFETY.INPUT.TEXT: …`, `INPUT_PREPROCESSING.SAFETY.THIRD_PARTY: …`)
/// is a content-policy refusal.
pub(crate) fn is_content_failure(message: &str) -> bool {
    let code = message.split(':').next().unwrap_or_default();
    code.starts_with("SAFETY.") || code.contains(".SAFETY.")
}

/// A non-2xx reply as the error its status means (a 400 is invalid input).
pub(crate) fn error_of(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    call: Call,
    id: Option<&TaskId>,
) -> VideoError {
    let error: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let kind = match status {
        400 | 422 => ErrorKind::Invalid,
        other => status_kind(other),
    };
    let context = ErrorContext::new(call, status.to_string(), error.message())
        .http_status(status)
        .retry_after(retry_after)
        .task_id(id);
    error_for(kind, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> TaskObject {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn statuses_progress_and_failures() {
        let throttled = task_of(object(json!({"id": "t", "status": "THROTTLED"})));
        assert_eq!(throttled.status, TaskStatus::Submitted);
        assert_eq!(throttled.raw_status.as_deref(), Some("THROTTLED"));
        let running = task_of(object(
            json!({"id": "t", "status": "RUNNING", "progress": 0.42}),
        ));
        assert_eq!(running.progress, Some(42));
        let failed = task_of(object(json!({"id": "t", "status": "FAILED",
            "failure": "blocked", "failureCode": "INPUT_PREPROCESSING.SAFETY.THIRD_PARTY"})));
        assert!(is_content_failure(
            failed.status_message.as_deref().unwrap()
        ));
        assert!(!is_content_failure("INTERNAL.BAD_OUTPUT.CODE01: x"));
        let cancelled = task_of(object(json!({"id": "t", "status": "CANCELLED"})));
        assert_eq!(cancelled.status, TaskStatus::Failed);
        let done = task_of(object(
            json!({"id": "t", "status": "SUCCEEDED", "output": ["https://cdn.example/v.mp4?_jwt=x"]}),
        ));
        assert_eq!(done.videos.len(), 1);
        let empty = task_of(object(
            json!({"id": "t", "status": "SUCCEEDED", "output": []}),
        ));
        assert_eq!(empty.status, TaskStatus::Failed);
    }

    #[test]
    fn errors_by_status() {
        let bad = br#"{"error":"ratio must be one of 1280:720"}"#;
        assert!(matches!(
            error_of(400, None, bad, Call::Submit, None),
            VideoError::InvalidRequest { .. }
        ));
        assert!(matches!(
            error_of(401, None, b"{}", Call::Submit, None),
            VideoError::Unauthorized { .. }
        ));
        assert!(matches!(
            error_of(429, None, b"{}", Call::Submit, None),
            VideoError::RateLimited { .. }
        ));
        let id = TaskId::new("t");
        assert!(matches!(
            error_of(404, None, b"{}", Call::Query, Some(&id)),
            VideoError::NotFound { .. }
        ));
    }
}
