//! `POST /v1/responses`: authentication, faults, then submit or query by `model`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;
use tokio::time::Instant;

use super::replies::{
    auth_page, envelope, gateway_page, kling_error, redirect, relay_error, reply, request_id,
    submit_reply, task_object,
};
use super::sse::stream_reply;
use super::validate::{SubmitFields, validate_image_submission, validate_submission};
use crate::engine::callback::spawn_callbacks;
use crate::engine::{AtomicCounters, Engine, NewTask, TaskKind};

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
    let faults = &state.config.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if let Some(status) = faults.auth_page {
        return auth_page(status);
    }
    if let Some(target) = &faults.redirect_api_to {
        return redirect(target);
    }
    let sent_key = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let open = state.config.key.is_empty();
    if !open && sent_key != Some(state.config.key.as_bytes()) {
        let message = match sent_key {
            Some(key) if faults.echo_key => {
                format!("invalid token {}", String::from_utf8_lossy(key))
            }
            _ => "invalid token".to_owned(),
        };
        return relay_error(StatusCode::UNAUTHORIZED, &message, "invalid_api_key");
    }
    if state.roll(faults.gateway_page_rate) {
        return gateway_page();
    }
    if state.roll(faults.server_error_rate) {
        return kling_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            5000,
            "internal server error",
        );
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return relay_error(
            StatusCode::BAD_REQUEST,
            "request body is not valid JSON",
            "invalid_request",
        );
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if SUBMIT_MODELS.contains(&model) {
        submit(&state, &request, validate_submission)
    } else if model == IMAGE_SUBMIT_MODEL {
        submit(&state, &request, validate_image_submission)
    } else if model == QUERY_MODEL {
        query(&state, &request, TaskKind::Text)
    } else if model == IMAGE_QUERY_MODEL {
        query(&state, &request, TaskKind::Image)
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
    if let Some(refusal) = rate_limited(state) {
        return refusal;
    }
    if let Some(code) = state.config.faults.unknown_submit_code {
        AtomicCounters::bump(&state.counters.faults_injected);
        return kling_error(StatusCode::OK, code, "an error this client has never seen");
    }
    let fails = fields.prompt.contains(state.config.fail_marker.as_str());
    if fields.kind == TaskKind::Image {
        AtomicCounters::bump(&state.counters.image_submissions);
    }
    let task = state.create_task(NewTask {
        kind: fields.kind,
        fails,
        duration_secs: fields.duration_secs,
        callback_url: fields.callback_url,
    });
    spawn_callbacks(state, &task, |engine, task, at| {
        task_object(engine, task, at).to_string()
    });
    let data = task_object(state, &task, task.started);
    reply(state, &submit_reply(data, request_id(&task.id)))
}

/// A 429 refusal when a rate or concurrency limit applies.
fn rate_limited(state: &Engine) -> Option<Response> {
    let faults = &state.config.faults;
    let concurrency_message = "parallel task over resource pack limit";
    if state.take_forced_refusal() {
        return Some(kling_error(
            StatusCode::TOO_MANY_REQUESTS,
            1303,
            concurrency_message,
        ));
    }
    if let Some(limit) = faults.max_running_tasks
        && state.running_tasks() >= limit
    {
        return Some(kling_error(
            StatusCode::TOO_MANY_REQUESTS,
            1303,
            concurrency_message,
        ));
    }
    if !state.rate_limit_hit() {
        return None;
    }
    let fault = faults.rate_limit.as_ref()?;
    let message = if fault.code == 1303 {
        concurrency_message
    } else {
        "rate limit exceeded, please try again later"
    };
    let mut response = kling_error(
        StatusCode::TOO_MANY_REQUESTS,
        i64::from(fault.code),
        message,
    );
    if let Some(seconds) = fault.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Some(response)
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
