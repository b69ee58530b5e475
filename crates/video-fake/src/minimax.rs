//! MiniMax's own video API (v1, `../shared/protocol/minimax.md`) on the shared engine, under
//! `/minimax`: `POST /v1/video_generation`, `GET /v1/query/video_generation?task_id=`
//! (`Preparing` → `Queueing` → `Processing` → `Success` with a `file_id`, or `Fail` with
//! 1027), `GET /v1/files/retrieve?file_id=` (a keyless link that lives
//! [`link_lifetime`](crate::FakeRelayConfig::link_lifetime)). Its errors are MiniMax's:
//! HTTP 200 with a `base_resp` code (1004 for a wrong key, 1002 for a rate limit, 2013 for
//! parameters), as MiniMax answers. The shared faults apply.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::dmx::families::hailuo::{file_id, file_object, file_task, minimax_rules};
use crate::dmx::families::text;
use crate::engine::{ApiFront, AtomicCounters, Engine, FakeTask, NewTask, Stage, TaskKind};
use crate::faults::{Refusal, after_auth, before_auth, refuse_submission};
use crate::replies::{json_response, query_param, reply};

const KIND: TaskKind = TaskKind::Api(ApiFront::MiniMax);

/// The front's routes.
pub(crate) fn routes() -> Router<Arc<Engine>> {
    Router::new()
        .route("/minimax/v1/video_generation", post(create))
        .route("/minimax/v1/query/video_generation", get(query))
        .route("/minimax/v1/files/retrieve", get(retrieve))
}

fn base_resp(code: i64, message: &str) -> Value {
    json!({ "status_code": code, "status_msg": message })
}

/// MiniMax's refusals: HTTP 200 with a `base_resp` code.
fn minimax_shape(_status: StatusCode, refusal: Refusal, message: &str) -> Response {
    let code = match refusal {
        Refusal::ServerError => 1000,
        Refusal::RateLimited | Refusal::Concurrency => 1002,
        Refusal::UnknownCode(code) => code,
        Refusal::Invalid => 2013,
    };
    json_response(
        StatusCode::OK,
        &json!({ "base_resp": base_resp(code, message) }),
    )
}

/// Faults, then `Authorization: Bearer <key>` (a wrong key: 1004 with HTTP 200).
async fn admit(state: &Engine, headers: &HeaderMap, path: &str) -> Result<(), Response> {
    if let Some(refusal) = before_auth(state, path).await {
        return Err(refusal);
    }
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if sent == Some(format!("Bearer {}", state.config.key).as_str()) {
        return after_auth(state, minimax_shape).map_or(Ok(()), Err);
    }
    AtomicCounters::bump(&state.counters.auth_failures);
    let message = "login fail: Please carry the API secret key in the 'Authorization' field of the request header";
    Err(json_response(
        StatusCode::OK,
        &json!({ "task_id": "", "base_resp": base_resp(1004, message) }),
    ))
}

/// The create's checks: a v1 model, then MiniMax's rules (shared with the relay's family).
fn validate(body: &Value) -> Result<(String, u64, bool), String> {
    let model = text(body, "model")?.unwrap_or_default();
    let models = [
        "MiniMax-Hailuo-2.3",
        "MiniMax-Hailuo-2.3-Fast",
        "MiniMax-Hailuo-02",
    ];
    if !models.contains(&model) {
        return Err(format!("invalid params: model {model} is not supported"));
    }
    minimax_rules(model, body, "prompt")
}

async fn create(State(state): State<Arc<Engine>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/minimax/v1/video_generation").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.submissions_received);
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (prompt, duration_secs, image) = match validate(&request) {
        Ok(fields) => fields,
        Err(message) => return minimax_shape(StatusCode::OK, Refusal::Invalid, &message),
    };
    if let Some(refusal) = refuse_submission(&state, minimax_shape) {
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
        id_of: |number| number.to_string(),
        asked: None,
    });
    let Some(task) = created else {
        return minimax_shape(StatusCode::OK, Refusal::Invalid, "duplicate");
    };
    let body = json!({ "task_id": task.id, "base_resp": base_resp(0, "success") });
    crate::replies::created(&state, &body)
}

async fn query(
    State(state): State<Arc<Engine>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/minimax/v1/query/video_generation").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.queries);
    let id = query_param(raw.as_deref(), "task_id").unwrap_or_default();
    match state.task(&id).filter(|task| task.kind == KIND) {
        Some(task) => reply(&state, &queried(&state, &task, Instant::now())),
        None => minimax_shape(
            StatusCode::OK,
            Refusal::Invalid,
            "invalid params: task not found",
        ),
    }
}

/// The query object: `Preparing` for the first twentieth of the render, `Queueing` to the
/// tenth, `Processing`, then `Success` (a `file_id`) or `Fail` (1027).
fn queried(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let render = state.config.render_time;
    let stage = task.stage_at(now, render);
    let early = now.saturating_duration_since(task.started) < render / 20;
    let (status, resp) = match stage {
        Stage::Submitted if early => ("Preparing", base_resp(0, "success")),
        Stage::Submitted => ("Queueing", base_resp(0, "success")),
        Stage::Processing => ("Processing", base_resp(0, "success")),
        Stage::Succeed => ("Success", base_resp(0, "success")),
        Stage::Failed => ("Fail", base_resp(1027, "output new_sensitive")),
    };
    let done = stage == Stage::Succeed;
    let mut object = json!({ "task_id": task.id, "status": status, "base_resp": resp });
    if done {
        object["file_id"] = json!(file_id(task));
        object["video_width"] = json!(1366);
        object["video_height"] = json!(768);
    }
    object
}

/// `files/retrieve`: a fresh short-lived, keyless link for the file.
async fn retrieve(
    State(state): State<Arc<Engine>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&state, &headers, "/minimax/v1/files/retrieve").await {
        return refusal;
    }
    AtomicCounters::bump(&state.counters.lookups);
    let file = query_param(raw.as_deref(), "file_id").and_then(|file| file.parse::<u64>().ok());
    let Some(task) = file_task(&state, file, KIND) else {
        return minimax_shape(
            StatusCode::OK,
            Refusal::Invalid,
            "invalid params: file not found",
        );
    };
    let body = json!({ "file": file_object(&state, &task), "base_resp": base_resp(0, "success") });
    reply(&state, &body)
}
