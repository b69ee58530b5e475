//! The streaming query: server-sent events held open until the task ends.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::engine::{Engine, FakeTask, Stage};
use crate::replies::{FAILURE_MESSAGE, padding_chunks, video_url};

/// Where the event stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Created,
    Waiting,
    Done,
}

/// `response.created`, `response.in_progress` every `stream_interval` until the task ends,
/// then `response.output_text.delta`, `response.completed` and `data: [DONE]`.
pub(crate) fn stream_reply(state: Arc<Engine>, task: FakeTask) -> Response {
    let huge = state.config.faults.huge_reply_bytes;
    let events = futures::stream::unfold(Step::Created, move |step| {
        let state = Arc::clone(&state);
        let task = task.clone();
        async move { next_events(&state, &task, step).await }
    });
    let body = if huge > 0 {
        // One endless-looking event first: a `data:` line of `huge` bytes.
        let head = "event: response.created\ndata: {\"type\":\"response.created\",\"padding\":\"";
        let padding = padding_chunks(head, huge, "\"}\n\n".to_owned());
        Body::from_stream(futures::StreamExt::chain(padding, events))
    } else {
        Body::from_stream(events)
    };
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn next_events(
    state: &Engine,
    task: &FakeTask,
    step: Step,
) -> Option<(Result<Bytes, std::io::Error>, Step)> {
    let response_id = format!("resp_{}", task.id);
    match step {
        Step::Created => {
            let created = event(
                "response.created",
                &in_progress("response.created", &response_id),
            );
            Some((Ok(created), Step::Waiting))
        }
        Step::Waiting => {
            let render = state.config.render_time;
            if !task.stage_at(Instant::now(), render).is_final() {
                let finish = task.started + render;
                let tick = Instant::now() + state.config.stream_interval;
                tokio::time::sleep_until(tick.min(finish)).await;
            }
            if task.stage_at(Instant::now(), render).is_final() {
                Some((Ok(completion(state, task, &response_id)), Step::Done))
            } else {
                let progress = event(
                    "response.in_progress",
                    &in_progress("response.in_progress", &response_id),
                );
                Some((Ok(progress), Step::Waiting))
            }
        }
        Step::Done => None,
    }
}

fn in_progress(kind: &str, response_id: &str) -> Value {
    json!({"type": kind, "response": {"id": response_id, "object": "response", "status": "in_progress", "output": []}})
}

/// The delta, the completed response carrying the outcome as text, and `[DONE]`.
fn completion(state: &Engine, task: &FakeTask, response_id: &str) -> Bytes {
    let stage = task.stage_at(Instant::now(), state.config.render_time);
    let mut text = if stage == Stage::Failed {
        format!(
            "任务ID: {}\n[错误] Kling API 错误: {FAILURE_MESSAGE}",
            task.id
        )
    } else {
        format!(
            "任务ID: {}\n视频链接: {}\n时长: {}.041",
            task.id,
            video_url(state, task),
            task.duration_secs
        )
    };
    if let Some(key) = state.echoed_key() {
        text.push_str(&format!(" (token {key})\n令牌: {key}"));
    }
    let delta =
        json!({"type": "response.output_text.delta", "delta": format!("任务ID: {}\n", task.id)});
    let completed = json!({"type": "response.completed", "response": {
        "id": response_id, "object": "response", "status": "completed",
        "output": [{"type": "message", "role": "assistant",
                    "content": [{"type": "output_text", "text": text}]}]}});
    let mut out = String::new();
    out.push_str(&event_text("response.output_text.delta", &delta));
    out.push_str(&event_text("response.completed", &completed));
    out.push_str("data: [DONE]\n\n");
    Bytes::from(out)
}

fn event(kind: &str, data: &Value) -> Bytes {
    Bytes::from(event_text(kind, data))
}

fn event_text(kind: &str, data: &Value) -> String {
    format!("event: {kind}\ndata: {data}\n\n")
}
