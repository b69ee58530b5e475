//! Kling's legacy endpoints: `POST /v1/videos/{family}` (create), `GET
//! /v1/videos/{family}/{id}` (one task, by task id or external id), `GET
//! /v1/videos/{family}?pageNum&pageSize` (the list, newest first).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::auth;
use super::validate::{Create, validate};
use crate::engine::callback::spawn_callbacks;
use crate::engine::{AtomicCounters, Engine, NewTask, TaskKind};
use crate::faults::{after_auth, before_auth, kling_shape, refuse_submission};
use crate::replies::{envelope, kling_error, reply, request_id, task_object};

/// The task kind of an endpoint family.
fn kind_of(family: &str) -> Option<TaskKind> {
    match family {
        "text2video" => Some(TaskKind::Text),
        "image2video" => Some(TaskKind::Image),
        _ => None,
    }
}

/// Faults, credentials, then the family (anything else is Kling's "request method
/// invalid"): what every Kling call passes first.
async fn admit(
    state: &Engine,
    headers: &HeaderMap,
    path: &str,
    family: &str,
) -> Result<TaskKind, Box<Response>> {
    let refused = match before_auth(state, path).await {
        Some(refusal) => Some(refusal),
        None => auth::refusal(state, headers).or_else(|| after_auth(state, kling_shape)),
    };
    if let Some(refusal) = refused {
        return Err(Box::new(refusal));
    }
    kind_of(family).ok_or_else(|| {
        Box::new(kling_error(
            StatusCode::NOT_FOUND,
            1202,
            "request method invalid",
        ))
    })
}

/// `POST /v1/videos/{family}`.
pub(crate) async fn create(
    State(state): State<Arc<Engine>>,
    Path(family): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/v1/videos/{family}");
    let kind = match admit(&state, &headers, &path, &family).await {
        Ok(kind) => kind,
        Err(refusal) => return *refusal,
    };
    AtomicCounters::bump(&state.counters.submissions_received);
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return kling_error(
            StatusCode::BAD_REQUEST,
            1200,
            "request body is not valid JSON",
        );
    };
    let create = match validate(kind, &body) {
        Ok(create) => create,
        Err((1203, message)) => return kling_error(StatusCode::NOT_FOUND, 1203, &message),
        Err((code, message)) => return kling_error(StatusCode::BAD_REQUEST, code, &message),
    };
    if let Some(refusal) = refuse_submission(&state, kling_shape) {
        return refusal;
    }
    let response = accept(&state, kind, create);
    let delay = state.config.faults.create_reply_delay;
    if !delay.is_zero() && response.status().is_success() {
        tokio::time::sleep(delay).await;
    }
    response
}

/// Creates the task and answers Kling's create reply (cut off when a dropped reply is due).
fn accept(state: &Arc<Engine>, kind: TaskKind, create: Create) -> Response {
    let fails = create.prompt.contains(state.config.fail_marker.as_str());
    if kind == TaskKind::Image {
        AtomicCounters::bump(&state.counters.image_submissions);
    }
    let created = state.create_task(NewTask {
        kind,
        fails,
        duration_secs: create.duration_secs,
        callback_url: create.callback_url,
        external_id: create.external_id,
        id_of: crate::engine::decimal_id,
        asked: None,
    });
    let Some(task) = created else {
        return kling_error(
            StatusCode::BAD_REQUEST,
            1201,
            "invalid parameter: external_task_id already exists",
        );
    };
    spawn_callbacks(state, &task, true, |engine, task, at| {
        task_object(engine, task, at).to_string()
    });
    let full = task_object(state, &task, task.started);
    let data = json!({
        "task_id": full["task_id"],
        "task_status": full["task_status"],
        "task_info": full["task_info"],
        "created_at": full["created_at"],
        "updated_at": full["updated_at"],
    });
    let body = envelope(data, request_id(&task.id));
    crate::replies::created(state, &body)
}

/// `GET /v1/videos/{family}/{id}`: by task id, else by external id (only within the family).
pub(crate) async fn query(
    State(state): State<Arc<Engine>>,
    Path((family, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v1/videos/{family}/{id}");
    let kind = match admit(&state, &headers, &path, &family).await {
        Ok(kind) => kind,
        Err(refusal) => return *refusal,
    };
    AtomicCounters::bump(&state.counters.queries);
    if kind == TaskKind::Image {
        AtomicCounters::bump(&state.counters.image_queries);
    }
    let Some(task) = state
        .task_by_any_id(kind, &id)
        .or_else(|| mismatched(&state, kind))
    else {
        return kling_error(StatusCode::NOT_FOUND, 1203, "task not found");
    };
    if task.id != id {
        AtomicCounters::bump(&state.counters.lookups);
    }
    let now = Instant::now();
    let data = task_object(&state, &task, now);
    let status = data["task_status"].as_str().unwrap_or_default().to_owned();
    reply(
        &state,
        &envelope(data, request_id(&format!("{id}/{status}"))),
    )
}

/// `GET /v1/videos/{family}?pageNum=&pageSize=`: pages of 1–500 tasks, newest first.
pub(crate) async fn list(
    State(state): State<Arc<Engine>>,
    Path(family): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let paging: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let path = format!("/v1/videos/{family}");
    let kind = match admit(&state, &headers, &path, &family).await {
        Ok(kind) => kind,
        Err(refusal) => return *refusal,
    };
    AtomicCounters::bump(&state.counters.list_requests);
    let number = |name: &str, default: usize, max: usize| match paging.get(name) {
        None => Some(default),
        Some(text) => text.parse::<usize>().ok().filter(|n| (1..=max).contains(n)),
    };
    let (Some(page), Some(size)) = (number("pageNum", 1, 1000), number("pageSize", 30, 500)) else {
        return kling_error(
            StatusCode::BAD_REQUEST,
            1201,
            "invalid parameter: pageNum must be 1-1000 and pageSize 1-500",
        );
    };
    let now = Instant::now();
    if state.config.faults.endless_list_pages {
        AtomicCounters::bump(&state.counters.faults_injected);
        let tasks = (0..size).map(filler_task).collect();
        return reply(
            &state,
            &envelope(Value::Array(tasks), request_id("list/endless")),
        );
    }
    let tasks: Vec<Value> = state
        .list(kind, page, size)
        .iter()
        .map(|task| task_object(&state, task, now))
        .collect();
    reply(
        &state,
        &envelope(Value::Array(tasks), request_id(&format!("list/{page}"))),
    )
}

/// With the mismatched-lookups fault: the newest task of `kind`, its reference stripped.
fn mismatched(state: &Engine, kind: TaskKind) -> Option<crate::engine::FakeTask> {
    if !state.config.faults.mismatched_lookups {
        return None;
    }
    AtomicCounters::bump(&state.counters.faults_injected);
    let mut task = state.list(kind, 1, 1).into_iter().next()?;
    task.external_id = None;
    Some(task)
}

/// A task on an endless list page: someone else's, finished long ago.
fn filler_task(number: usize) -> Value {
    json!({
        "task_id": format!("9{number:017}"),
        "task_status": "succeed",
        "task_status_msg": "",
        "task_info": { "external_task_id": format!("someone-else-{number}") },
        "created_at": 1_700_000_000_000_u64,
        "updated_at": 1_700_000_000_000_u64,
    })
}
