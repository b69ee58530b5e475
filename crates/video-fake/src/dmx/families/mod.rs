//! The relay's other families on `/v1/responses`, each in its own reply style, written from
//! the protocol notes' fixtures (`dmx-*`): Kling v3 and Wan 2.6 in the Responses envelope
//! with the upstream's JSON as text, Seedance 2.0 flat then enveloped, MiniMax Hailuo flat
//! in three steps (its download links short-lived), Vidu flat then streamed text, PixVerse V6
//! flat then its raw `ErrCode/Resp` object.
//!
//! Every family shares the task engine, the faults and the echo layer; a family here is its
//! models, its id format, its checks and its replies.

pub(crate) mod hailuo;

pub(crate) use hailuo::{LINK_MODEL as HAILUO_LINK_MODEL, mint as mint_hailuo_link};
mod kling_v3;
mod pixverse;
mod seedance;
mod vidu;
mod wan;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::replies::relay_error;
use super::sse::{StreamWords, stream_with};
use crate::engine::callback::spawn_callbacks;
use crate::engine::{AtomicCounters, Engine, FakeTask, NewTask, TaskKind};
use crate::faults::{ErrorShape, Refusal, refuse_submission};
use crate::replies::reply;

/// The families this front serves besides Kling v2.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelayFamily {
    KlingV3,
    Seedance,
    Hailuo,
    Vidu,
    Wan,
    PixVerse,
}

/// What a valid submission asks for.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub(crate) prompt: String,
    pub(crate) duration_secs: u64,
    pub(crate) image: bool,
    pub(crate) callback_url: Option<String>,
}

/// How a family's query is answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// One JSON reply for the task at a moment.
    Json(fn(&Engine, &FakeTask, Instant) -> Value),
    /// A stream held open until the task ends.
    Stream(&'static StreamWords),
}

/// One family's front: its models, ids, checks and replies.
#[derive(Debug)]
pub(crate) struct Front {
    pub(crate) family: RelayFamily,
    pub(crate) submit_models: &'static [&'static str],
    pub(crate) query_models: &'static [&'static str],
    pub(crate) id_of: fn(u64) -> String,
    pub(crate) validate: fn(&str, &Value) -> Result<Fields, String>,
    pub(crate) submitted: fn(&Engine, &FakeTask, &str, &Value) -> Value,
    pub(crate) answer: Answer,
    /// How refusals (invalid parameters, limits) are written.
    pub(crate) shape: ErrorShape,
}

static FRONTS: [&Front; 6] = [
    &kling_v3::FRONT,
    &seedance::FRONT,
    &hailuo::FRONT,
    &vidu::FRONT,
    &wan::FRONT,
    &pixverse::FRONT,
];

/// The front whose submit model is `model`.
pub(crate) fn by_submit_model(model: &str) -> Option<&'static Front> {
    FRONTS
        .iter()
        .copied()
        .find(|f| f.submit_models.contains(&model))
}

/// The front whose query model is `model`.
pub(crate) fn by_query_model(model: &str) -> Option<&'static Front> {
    FRONTS
        .iter()
        .copied()
        .find(|f| f.query_models.contains(&model))
}

/// How faults on a call naming `model` are written: its family's shape, else Kling's (the
/// relay's Kling v2.6 answers with Kling's codes).
pub(crate) fn shape_of(model: &str) -> ErrorShape {
    by_submit_model(model)
        .or_else(|| by_query_model(model))
        .map_or(crate::faults::kling_shape, |front| front.shape)
}

/// The relay's OpenAI-style error for a shared refusal.
pub(crate) fn relay_shape(status: StatusCode, refusal: Refusal, message: &str) -> Response {
    let code = match refusal {
        Refusal::ServerError => "internal_error".to_owned(),
        Refusal::RateLimited => "rate_limit_exceeded".to_owned(),
        Refusal::Concurrency => "too_many_running_tasks".to_owned(),
        Refusal::UnknownCode(code) => format!("upstream_error_{code}"),
        Refusal::Invalid => "invalid_request".to_owned(),
    };
    let status = if status == StatusCode::OK {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    relay_error(status, message, &code)
}

/// A submission to `front` with `model`.
pub(crate) fn submit(state: &Arc<Engine>, request: &Value, front: &Front, model: &str) -> Response {
    AtomicCounters::bump(&state.counters.submissions_received);
    let fields = match (front.validate)(model, request) {
        Ok(fields) => fields,
        Err(message) => return (front.shape)(StatusCode::BAD_REQUEST, Refusal::Invalid, &message),
    };
    if let Some(refusal) = refuse_submission(state, front.shape) {
        return refusal;
    }
    if fields.image {
        AtomicCounters::bump(&state.counters.image_submissions);
    }
    let created = state.create_task(NewTask {
        kind: TaskKind::Relay(front.family),
        fails: fields.prompt.contains(state.config.fail_marker.as_str()),
        duration_secs: fields.duration_secs,
        callback_url: fields.callback_url,
        external_id: None,
        id_of: front.id_of,
        asked: None,
    });
    let Some(task) = created else {
        return relay_error(StatusCode::CONFLICT, "duplicate task", "duplicate");
    };
    if let Answer::Json(render) = front.answer {
        spawn_callbacks(state, &task, false, move |engine, task, at| {
            render(engine, task, at).to_string()
        });
    }
    let body = (front.submitted)(state, &task, model, request);
    crate::replies::created(state, &body)
}

/// A query of `front`'s task named by `input` (a string, a number, or `{"task_id": ...}`).
pub(crate) fn query(state: &Arc<Engine>, request: &Value, front: &Front) -> Response {
    AtomicCounters::bump(&state.counters.queries);
    let id = match request.get("input") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        Some(Value::Object(input)) => match input.get("task_id") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    let found = state
        .task(&id)
        .filter(|task| task.kind == TaskKind::Relay(front.family));
    let Some(task) = found else {
        return relay_error(StatusCode::NOT_FOUND, "task not found", "task_not_found");
    };
    match front.answer {
        Answer::Stream(words) => {
            AtomicCounters::bump(&state.counters.stream_queries);
            stream_with(Arc::clone(state), task, words)
        }
        Answer::Json(render) => reply(state, &render(state, &task, Instant::now())),
    }
}

/// The relay's `usage` block billing `tokens`.
pub(crate) fn usage(tokens: u64) -> Value {
    json!({
        "total_tokens": tokens,
        "input_tokens": 0,
        "input_tokens_details": { "cached_tokens": 0 },
        "output_tokens": tokens,
        "output_tokens_details": { "reasoning_tokens": 0 }
    })
}

/// The Responses envelope carrying `inner` as text, written the way the relay's Go writes
/// it (`&`, `<` and `>` as `\u0026`, `\u003c`, `\u003e`).
pub(crate) fn enveloped(inner: &Value, request_id: &str, tokens: u64) -> Value {
    let text = inner
        .to_string()
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    json!({
        "request_id": request_id,
        "output": [{"type": "message", "content": [{"type": "output_text", "text": text}]}],
        "usage": usage(tokens),
    })
}

/// A string field, when present.
pub(crate) fn text<'a>(body: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("invalid parameter: {key} must be a string")),
    }
}

/// An integer field within `range`, when present.
pub(crate) fn int_in(
    body: &Value,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some_and(|n| range.contains(&n)) => Ok(n.as_i64()),
        Some(other) => Err(format!(
            "invalid parameter: {key} must be an integer in {}..={}, got {other}",
            range.start(),
            range.end()
        )),
    }
}

/// A string field that is one of `allowed`, when present.
pub(crate) fn one_of(body: &Value, key: &str, allowed: &[&str]) -> Result<(), String> {
    match text(body, key)? {
        Some(value) if !allowed.contains(&value) => Err(format!(
            "invalid parameter: {key} must be one of {}",
            allowed.join(", ")
        )),
        _ => Ok(()),
    }
}

/// An image as the relay's upstreams take it: an http(s) URL or, with `data_url`, a data URL
/// with its media type (else bare base64).
pub(crate) fn check_image(key: &str, value: &str, data_url: bool) -> Result<(), String> {
    let url = value.starts_with("https://") || value.starts_with("http://");
    let inline_ok = if data_url {
        value.starts_with("data:image/") && value.contains(";base64,")
    } else {
        !value.starts_with("data:") && !value.is_empty()
    };
    if url || inline_ok {
        Ok(())
    } else {
        let form = if data_url {
            "a data URL"
        } else {
            "bare base64 (no data: prefix)"
        };
        Err(format!(
            "invalid parameter: {key} must be an http(s) URL or {form}"
        ))
    }
}
