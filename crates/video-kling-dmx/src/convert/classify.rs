//! An HTTP reply → the envelope, or the [`VideoError`] it means.
//!
//! Decided in this order: a body that is not a JSON object; Kling's business `code` (also when
//! the relay wraps it as `dmxapi_kling_error_<code>`); `code` 0 with a task id is success
//! whatever the HTTP status; only then the relay's own error, by HTTP status. Both tables
//! are data ([`KLING_CODES`], [`RELAY_STATUSES`]), read by one function ([`error_for`]).

use std::ops::RangeInclusive;
use std::time::Duration;

use video_core::{RateLimitScope, TaskId, VideoError};

use crate::wire::Envelope;

/// Which call the reply answers; a few codes mean different things for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// A submission.
    Submit,
    /// A query for a task.
    Query,
}

/// What an error row turns into.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Unauthorized,
    Quota,
    Forbidden,
    Invalid,
    Config,
    /// Kling 1203: an unknown model on a submission, an unknown task on a query.
    UnknownResource,
    Content,
    /// A rate limit; the duration is a floor on `retry_after` (Kling 1302 asks for ≥ 1 s).
    Rate(RateLimitScope, Option<Duration>),
    /// A documented transient failure (Kling 5000–5002, relay 5xx).
    Transient,
    /// Anything else: a provider error that is not retried.
    Other,
}

/// Kling's business codes (`code` ≠ 0), decided before the HTTP status.
const KLING_CODES: &[(RangeInclusive<i64>, Kind)] = &[
    (1000..=1004, Kind::Unauthorized),
    (1100..=1102, Kind::Quota),
    (1103..=1103, Kind::Forbidden),
    (1200..=1201, Kind::Invalid),
    (1202..=1202, Kind::Config),
    (1203..=1203, Kind::UnknownResource),
    (1300..=1301, Kind::Content),
    (
        1302..=1302,
        Kind::Rate(RateLimitScope::Requests, Some(Duration::from_secs(1))),
    ),
    (1303..=1303, Kind::Rate(RateLimitScope::Concurrency, None)),
    (1304..=1304, Kind::Forbidden),
    (5000..=5002, Kind::Transient),
];

/// The relay's own errors (no Kling code), by HTTP status. 5xx is decided in
/// [`relay_kind`]: a missing model or channel is configuration, the rest transient.
const RELAY_STATUSES: &[(u16, Kind)] = &[
    (400, Kind::Invalid),
    (401, Kind::Unauthorized),
    (402, Kind::Quota),
    (403, Kind::Quota),
    (404, Kind::Config),
    (413, Kind::Invalid),
    (429, Kind::Rate(RateLimitScope::Requests, None)),
];

/// Everything an error row may use.
#[derive(Debug)]
struct Context<'a> {
    code: String,
    message: String,
    request_id: Option<String>,
    param: Option<String>,
    retry_after: Option<Duration>,
    call: Call,
    task_id: Option<&'a TaskId>,
}

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
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value @ serde_json::Value::Object(_)) => value,
        _ => return Err(not_json(status, retry_after, body)),
    };
    let envelope: Envelope = serde_json::from_value(value).map_err(|error| {
        VideoError::decode(
            Some(status),
            format!("reply does not match the protocol: {error}"),
            body,
        )
    })?;
    let relay = envelope.error.clone().unwrap_or_default();
    let kling_code = envelope
        .code
        .or_else(|| relay.code.as_deref().and_then(wrapped_kling_code));
    let message = envelope
        .message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .or_else(|| relay.message.clone().filter(|m| !m.trim().is_empty()));
    let mut context = Context {
        code: String::new(),
        message: String::new(),
        request_id: envelope.request_id.clone().filter(|id| !id.is_empty()),
        param: relay.param.clone().filter(|p| !p.trim().is_empty()),
        retry_after,
        call,
        task_id,
    };
    match kling_code {
        Some(0) if envelope.task_id().is_some() => Ok(envelope),
        Some(0) => Err(VideoError::decode(
            Some(status),
            "code 0 without data.task_id",
            body,
        )),
        Some(code) => {
            context.code = code.to_string();
            context.message = message.unwrap_or_else(|| format!("Kling error {code}"));
            Err(error_for(kling_kind(code), context))
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
            let kind = relay_kind(status, relay.code.as_deref(), &message);
            context.code = relay
                .code
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| status.to_string());
            context.message = message;
            Err(error_for(kind, context))
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn kling_kind(code: i64) -> Kind {
    KLING_CODES
        .iter()
        .find(|(codes, _)| codes.contains(&code))
        .map_or(Kind::Other, |(_, kind)| *kind)
}

fn relay_kind(status: u16, code: Option<&str>, message: &str) -> Kind {
    if let Some((_, kind)) = RELAY_STATUSES.iter().find(|(s, _)| *s == status) {
        return *kind;
    }
    if status >= 500 {
        let no_channel = code == Some("model_not_found")
            || message.to_lowercase().contains("no available channel");
        return if no_channel {
            Kind::Config
        } else {
            Kind::Transient
        };
    }
    Kind::Other
}

/// `dmxapi_kling_error_1303` → 1303: the relay's way of wrapping a Kling code.
fn wrapped_kling_code(code: &str) -> Option<i64> {
    code.strip_prefix("dmxapi_kling_error_")?.parse().ok()
}

/// A body that is not a JSON object: a gateway page, an empty body, ...
fn not_json(status: u16, retry_after: Option<Duration>, body: &[u8]) -> VideoError {
    match status {
        // A throttling front refused it before the relay saw it: nothing was created.
        429 => VideoError::RateLimited {
            scope: RateLimitScope::Requests,
            retry_after,
            message: format!(
                "HTTP 429 with a non-JSON body: {}",
                video_core::provider::excerpt(body)
            ),
        },
        404 => VideoError::Configuration {
            message: "HTTP 404 with a non-JSON body: no API at this URL; check the base URL"
                .to_owned(),
        },
        // A proxy or gateway in front of the relay refused the call before it got through.
        401 => VideoError::Unauthorized {
            message: format!(
                "HTTP 401 with a non-JSON body (a proxy's page?): {}",
                video_core::provider::excerpt(body)
            ),
        },
        403 => VideoError::Forbidden {
            message: format!(
                "HTTP 403 with a non-JSON body (a proxy's page?): {}",
                video_core::provider::excerpt(body)
            ),
        },
        _ => VideoError::decode(Some(status), "reply is not a JSON object", body),
    }
}

/// Builds the error of one row.
fn error_for(kind: Kind, context: Context<'_>) -> VideoError {
    let described = describe(&context);
    match kind {
        Kind::Unauthorized => VideoError::Unauthorized { message: described },
        Kind::Quota => VideoError::QuotaExceeded { message: described },
        Kind::Forbidden => VideoError::Forbidden { message: described },
        Kind::Invalid => VideoError::InvalidRequest {
            field: invalid_field(context.param.as_deref(), &context.message),
            reason: described,
        },
        Kind::Config => VideoError::Configuration { message: described },
        Kind::UnknownResource => match (context.call, context.task_id) {
            (Call::Query, Some(task_id)) => VideoError::NotFound {
                task_id: task_id.clone(),
            },
            _ => VideoError::Configuration {
                message: format!("{described}; check the model name"),
            },
        },
        Kind::Content => VideoError::ContentRejected {
            message: described,
            task_id: context.task_id.cloned(),
        },
        Kind::Rate(scope, floor) => VideoError::RateLimited {
            scope,
            retry_after: match (context.retry_after, floor) {
                (Some(after), Some(floor)) => Some(after.max(floor)),
                (after, floor) => after.or(floor),
            },
            message: described,
        },
        Kind::Transient | Kind::Other => VideoError::Provider {
            code: context.code,
            message: context.message,
            request_id: context.request_id,
            retryable: kind == Kind::Transient,
        },
    }
}

/// `message (code C, request id R)`, so support tickets have what they need.
fn describe(context: &Context<'_>) -> String {
    match &context.request_id {
        Some(id) => format!(
            "{} (code {}, request id {id})",
            context.message, context.code
        ),
        None => format!("{} (code {})", context.message, context.code),
    }
}

/// Wire names of request fields → the names `VideoRequest` uses.
const FIELD_NAMES: [(&str, &str); 9] = [
    ("negative_prompt", "negative_prompt"),
    ("aspect_ratio", "aspect_ratio"),
    ("callback_url", "callback_url"),
    ("duration", "duration_secs"),
    ("mode", "quality"),
    ("sound", "sound"),
    ("prompt", "prompt"),
    ("input", "prompt"),
    ("model", "model"),
];

/// The field an invalid-parameter error names: the relay's `param`, else the first wire
/// field named as a word in the message (not `input`, too common a word), else `request`.
fn invalid_field(param: Option<&str>, message: &str) -> String {
    if let Some(param) = param {
        let param = param.trim();
        return FIELD_NAMES
            .iter()
            .find(|(wire, _)| *wire == param)
            .map_or_else(|| param.to_owned(), |(_, core)| (*core).to_owned());
    }
    let lower = message.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    FIELD_NAMES
        .iter()
        .filter(|(wire, _)| *wire != "input")
        .find(|(wire, _)| words.contains(wire))
        .map_or_else(|| "request".to_owned(), |(_, core)| (*core).to_owned())
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
