//! `POST /v1/responses`: authentication, faults, then submit or query by `model`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;
use tokio::time::Instant;

use super::families;
use super::replies::{relay_error, submit_reply};
use super::sse::stream_reply;
use super::validate::{SubmitFields, validate_image_submission, validate_submission};
use crate::engine::callback::spawn_callbacks;
use crate::engine::{AtomicCounters, Engine, NewTask, TaskKind};
use crate::faults::{after_auth, before_auth, kling_shape, refuse_submission};
use crate::replies::{envelope, kling_error, reply, request_id, task_object};

/// Submission models the relay routes to Kling text-to-video.
const SUBMIT_MODELS: &[&str] = &["kling-v2-6-text2video", "kling-v2-5-turbo-text2video"];
/// The submission model for image-to-video.
const IMAGE_SUBMIT_MODEL: &str = "kling-v2-6-image2video";
/// The query model of text-to-video tasks.
const QUERY_MODEL: &str = "kling-text2video-get";
/// The query model of image-to-video tasks.
const IMAGE_QUERY_MODEL: &str = "kling-image2video-get";

/// The one endpoint.
pub(crate) async fn responses(
    State(state): State<Arc<Engine>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refusal) = before_auth(&state, "/v1/responses").await {
        return refusal;
    }
    // The raw key, as the relay documents; `Bearer <key>` too, as several of its query
    // samples send it.
    let sent_key = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
        .map(|sent| sent.strip_prefix(b"Bearer ".as_slice()).unwrap_or(sent));
    let open = state.config.key.is_empty();
    if !open && sent_key != Some(state.config.key.as_bytes()) {
        AtomicCounters::bump(&state.counters.auth_failures);
        return relay_error(StatusCode::UNAUTHORIZED, "invalid token", "invalid_api_key");
    }
    let request = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(failure) = after_auth(&state, families::shape_of(model)) {
        return failure;
    }
    if !request.is_object() {
        return relay_error(
            StatusCode::BAD_REQUEST,
            "request body is not valid JSON",
            "invalid_request",
        );
    }
    if SUBMIT_MODELS.contains(&model) || model == IMAGE_SUBMIT_MODEL {
        let validate = if model == IMAGE_SUBMIT_MODEL {
            validate_image_submission
        } else {
            validate_submission
        };
        let response = submit(&state, &request, validate);
        let delay = state.config.faults.create_reply_delay;
        if !delay.is_zero() && response.status().is_success() {
            tokio::time::sleep(delay).await;
        }
        response
    } else if model == QUERY_MODEL {
        query(&state, &request, TaskKind::Text)
    } else if model == IMAGE_QUERY_MODEL {
        query(&state, &request, TaskKind::Image)
    } else if let Some(front) = families::by_submit_model(model) {
        let response = families::submit(&state, &request, front, model);
        let delay = state.config.faults.create_reply_delay;
        if !delay.is_zero() && response.status().is_success() {
            tokio::time::sleep(delay).await;
        }
        response
    } else if let Some(front) = families::by_query_model(model) {
        families::query(&state, &request, front)
    } else if model == families::HAILUO_LINK_MODEL {
        families::mint_hailuo_link(&state, &request)
    } else {
        let message = format!("no available channel for model {model} under group default");
        relay_error(StatusCode::SERVICE_UNAVAILABLE, &message, "model_not_found")
    }
}

fn submit(
    state: &Arc<Engine>,
    request: &Value,
    validate: fn(&Value) -> Result<SubmitFields, String>,
) -> Response {
    AtomicCounters::bump(&state.counters.submissions_received);
    let fields: SubmitFields = match validate(request) {
        Ok(fields) => fields,
        Err(message) => return kling_error(StatusCode::BAD_REQUEST, 1201, &message),
    };
    if let Some(refusal) = refuse_submission(state, kling_shape) {
        return refusal;
    }
    let fails = fields.prompt.contains(state.config.fail_marker.as_str());
    if fields.kind == TaskKind::Image {
        AtomicCounters::bump(&state.counters.image_submissions);
    }
    let created = state.create_task(NewTask {
        kind: fields.kind,
        fails,
        duration_secs: fields.duration_secs,
        callback_url: fields.callback_url,
        external_id: None,
        id_of: crate::engine::decimal_id,
        asked: None,
    });
    let Some(task) = created else {
        return kling_error(StatusCode::BAD_REQUEST, 1201, "duplicate task");
    };
    spawn_callbacks(state, &task, false, |engine, task, at| {
        task_object(engine, task, at).to_string()
    });
    let data = task_object(state, &task, task.started);
    let body = submit_reply(data, request_id(&task.id));
    crate::replies::created(state, &body)
}

/// A query with the query model of `kind`: a task of the other kind is unknown to it, as the
/// relay answers for an unknown id.
fn query(state: &Arc<Engine>, request: &Value, kind: TaskKind) -> Response {
    AtomicCounters::bump(&state.counters.queries);
    if kind == TaskKind::Image {
        AtomicCounters::bump(&state.counters.image_queries);
    }
    let id = match request.get("input") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        _ => {
            return kling_error(
                StatusCode::BAD_REQUEST,
                1201,
                "invalid parameter: input must be a task id",
            );
        }
    };
    let Some(task) = state.task(&id).filter(|task| task.kind == kind) else {
        return kling_error(StatusCode::NOT_FOUND, 1203, "task not found");
    };
    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        AtomicCounters::bump(&state.counters.stream_queries);
        return stream_reply(Arc::clone(state), task);
    }
    let now = Instant::now();
    let data = task_object(state, &task, now);
    let status = data["task_status"].as_str().unwrap_or_default().to_owned();
    reply(
        state,
        &envelope(data, request_id(&format!("{id}/{status}"))),
    )
}
