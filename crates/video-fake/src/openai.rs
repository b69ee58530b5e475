//! The OpenAI-videos front (`../shared/protocol/openai-videos.md`) on the shared engine, under
//! `/openai/v1`: `POST /videos` (JSON or multipart), `GET /videos` (newest first, `limit`),
//! `GET /videos/{id}` (status and percent progress, `expires_at` once completed),
//! `DELETE /videos/{id}` (finished videos only) and the authenticated content route
//! `GET /videos/{id}/content` (optionally a `302` to another origin). It owns its id format
//! (`video_<hex>`), its auth (the relay's key as `Bearer`, raw, or Azure's `api-key` header)
//! and its error envelope. It exists so a provider of another shape can be
//! tested end to end; the shared faults apply, written in this front's envelope (latency, a
//! proxy's page, redirects, gateway pages, server errors, rate and concurrency limits,
//! echoes, drip-feeds, hostile id prefixes, expired downloads).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::engine::{ApiFront, AtomicCounters, Engine, FakeTask, NewTask, Stage, TaskKind};
use crate::faults::{Refusal, after_auth, before_auth, refuse_submission};
use crate::replies::reply;

/// How long a completed video's content stays downloadable.
const RETENTION: Duration = Duration::from_secs(3600);

/// The front's routes (mounted under `/openai/v1`).
pub(crate) fn routes() -> Router<Arc<Engine>> {
    Router::new()
        .route("/openai/v1/videos", get(list).post(create))
        .route("/openai/v1/videos/{id}", get(retrieve).delete(delete))
        .route("/openai/v1/videos/{id}/content", get(content))
}

fn error(status: StatusCode, kind: &str, code: &str, message: &str) -> Response {
    let code = (!code.is_empty()).then_some(code);
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    (status, axum::Json(body)).into_response()
}

/// The shared faults in this front's error envelope.
fn openai_shape(status: StatusCode, refusal: Refusal, message: &str) -> Response {
    match refusal {
        Refusal::ServerError => error(status, "server_error", "server_error", message),
        Refusal::RateLimited => error(status, "requests", "rate_limit_exceeded", message),
        Refusal::Concurrency => error(status, "video_generation_user_error", "", message),
        Refusal::UnknownCode(code) => error(status, "unknown", &code.to_string(), message),
        Refusal::Invalid => error(status, "invalid_request_error", "invalid_value", message),
    }
}

/// Faults, then `Authorization: Bearer <key>`.
async fn admit(state: &Engine, headers: &HeaderMap, path: &str) -> Result<(), Response> {
    if let Some(refusal) = before_auth(state, path).await {
        return Err(refusal);
    }
    let key = state.config.key.as_str();
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let bearer =
        text(header::AUTHORIZATION.as_str()).map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
    if bearer == Some(key) || text("api-key") == Some(key) {
        return after_auth(state, openai_shape).map_or(Ok(()), Err);
    }
    AtomicCounters::bump(&state.counters.auth_failures);
    let message = "Incorrect API key provided";
    Err(error(
        StatusCode::UNAUTHORIZED,
        "invalid_request_error",
        "invalid_api_key",
        message,
    ))
}

/// `POST /videos`: JSON or multipart fields `prompt`, `model`, `seconds`, `size`.
async fn create(State(state): State<Arc<Engine>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/openai/v1/videos").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.submissions_received);
    let Some(fields) = fields(&headers, &body) else {
        let message = "the body is neither JSON nor multipart form data";
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_body",
            message,
        );
    };
    let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
    let Some(prompt) = text("prompt").filter(|prompt| !prompt.trim().is_empty()) else {
        let message = "Missing required parameter: 'prompt'.";
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "missing",
            message,
        );
    };
    let seconds = text("seconds").unwrap_or_else(|| "4".to_owned());
    let Some(duration_secs) = ["4", "8", "12", "16", "20"]
        .contains(&seconds.as_str())
        .then(|| seconds.parse::<u64>().ok())
        .flatten()
    else {
        let message = "Invalid value for 'seconds': expected one of '4', '8', '12', '16', '20'.";
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_value",
            message,
        );
    };
    if let Some(refusal) = refuse_submission(&state, openai_shape) {
        return refusal;
    }
    let fails = prompt.contains(state.config.fail_marker.as_str());
    let model = text("model").unwrap_or_else(|| "sora-2".to_owned());
    let size = text("size").unwrap_or_else(|| "720x1280".to_owned());
    let asked = json!({"model": model, "size": size, "prompt": prompt});
    let created = state.create_task(NewTask {
        kind: TaskKind::Api(ApiFront::OpenAi),
        fails,
        duration_secs,
        callback_url: None,
        external_id: None,
        id_of: |number| format!("video_{number:x}"),
        asked: Some(asked),
    });
    let Some(task) = created else {
        return error(
            StatusCode::CONFLICT,
            "invalid_request_error",
            "duplicate",
            "duplicate",
        );
    };
    let object = video_object(&state, &task, task.started);
    crate::replies::created(&state, &object)
}

/// `GET /videos/{id}`.
async fn retrieve(
    State(state): State<Arc<Engine>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/openai/v1/videos/{id}").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.queries);
    match state.task(&id).filter(is_openai) {
        Some(task) => reply(&state, &video_object(&state, &task, Instant::now())),
        None => not_found(&id),
    }
}

fn is_openai(task: &FakeTask) -> bool {
    task.kind == TaskKind::Api(ApiFront::OpenAi)
}

/// `GET /videos?order=desc&limit=N`: the newest videos first (the only order served).
async fn list(
    State(state): State<Arc<Engine>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/openai/v1/videos").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.list_requests);
    let limit = crate::replies::query_param(query.as_deref(), "limit")
        .and_then(|limit| limit.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let now = Instant::now();
    let page = state.list(TaskKind::Api(ApiFront::OpenAi), 1, limit);
    let data: Vec<Value> = page
        .iter()
        .map(|task| video_object(&state, task, now))
        .collect();
    let (first, last) = (
        data.first().map(|v| v["id"].clone()),
        data.last().map(|v| v["id"].clone()),
    );
    let body = json!({"object": "list", "data": data, "first_id": first, "last_id": last, "has_more": false});
    reply(&state, &body)
}

/// `DELETE /videos/{id}`: a finished video is deleted; a running one refused (400).
async fn delete(
    State(state): State<Arc<Engine>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/openai/v1/videos/{id}").await {
        return refusal;
    }
    let render = state.config.render_time;
    match state.task(&id).filter(is_openai) {
        Some(task) if task.stage_at(Instant::now(), render).is_final() => {
            state.remove(&id);
            reply(
                &state,
                &json!({"id": id, "object": "video.deleted", "deleted": true}),
            )
        }
        Some(_) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_state",
            "Only completed or failed videos can be deleted",
        ),
        None => not_found(&id),
    }
}

/// `GET /videos/{id}/content`: the MP4, with the key (an authenticated content route).
async fn content(
    State(state): State<Arc<Engine>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/openai/v1/videos/{id}/content").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.downloads);
    if state.take_expire_next() {
        let message = "The video's assets have expired";
        return error(
            StatusCode::GONE,
            "invalid_request_error",
            "expired",
            message,
        );
    }
    let render = state.config.render_time;
    match state.task(&id).filter(is_openai) {
        Some(task) if task.stage_at(Instant::now(), render) == Stage::Succeed => {
            if state.config.faults.redirect_content {
                return elsewhere(&state, &task);
            }
            crate::engine::video::serve(&state, &task, &headers)
        }
        Some(_) => {
            let message = "Video is not ready yet";
            error(
                StatusCode::CONFLICT,
                "invalid_request_error",
                "not_ready",
                message,
            )
        }
        None => not_found(&id),
    }
}

/// `302 Found` to the video on the video host under another origin (`localhost` for
/// `127.0.0.1`).
fn elsewhere(state: &Engine, task: &FakeTask) -> Response {
    let link = crate::replies::video_url(state, task).replacen("127.0.0.1", "localhost", 1);
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = header::HeaderValue::from_str(&link) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn not_found(id: &str) -> Response {
    let message = format!("Video with id '{id}' not found.");
    error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        "not_found",
        &message,
    )
}

/// The `video` object at `now`.
fn video_object(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let render = state.config.render_time;
    let stage = task.stage_at(now, render);
    let elapsed = now.saturating_duration_since(task.started).as_secs_f64();
    let percent = (elapsed / render.as_secs_f64().max(0.001) * 100.0).clamp(0.0, 99.0);
    let created = task.created_ms / 1000;
    let (status, progress) = match stage {
        Stage::Submitted => ("queued", 0.0),
        Stage::Processing => ("in_progress", percent),
        Stage::Succeed => ("completed", 100.0),
        Stage::Failed => ("failed", percent),
    };
    let done_at = unix_now();
    let finished = matches!(stage, Stage::Succeed);
    let problem = matches!(stage, Stage::Failed).then(|| {
        json!({"code": "moderation_blocked",
               "message": "Your request was blocked by our moderation system."})
    });
    let asked = |key: &str| task.asked.as_ref().map_or(Value::Null, |a| a[key].clone());
    json!({
        "id": task.id, "object": "video", "model": asked("model"), "status": status,
        "progress": progress.floor() as u64, "created_at": created,
        "completed_at": finished.then_some(done_at),
        "expires_at": finished.then_some(done_at + RETENTION.as_secs()),
        "prompt": asked("prompt"), "size": asked("size"),
        "seconds": task.duration_secs.to_string(),
        "remixed_from_video_id": null, "error": problem,
    })
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// The create's fields from a JSON object or a multipart form (text parts only; a file part
/// is recorded as `true`).
fn fields(headers: &HeaderMap, body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = kind.split("boundary=").nth(1) {
        return multipart_fields(body, boundary.trim_matches('"'));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn multipart_fields(body: &[u8], boundary: &str) -> Option<serde_json::Map<String, Value>> {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text.split(&format!("--{boundary}")).skip(1) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let field = if head.contains("filename=") {
            Value::Bool(true)
        } else {
            Value::String(value.to_owned())
        };
        fields.insert(name.to_owned(), field);
    }
    (!fields.is_empty()).then_some(fields)
}
