//! Requests to multipart forms, `video` objects to tasks, error replies to errors.

use std::time::{Duration, UNIX_EPOCH};

use video_core::{AspectRatio, Locator, Task, TaskId, TaskStatus, Video, VideoError, VideoRequest};
use video_http::Multipart;
use video_http::wire::{Call, ErrorContext, error_for, json_reply, status_kind};

use crate::openai_like::wire::{CODES, ErrorEnvelope, VideoObject};

/// The create form: `prompt`, `model`, `seconds` (a string) and `size` (`WxH`).
pub(crate) fn create_form(request: &VideoRequest, model: &str) -> Multipart {
    let landscape = request.aspect_ratio == Some(AspectRatio::LANDSCAPE_16_9);
    Multipart::new()
        .text("prompt", request.prompt.clone())
        .text("model", model)
        .text("seconds", request.duration_secs.unwrap_or(4).to_string())
        .text("size", if landscape { "1280x720" } else { "720x1280" })
}

/// A `video` object as a task: `queued`/`in_progress`/`completed`/`failed` onto the core set
/// (the raw status kept), percent progress, one video behind the content route until
/// `expires_at`.
pub(crate) fn task_of(object: VideoObject) -> Task {
    let status = match object.status.as_str() {
        "queued" | "submitted" => TaskStatus::Submitted,
        "in_progress" | "processing" => TaskStatus::Processing,
        "completed" => TaskStatus::Succeeded,
        "failed" => TaskStatus::Failed,
        other => TaskStatus::Unknown(other.to_owned()),
    };
    let time = |secs: Option<u64>| secs.map(|s| UNIX_EPOCH + Duration::from_secs(s));
    let mut task = Task::new(TaskId::new(&object.id), status.clone());
    task.raw_status = Some(object.status);
    if let Some(percent) = object.progress {
        task.set_progress(percent, false);
    }
    task.created_at = time(object.created_at);
    task.status_message = object.error.and_then(|error| error.message);
    if status == TaskStatus::Succeeded {
        let mut video = Video::at(Locator::Provider(format!("content/{}", object.id)));
        video.expires_at = time(object.expires_at);
        video.duration_secs = object.seconds.and_then(|s| s.parse().ok());
        task.videos.push(video);
    }
    task
}

/// A non-2xx reply as the error its code (or, failing that, its status) means.
pub(crate) fn error_of(status: u16, body: &[u8], call: Call, id: Option<&TaskId>) -> VideoError {
    let error = match json_reply::<ErrorEnvelope>(status, None, body) {
        Ok(envelope) => envelope.error.unwrap_or_default(),
        Err(error) => return error,
    };
    let code = error.code.or(error.kind).unwrap_or_default();
    let kind = CODES.kind_of(&code).unwrap_or_else(|| status_kind(status));
    let context = ErrorContext::new(call, code, error.message.unwrap_or_default());
    error_for(
        kind,
        context.http_status(status).field(error.param).task_id(id),
    )
}
