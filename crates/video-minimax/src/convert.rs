//! Requests to create bodies, replies to tasks and errors: a non-zero `base_resp` is an
//! error whatever the HTTP status, except on a query that reports a failed task (its code is
//! the failure's reason).

use std::time::Duration;

use serde_json::{Map, Value, json};
use video_core::{Locator, Task, TaskId, TaskStatus, Video, VideoError, VideoRequest};
use video_http::wire::{
    Call, ErrorContext, ErrorKind, error_for, extras_without, json_reply, status_kind,
};

use crate::protocol::{MINIMAX_CODES, frame_fields, is_sound_file_id, minimax_status};
use crate::wire::Reply;

/// Fields this client sets itself; an extra option of the same name is dropped.
const RESERVED: &[&str] = &[
    "model",
    "prompt",
    "duration",
    "resolution",
    "first_frame_image",
    "last_frame_image",
    "callback_url",
];
/// How a finished video's locator starts (the file id follows).
pub(crate) const FILE_PREFIX: &str = "file/";

/// The create body: model, prompt, MiniMax's frame fields, the callback, extra options
/// (`prompt_optimizer`, `fast_pretreatment`, `aigc_watermark`, `subject_reference`, ...).
pub(crate) fn create_body(request: &VideoRequest, model: &str) -> Result<Vec<u8>, VideoError> {
    let mut body = Map::new();
    body.insert("model".into(), json!(model));
    if !request.prompt.trim().is_empty() {
        body.insert("prompt".into(), json!(request.prompt));
    }
    body.extend(frame_fields(request));
    if let Some(url) = &request.callback_url {
        body.insert("callback_url".into(), json!(url));
    }
    body.extend(extras_without(request, RESERVED, &[]));
    serde_json::to_vec(&Value::Object(body))
        .map_err(|error| VideoError::invalid("extra", error.to_string()))
}

/// A reply read: its error when it is one, else its content.
pub(crate) fn read(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    call: Call,
    id: Option<&TaskId>,
) -> Result<Reply, VideoError> {
    let reply: Reply = match json_reply(status, retry_after, body) {
        Ok(reply) => reply,
        Err(error) if (200..300).contains(&status) => return Err(error),
        Err(_) => Reply::default(),
    };
    let code = reply
        .base_resp
        .as_ref()
        .and_then(|b| b.status_code)
        .unwrap_or(0);
    let task_failed = reply
        .status
        .as_deref()
        .is_some_and(|raw| minimax_status(raw) == TaskStatus::Failed);
    if code != 0 && !task_failed {
        let message = reply.base_resp.as_ref().and_then(|b| b.status_msg.clone());
        let context = ErrorContext::new(call, code.to_string(), message.unwrap_or_default())
            .http_status(status)
            .retry_after(retry_after)
            .task_id(id);
        // A query sends one parameter, the task id: "invalid params" there means no such task.
        let kind = match MINIMAX_CODES.kind_of(code) {
            ErrorKind::Invalid if id.is_some() => ErrorKind::UnknownResource,
            kind => kind,
        };
        return Err(error_for(kind, context));
    }
    if !(200..300).contains(&status) {
        let (kind, message) = reply
            .error
            .map(|e| (e.kind.unwrap_or_default(), e.message.unwrap_or_default()))
            .unwrap_or_default();
        let context = ErrorContext::new(call, kind, message)
            .http_status(status)
            .retry_after(retry_after)
            .task_id(id);
        return Err(error_for(status_kind(status), context));
    }
    Ok(reply)
}

/// A query reply as a task: statuses onto the core set (raw kept); `Success` names its
/// file (the link is minted at download time, never journaled); `Fail` carries
/// `code: message`.
pub(crate) fn task_of(reply: Reply, id: &TaskId) -> Result<Task, VideoError> {
    let raw = reply.status.unwrap_or_default();
    let status = minimax_status(&raw);
    let mut task = Task::new(id.clone(), status.clone());
    task.raw_status = Some(raw);
    match status {
        TaskStatus::Succeeded => {
            let file = reply
                .file_id
                .filter(|file| !file.is_empty() && is_sound_file_id(file))
                .ok_or_else(|| {
                    VideoError::decode(Some(200), "Success without a sound file_id", b"")
                })?;
            let mut video = Video::at(Locator::Provider(format!("{FILE_PREFIX}{file}")));
            video.id = Some(file);
            task.videos.push(video);
        }
        TaskStatus::Failed => {
            let base = reply.base_resp.unwrap_or_default();
            task.status_message = match (base.status_code.filter(|c| *c != 0), base.status_msg) {
                (Some(code), Some(message)) => Some(format!("{code}: {message}")),
                (Some(code), None) => Some(code.to_string()),
                (None, message) => message.or_else(|| task.raw_status.clone()),
            };
        }
        _ => {}
    }
    Ok(task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::RateLimitScope;

    #[test]
    fn codes_with_http_200_are_errors_and_a_failed_task_is_not() {
        let auth = br#"{"task_id":"","base_resp":{"status_code":1004,"status_msg":"login fail"}}"#;
        assert!(matches!(
            read(200, None, auth, Call::Submit, None),
            Err(VideoError::Unauthorized { .. })
        ));
        let rate = br#"{"base_resp":{"status_code":1002,"status_msg":"rate limit"}}"#;
        assert!(matches!(
            read(200, None, rate, Call::Submit, None),
            Err(VideoError::RateLimited {
                scope: RateLimitScope::Requests,
                ..
            })
        ));
        let v2 = br#"{"type":"error","error":{"type":"authorized_error","message":"login fail (1004)","http_code":"401"}}"#;
        assert!(matches!(
            read(401, None, v2, Call::Query, None),
            Err(VideoError::Unauthorized { .. })
        ));
        let failed = br#"{"task_id":"1","status":"Fail","base_resp":{"status_code":1027,"status_msg":"output new_sensitive"}}"#;
        let task = task_of(
            read(200, None, failed, Call::Query, None).unwrap(),
            &TaskId::new("1"),
        )
        .unwrap();
        assert_eq!(
            task.status_message.as_deref(),
            Some("1027: output new_sensitive")
        );
        let done = br#"{"task_id":"1","status":"Success","file_id":176844028768320,"base_resp":{"status_code":0}}"#;
        let task = task_of(
            read(200, None, done, Call::Query, None).unwrap(),
            &TaskId::new("1"),
        )
        .unwrap();
        assert_eq!(
            task.videos[0].locator.provider_ref(),
            Some("file/176844028768320")
        );
        let hostile = br#"{"task_id":"1","status":"Success","file_id":"../../x"}"#;
        assert!(
            task_of(
                read(200, None, hostile, Call::Query, None).unwrap(),
                &TaskId::new("1")
            )
            .is_err()
        );
    }
}
