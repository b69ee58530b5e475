//! Requests to create bodies (JSON, or multipart when an image's bytes are uploaded),
//! `video` objects to tasks, error replies to errors.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use video_core::RateLimitScope;
use video_core::{
    Image, Locator, Rule, Task, TaskId, TaskStatus, Video, VideoError, VideoInput, VideoRequest,
};
use video_http::Multipart;
use video_http::wire::{Call, ErrorContext, ErrorKind, error_for, extras_without, status_kind};

use crate::models::OpenAiModel;
use crate::wire::{ApiError, CODES, ErrorEnvelope, VideoObject};

/// Fields this client sets itself; an extra option of the same name is dropped.
const RESERVED: &[&str] = &["prompt", "model", "seconds", "input_reference"];
/// The typed option read into `size`.
pub(crate) const SIZE_OPTION: &str = "size";

/// A create body: JSON, or a multipart form when the first frame is uploaded as bytes.
#[derive(Debug)]
pub(crate) enum CreateBody {
    Json(Vec<u8>),
    Multipart(Multipart),
}

/// What the create says about the request: the fields a lost reply is recognised by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asked {
    pub(crate) seconds: String,
    pub(crate) size: String,
}

/// The request's `seconds` and `size` (the typed option `size`, else from resolution and
/// aspect ratio), checked against the model's table.
pub(crate) fn asked(request: &VideoRequest, model: &OpenAiModel) -> Result<Asked, VideoError> {
    let seconds = request.duration_secs.unwrap_or(4);
    let size = match request.extra.get(SIZE_OPTION) {
        Some(value) => given_size(value, model)?,
        None => model
            .size_for(request.resolution, request.aspect_ratio)
            .ok_or_else(|| no_size(model, "resolution"))?,
    };
    Ok(Asked {
        seconds: seconds.to_string(),
        size: format!("{}x{}", size.0, size.1),
    })
}

fn given_size(value: &Value, model: &OpenAiModel) -> Result<(u16, u16), VideoError> {
    let parsed = value.as_str().and_then(|text| {
        let (w, h) = text.trim().split_once(['x', 'X'])?;
        Some((w.parse().ok()?, h.parse().ok()?))
    });
    match parsed {
        Some(size) if model.sizes.contains(&size) => Ok(size),
        _ => Err(no_size(model, "option size")),
    }
}

/// The refusal of a size the model does not render, on `field`.
fn no_size(model: &OpenAiModel, field: &str) -> VideoError {
    let allowed: Vec<String> = model
        .sizes
        .iter()
        .map(|(w, h)| format!("{w}x{h}"))
        .collect();
    VideoError::invalid_by(
        field,
        Rule::OneOf {
            allowed: allowed.clone(),
        },
        format!(
            "no size of this model matches the resolution and aspect ratio asked for; it \
             renders {}",
            allowed.join(", ")
        ),
    )
}

/// The create body for `request` on `model`.
pub(crate) fn create_body(
    request: &VideoRequest,
    model: &str,
    asked: &Asked,
) -> Result<CreateBody, VideoError> {
    let extras = extras_without(request, RESERVED, &[SIZE_OPTION]);
    let first = match &request.input {
        VideoInput::Image { first_frame, .. } => Some(first_frame),
        _ => None,
    };
    if let Some(Image::Inline { media_type, bytes }) = first {
        let mut form = Multipart::new()
            .text("prompt", request.prompt.clone())
            .text("model", model)
            .text("seconds", asked.seconds.clone())
            .text("size", asked.size.clone());
        for (key, value) in &extras {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            form = form.text(key.clone(), text);
        }
        let name = format!("input.{}", extension(media_type));
        let form = form.file("input_reference", name, media_type.clone(), bytes.clone());
        return Ok(CreateBody::Multipart(form));
    }
    let mut body = Map::new();
    body.insert("prompt".into(), json!(request.prompt));
    body.insert("model".into(), json!(model));
    body.insert("seconds".into(), json!(asked.seconds));
    body.insert("size".into(), json!(asked.size));
    if let Some(Image::Url(url)) = first {
        body.insert("input_reference".into(), json!({ "image_url": url }));
    }
    body.extend(extras);
    serde_json::to_vec(&body)
        .map(CreateBody::Json)
        .map_err(|error| VideoError::invalid("extra", error.to_string()))
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    }
}

/// The core status of a `video` object's `status`: `queued` (and a relay's `submitted`)
/// waits, `in_progress` (a relay's `processing`) renders; anything unknown is kept as is.
fn status_of(raw: &str) -> TaskStatus {
    match raw {
        "queued" | "submitted" | "pending" => TaskStatus::Submitted,
        "in_progress" | "processing" | "running" => TaskStatus::Processing,
        "completed" | "succeeded" => TaskStatus::Succeeded,
        "failed" | "expired" | "cancelled" => TaskStatus::Failed,
        other => TaskStatus::Unknown(other.to_owned()),
    }
}

/// The locator of a finished video: its content endpoint, by video id.
pub(crate) fn content_locator(id: &str) -> Locator {
    Locator::Provider(format!("{CONTENT_PREFIX}{id}"))
}

/// How a content locator starts.
pub(crate) const CONTENT_PREFIX: &str = "content/";

fn time(secs: Option<u64>) -> Option<SystemTime> {
    secs.map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// A `video` object as a task: statuses onto the core set (the raw one kept), percent
/// progress, one video behind the content endpoint until `expires_at`; a completed object
/// whose assets already expired still names its video (the download then says expired).
pub(crate) fn task_of(object: VideoObject) -> Task {
    let status = status_of(&object.status);
    let succeeded = status == TaskStatus::Succeeded;
    let locator = succeeded.then(|| content_locator(&object.id));
    let mut task = Task::new(TaskId::new(object.id), status);
    task.raw_status = Some(object.status);
    if let Some(percent) = object.progress {
        task.set_progress(percent, false);
    }
    task.created_at = time(object.created_at);
    task.status_message = object.error.as_ref().and_then(failure_text);
    if let Some(locator) = locator {
        let mut video = Video::at(locator);
        video.expires_at = time(object.expires_at);
        video.duration_secs = object.seconds.and_then(|s| s.trim().parse().ok());
        task.videos.push(video);
    }
    task
}

/// `code: message` of a failed video (the code is what tells a moderation block apart).
fn failure_text(error: &ApiError) -> Option<String> {
    match (&error.code, &error.message) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(code), None) => Some(code.clone()),
        (None, message) => message.clone(),
    }
}

/// Whether a failed task's message names a content-policy code.
pub(crate) fn is_content_failure(message: &str) -> bool {
    let code = message.split(':').next().unwrap_or_default().trim();
    matches!(CODES.kind_of(code), Some(ErrorKind::Content))
}

/// A non-2xx reply as the error its code (or, failing that, its status) means: a 429
/// "Too many running tasks" is the concurrency limit, a 400 without a known code invalid
/// parameters.
pub(crate) fn error_of(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    call: Call,
    id: Option<&TaskId>,
) -> VideoError {
    let error = match video_http::wire::json_reply::<ErrorEnvelope>(status, retry_after, body) {
        Ok(envelope) => envelope.error.unwrap_or_default(),
        Err(error) => return error,
    };
    let code = error.code.clone().unwrap_or_default();
    let message = error.message.clone().unwrap_or_default();
    let running = message.to_ascii_lowercase().contains("running task");
    let kind = match CODES.kind_of(&code) {
        Some(kind) => kind,
        None if status == 429 && running => ErrorKind::Rate(RateLimitScope::Concurrency, None),
        None if status == 400 => ErrorKind::Invalid,
        None => status_kind(status),
    };
    let shown = if code.is_empty() {
        error.kind.unwrap_or_default()
    } else {
        code
    };
    let context = ErrorContext::new(call, shown, message)
        .http_status(status)
        .retry_after(retry_after)
        .field(error.param)
        .task_id(id);
    error_for(kind, context)
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
