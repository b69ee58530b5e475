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

/// How a family words its stream: the first event, an event every `stream_interval` while
/// the task renders (given its percent done), and the final events.
#[derive(Debug)]
pub(crate) struct StreamWords {
    pub(crate) created: fn(&FakeTask) -> Bytes,
    pub(crate) progress: fn(&FakeTask, u8) -> Bytes,
    pub(crate) completion: fn(&Engine, &FakeTask) -> Bytes,
}

/// Kling v2.6's: `response.created`, `response.in_progress` until the task ends, then
/// `response.output_text.delta`, `response.completed` and `data: [DONE]`.
static KLING_WORDS: StreamWords = StreamWords {
    created: |task| {
        let response_id = format!("resp_{}", task.id);
        event(
            "response.created",
            &in_progress("response.created", &response_id),
        )
    },
    progress: |task, _| {
        let response_id = format!("resp_{}", task.id);
        event(
            "response.in_progress",
            &in_progress("response.in_progress", &response_id),
        )
    },
    completion: |state, task| completion(state, task, &format!("resp_{}", task.id)),
};

/// The Kling v2.6 stream, held open until the task ends.
pub(crate) fn stream_reply(state: Arc<Engine>, task: FakeTask) -> Response {
    stream_with(state, task, &KLING_WORDS)
}

/// A stream in `words`, held open until the task ends.
pub(crate) fn stream_with(
    state: Arc<Engine>,
    task: FakeTask,
    words: &'static StreamWords,
) -> Response {
    let huge = state.config.faults.huge_reply_bytes;
    let events = futures::stream::unfold(Step::Created, move |step| {
        let state = Arc::clone(&state);
        let task = task.clone();
        async move { next_events(&state, &task, step, words).await }
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
    words: &StreamWords,
) -> Option<(Result<Bytes, std::io::Error>, Step)> {
    match step {
        Step::Created => Some((Ok((words.created)(task)), Step::Waiting)),
        Step::Waiting => {
            let render = state.config.render_time;
            if !task.stage_at(Instant::now(), render).is_final() {
                let finish = task.started + render;
                let tick = Instant::now() + state.config.stream_interval;
                tokio::time::sleep_until(tick.min(finish)).await;
            }
            let now = Instant::now();
            if task.stage_at(now, render).is_final() {
                Some((Ok((words.completion)(state, task)), Step::Done))
            } else {
                let elapsed = now.saturating_duration_since(task.started).as_secs_f64();
                let percent = (elapsed / render.as_secs_f64().max(1e-9) * 100.0).min(99.0) as u8;
                Some((Ok((words.progress)(task, percent)), Step::Waiting))
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

pub(crate) fn event(kind: &str, data: &Value) -> Bytes {
    Bytes::from(event_text(kind, data))
}

pub(crate) fn event_text(kind: &str, data: &Value) -> String {
    format!("event: {kind}\ndata: {data}\n\n")
}
