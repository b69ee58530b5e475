//! The relay's own errors: its HTTP status table (`error-nub.md`) and its OpenAI-style
//! error body (`{"error": {"message", "type", "param", "code"}}`, assumed: the relay does
//! not document it), and the one reader of a JSON reply every family's call goes through.

use serde_json::Value;
use video_core::{RateLimitScope, TaskId, VideoError};
use video_http::Reply;
use video_http::wire::{Call, ErrorContext, ErrorKind, error_for, json_reply};

use crate::envelope::{self, Inner};
use crate::family::{Family, Payload, VendorError};

/// The relay's own errors by HTTP status, where it documents a meaning other than the
/// default: 403 is the key's quota, 404 a wrong base URL, 503 "no channel for this model"
/// (a misspelled model name). Other 5xx (500, 504, 524) are transient.
const RELAY_STATUSES: &[(u16, ErrorKind)] = &[
    (400, ErrorKind::Invalid),
    (401, ErrorKind::Unauthorized),
    (402, ErrorKind::Quota),
    (403, ErrorKind::Quota),
    (404, ErrorKind::Config),
    (413, ErrorKind::Invalid),
    (429, ErrorKind::Rate(RateLimitScope::Requests, None)),
];

/// The kind of a relay error answered to `call` with `status` and (maybe) `code`: a 404 to
/// a query that names a missing task (`task_not_found`, "task … not found", "任务不存在") is
/// an unknown task; any other 404 is a wrong base URL (the relay's table), as are the other
/// rows of the table; then a missing channel or model is configuration, other 5xx transient.
pub fn relay_kind(call: Call, status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    if status == 404 && call == Call::Query && names_a_missing_task(code, message) {
        return ErrorKind::UnknownResource;
    }
    if let Some((_, kind)) = RELAY_STATUSES.iter().find(|(s, _)| *s == status) {
        return *kind;
    }
    let no_channel =
        code == Some("model_not_found") || message.to_lowercase().contains("no available channel");
    match status {
        _ if no_channel => ErrorKind::Config,
        500..=599 => ErrorKind::Transient,
        _ => ErrorKind::Other,
    }
}

fn names_a_missing_task(code: Option<&str>, message: &str) -> bool {
    let message = message.to_lowercase();
    code == Some("task_not_found")
        || (message.contains("task") && message.contains("not found"))
        || message.contains("任务不存在")
}

/// A successful reply, read: its body and what it carries of the upstream's (the envelope
/// opened once here, for the vendor's error check and the family's reader alike).
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The reply's body (its `usage` and `request_id` are the relay's).
    pub body: Value,
    /// The envelope's content, or [`Inner::Flat`].
    pub inner: Inner,
}

impl Read {
    /// The upstream's JSON object: the flat body, or the envelope's text parsed.
    pub fn upstream(&self) -> Option<&Value> {
        upstream_of(&self.body, &self.inner)
    }

    /// The reply as a family reads a query's.
    pub fn payload(&self) -> Payload<'_> {
        match &self.inner {
            Inner::Flat => Payload::Json(&self.body),
            Inner::Json(object) => Payload::Json(object),
            Inner::Text(text) => Payload::Text {
                text,
                completed: true,
            },
            Inner::Nothing => Payload::Pending,
        }
    }
}

fn upstream_of<'a>(body: &'a Value, inner: &'a Inner) -> Option<&'a Value> {
    match inner {
        Inner::Flat => Some(body),
        Inner::Json(object) => Some(object),
        Inner::Text(_) | Inner::Nothing => None,
    }
}

/// What a reply to one call of a family means: the body read when it is a success, else
/// the error — a vendor's business error wherever it is (also inside a 2xx, also inside an
/// envelope's text), then the relay's own error object by its code and status, then the
/// status alone. A body that is not a JSON object is a gateway's or proxy's page
/// (`video_http::wire::non_json_error`).
///
/// # Errors
/// The error the reply means; [`VideoError::Decode`] for a success whose `output` is not a
/// list.
pub fn read_reply(
    reply: &Reply,
    family: &dyn Family,
    call: Call,
    task_id: Option<&TaskId>,
) -> Result<Read, VideoError> {
    let body: Value = match sse_framed(&reply.body) {
        Some(body) => body,
        None => json_reply(reply.status, reply.retry_after, &reply.body)?,
    };
    let inner = envelope::inner(&body);
    let context = |code: String, message: String| {
        ErrorContext::new(call, code, message)
            .request_id(request_id(&body))
            .http_status(reply.status)
            .retry_after(reply.retry_after)
            .task_id(task_id)
    };
    let upstream = inner
        .as_ref()
        .ok()
        .and_then(|inner| upstream_of(&body, inner));
    if let Some(VendorError {
        kind,
        code,
        message,
    }) = upstream.and_then(|upstream| family.vendor_error(upstream))
    {
        return Err(error_for(kind, context(code, message)));
    }
    let success = (200..300).contains(&reply.status);
    match body.get("error").filter(|error| !error.is_null()) {
        None if success => {
            let inner = inner?;
            Ok(Read { body, inner })
        }
        error => {
            let (code, message, param) = relay_error_fields(error, reply.status);
            let kind = relay_kind(call, reply.status, Some(&code), &message);
            Err(error_for(kind, context(code, message).field(param)))
        }
    }
}

/// A body written as server-sent events (`data: {...}` lines) without saying so: its first
/// data line that is a JSON object (Vidu's submission reply has been seen framed so).
fn sse_framed(body: &[u8]) -> Option<Value> {
    // Checked on the first bytes before anything else: this runs for every reply.
    if !body.trim_ascii_start().starts_with(b"data:") {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
        .find(Value::is_object)
}

/// The code, message and parameter of a relay error object (or of a bare status).
fn relay_error_fields(error: Option<&Value>, status: u16) -> (String, String, Option<String>) {
    let text = |key: &str| {
        error
            .and_then(|error| error.get(key))
            .and_then(|value| match value {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
            .filter(|text| !text.trim().is_empty())
    };
    let message = text("message")
        .or_else(|| error.and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {status}"));
    let code = text("code")
        .or_else(|| text("type"))
        .unwrap_or_else(|| status.to_string());
    (code, message, text("param"))
}

/// The reply's request id (`request_id` or `id` at the top), for support tickets.
pub fn request_id(body: &Value) -> Option<String> {
    ["request_id", "requestId"]
        .iter()
        .find_map(|key| body.get(*key).and_then(Value::as_str))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::SEEDANCE;

    fn read(status: u16, body: &str) -> Result<Read, VideoError> {
        let reply = Reply::new(status, None, body.to_owned());
        read_reply(&reply, &SEEDANCE, Call::Submit, None)
    }

    #[test]
    fn the_status_table_and_the_error_body_decide_relay_errors() {
        let quota = read(
            403,
            r#"{"error":{"message":"quota","code":"insufficient"}}"#,
        );
        assert!(matches!(quota, Err(VideoError::QuotaExceeded { .. })));
        let channel = read(
            503,
            r#"{"error":{"message":"no available channel for model x","code":"model_not_found"}}"#,
        );
        assert!(matches!(channel, Err(VideoError::Configuration { .. })));
        let busy = read(524, r#"{"error":{"message":"timeout"}}"#);
        assert!(busy.is_err_and(|e| e.is_retryable()));
        let limited = read(429, r#"{"error":{"message":"slow down"}}"#);
        assert!(matches!(limited, Err(VideoError::RateLimited { .. })));
        assert!(read(200, r#"{"id":"cgt-1"}"#).is_ok());
        let id = TaskId::new("cgt-1");
        let query = |body: &str| {
            let reply = Reply::new(404, None, body.to_owned());
            read_reply(&reply, &SEEDANCE, Call::Query, Some(&id))
        };
        let missing = query(r#"{"error":{"message":"task not found","code":"task_not_found"}}"#);
        assert!(matches!(missing, Err(VideoError::NotFound { .. })));
        let wrong_url = query(r#"{"error":{"message":"Invalid URL (POST /v1/v1/responses)"}}"#);
        assert!(matches!(wrong_url, Err(VideoError::Configuration { .. })));
        let framed = read(200, "data: {\"id\":\"cgt-2\"}\n\ndata: [DONE]\n\n").unwrap();
        assert_eq!(framed.body["id"], "cgt-2");
        assert!(matches!(
            read(502, "<html>bad gateway</html>"),
            Err(VideoError::Provider { .. } | VideoError::Transport { .. })
        ));
    }
}
