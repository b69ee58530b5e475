//! Runway's task API (`../shared/protocol/runway.md`) on the shared engine, under `/runway`:
//! `POST /v1/text_to_video` and `/v1/image_to_video` (`{"id"}`), `GET /v1/tasks/{id}`
//! (`PENDING`, or `THROTTLED` while more than
//! [`max_running_tasks`](crate::Faults::max_running_tasks) tasks run, `RUNNING` with a 0–1
//! `progress`, `SUCCEEDED` with keyless `output` URLs, `FAILED` with a `SAFETY.*`
//! `failureCode`, `CANCELLED`), and `DELETE /v1/tasks/{id}` (cancels a running task: counted
//! in [`Counters::cancels`](crate::Counters::cancels); deletes a finished one). Every call
//! needs `Authorization: Bearer <key>` and `X-Runway-Version`. The shared faults apply.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::engine::{ApiFront, AtomicCounters, Engine, FakeTask, NewTask, Stage, TaskKind};
use crate::faults::{Refusal, after_auth, before_auth, refuse_submission};
use crate::replies::{json_response, reply, video_url};

const KIND: TaskKind = TaskKind::Api(ApiFront::Runway);
const RATIOS: [&str; 8] = [
    "1280:720",
    "720:1280",
    "1104:832",
    "832:1104",
    "960:960",
    "1584:672",
    "1920:1080",
    "1080:1920",
];

/// The front's routes.
pub(crate) fn routes() -> Router<Arc<Engine>> {
    Router::new()
        .route("/runway/v1/text_to_video", post(text_to_video))
        .route("/runway/v1/image_to_video", post(image_to_video))
        .route("/runway/v1/tasks/{id}", get(task).delete(cancel))
}

fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "error": message }))
}

fn runway_shape(status: StatusCode, refusal: Refusal, message: &str) -> Response {
    let status = match refusal {
        Refusal::Invalid => StatusCode::BAD_REQUEST,
        Refusal::UnknownCode(_) => StatusCode::BAD_REQUEST,
        _ => status,
    };
    error(status, message)
}

/// Faults, then the version header and `Authorization: Bearer <key>`.
async fn admit(state: &Engine, headers: &HeaderMap, path: &str) -> Result<(), Response> {
    if let Some(refusal) = before_auth(state, path).await {
        return Err(refusal);
    }
    if !headers.contains_key("x-runway-version") {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "X-Runway-Version header is required",
        ));
    }
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if sent == Some(format!("Bearer {}", state.config.key).as_str()) {
        return after_auth(state, runway_shape).map_or(Ok(()), Err);
    }
    AtomicCounters::bump(&state.counters.auth_failures);
    Err(error(StatusCode::UNAUTHORIZED, "Invalid API key"))
}

async fn text_to_video(state: State<Arc<Engine>>, headers: HeaderMap, body: Bytes) -> Response {
    create(state, headers, body, false).await
}

async fn image_to_video(state: State<Arc<Engine>>, headers: HeaderMap, body: Bytes) -> Response {
    create(state, headers, body, true).await
}

fn validate(body: &Value, image: bool) -> Result<(String, u64), String> {
    let prompt = body["promptText"].as_str().unwrap_or_default().to_owned();
    if body["model"].as_str().is_none_or(str::is_empty) {
        return Err("model is required".to_owned());
    }
    if image == body["promptImage"].is_null() {
        return Err(if image {
            "promptImage is required"
        } else {
            "promptImage is not accepted here"
        }
        .to_owned());
    }
    if !image && prompt.trim().is_empty() {
        return Err("promptText is required".to_owned());
    }
    let ratio = body["ratio"].as_str().unwrap_or_default();
    if !RATIOS.contains(&ratio) {
        return Err(format!("ratio must be one of {}", RATIOS.join(", ")));
    }
    let duration = body["duration"].as_u64().unwrap_or(5);
    if !(2..=10).contains(&duration) {
        return Err("duration must be between 2 and 10".to_owned());
    }
    Ok((prompt, duration))
}

async fn create(
    State(state): State<Arc<Engine>>,
    headers: HeaderMap,
    body: Bytes,
    image: bool,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/runway/v1/text_to_video").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.submissions_received);
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (prompt, duration_secs) = match validate(&request, image) {
        Ok(fields) => fields,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    // Over the concurrency limit a task is accepted and THROTTLED, not refused: only the
    // forced refusals and rate limits answer 429 here.
    let limit = state.config.faults.max_running_tasks;
    if limit.is_none()
        && let Some(refusal) = refuse_submission(&state, runway_shape)
    {
        return refusal;
    }
    if image {
        AtomicCounters::bump(&state.counters.image_submissions);
    }
    let created = state.create_task(NewTask {
        kind: KIND,
        fails: prompt.contains(state.config.fail_marker.as_str()),
        duration_secs,
        callback_url: None,
        external_id: None,
        id_of: uuid_of,
        asked: None,
    });
    let Some(task) = created else {
        return error(StatusCode::CONFLICT, "duplicate");
    };
    let body = json!({ "id": task.id });
    crate::replies::created(&state, &body)
}

/// A UUID-shaped id from the task's number.
fn uuid_of(number: u64) -> String {
    let hex = format!("{number:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

async fn task(
    State(state): State<Arc<Engine>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/runway/v1/tasks/{id}").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.queries);
    match state.task(&id).filter(|task| task.kind == KIND) {
        Some(task) => reply(&state, &object(&state, &task, Instant::now())),
        None => error(StatusCode::NOT_FOUND, "Task not found"),
    }
}

/// The task object at `now`.
fn object(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let render = state.config.render_time;
    let created = time_text(task.created_ms);
    if task.cancelled {
        return json!({ "id": task.id, "createdAt": created, "status": "CANCELLED" });
    }
    let elapsed = now.saturating_duration_since(task.started).as_secs_f64();
    match task.stage_at(now, render) {
        Stage::Submitted if throttled(state) => {
            json!({ "id": task.id, "createdAt": created, "status": "THROTTLED" })
        }
        Stage::Submitted => json!({ "id": task.id, "createdAt": created, "status": "PENDING" }),
        Stage::Processing => json!({
            "id": task.id, "createdAt": created, "status": "RUNNING",
            "progress": (elapsed / render.as_secs_f64().max(0.001)).clamp(0.0, 0.99),
        }),
        Stage::Succeed => json!({
            "id": task.id, "createdAt": created, "status": "SUCCEEDED",
            "output": [video_url(state, task)],
        }),
        Stage::Failed => json!({
            "id": task.id, "createdAt": created, "status": "FAILED",
            "failure": "Your request was blocked by this model provider's content moderation system.",
            "failureCode": "SAFETY.INPUT.TEXT",
        }),
    }
}

/// Whether the organisation runs more tasks than its concurrency limit allows.
fn throttled(state: &Engine) -> bool {
    state
        .config
        .faults
        .max_running_tasks
        .is_some_and(|limit| state.running_tasks() > limit)
}

/// Unix ms as RFC 3339 text (`2025-11-11T21:48:50.448Z`).
fn time_text(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = video_wire::calendar::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        ms % 1000
    )
}

/// `DELETE /v1/tasks/{id}`: cancels a running task, deletes a finished one (204 both).
async fn cancel(
    State(state): State<Arc<Engine>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/runway/v1/tasks/{id}").await {
        return refusal;
    }
    let render = state.config.render_time;
    match state.task(&id).filter(|task| task.kind == KIND) {
        Some(task) if task.cancelled || task.stage_at(Instant::now(), render).is_final() => {
            state.remove(&id);
            StatusCode::NO_CONTENT.into_response()
        }
        Some(_) => {
            state.cancel(&id);
            StatusCode::NO_CONTENT.into_response()
        }
        None => error(StatusCode::NOT_FOUND, "Task not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_times_look_like_runways() {
        assert_eq!(uuid_of(1).len(), 36);
        assert_eq!(time_text(1_762_897_730_448), "2025-11-11T21:48:50.448Z");
    }
}
