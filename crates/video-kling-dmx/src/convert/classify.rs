//! An HTTP reply → the envelope, or the [`VideoError`] it means.
//!
//! Decided in this order: a body that is not a JSON object; Kling's business `code` (also when
//! the relay wraps it as `dmxapi_kling_error_<code>`), read by `video-kling-protocol`'s code
//! table; `code` 0 with a task id is success whatever the HTTP status; only then the relay's
//! own error, by HTTP status ([`RELAY_STATUSES`], mapped onto the same error kinds).

use std::time::Duration;

use video_core::{TaskId, VideoError};
use video_dmx::relay_errors::relay_kind;
use video_http::wire::json_reply;
use video_kling_protocol::{ErrorContext, error_for, invalid_field, kind_of_code};

pub(crate) use video_kling_protocol::Call;

use crate::wire::Envelope;

/// Decides what a reply means. `Ok` carries an envelope with a task id in `data`.
///
/// `retry_after` is the parsed `Retry-After` header ([`parse_retry_after`]); `task_id` is the
/// id a query asked for.
pub(crate) fn classify(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    call: Call,
    task_id: Option<&TaskId>,
) -> Result<Envelope, VideoError> {
    // Straight into the typed envelope (every field is lenient, so this fails only for a
    // body that is not a JSON object, or a `data` object that is not a task).
    let envelope: Envelope = json_reply(status, retry_after, body)?;
    let relay = envelope.error.clone().unwrap_or_default();
    let kling_code = envelope
        .code
        .or_else(|| relay.code.as_deref().and_then(wrapped_kling_code));
    let message = envelope
        .message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .or_else(|| relay.message.clone().filter(|m| !m.trim().is_empty()));
    let context = |code: String, message: String| {
        let field = invalid_field(relay.param.as_deref(), &message);
        ErrorContext::new(call, code, message)
            .request_id(envelope.request_id.clone())
            .field(Some(field))
            .http_status(status)
            .retry_after(retry_after)
            .task_id(task_id)
    };
    match kling_code {
        Some(0) if envelope.task_id().is_some() => Ok(envelope),
        Some(0) => Err(VideoError::decode(
            Some(status),
            "code 0 without data.task_id",
            body,
        )),
        Some(code) => {
            let message = message.unwrap_or_else(|| format!("Kling error {code}"));
            Err(error_for(
                kind_of_code(code),
                context(code.to_string(), message),
            ))
        }
        None if envelope.error.is_none() && envelope.task_id().is_some() => Ok(envelope),
        None if envelope.error.is_none() && is_success(status) => Err(VideoError::decode(
            Some(status),
            "neither code, error nor data.task_id",
            body,
        )),
        None => {
            let message = relay
                .message
                .clone()
                .filter(|m| !m.trim().is_empty())
                .or(message)
                .unwrap_or_else(|| format!("HTTP {status}"));
            let kind = relay_kind(call, status, relay.code.as_deref(), &message);
            let code = relay
                .code
                .clone()
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| status.to_string());
            Err(error_for(kind, context(code, message)))
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// `dmxapi_kling_error_1303` → 1303: the relay's way of wrapping a Kling code.
fn wrapped_kling_code(code: &str) -> Option<i64> {
    code.strip_prefix("dmxapi_kling_error_")?.parse().ok()
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
