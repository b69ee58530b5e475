//! MiniMax Hailuo (`MiniMax-Hailuo-2.3`, `-2.3-Fast`, `-02` → `MiniMax-Hailuo-query`, then
//! `MiniMax-Hailuo-get`): MiniMax's flat objects with `base_resp` (its errors answered with
//! HTTP 200) and a `file_id` whose download link is short-lived (`dmx-minimax-hailuo_*`).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Answer, Fields, Front, RelayFamily, check_image, int_in, one_of, text, usage};
use crate::engine::{Engine, FakeTask, Stage, TaskKind, decimal_id};
use crate::faults::Refusal;
use crate::replies::{json_response, link_url, reply};

/// The model that mints a download link.
pub(crate) const LINK_MODEL: &str = "MiniMax-Hailuo-get";
/// File ids are the task's number plus this (decimal, like MiniMax's).
const FILE_OFFSET: u64 = 1_000_000_000_000;

pub(super) static FRONT: Front = Front {
    family: RelayFamily::Hailuo,
    submit_models: &[
        "MiniMax-Hailuo-2.3",
        "MiniMax-Hailuo-2.3-Fast",
        "MiniMax-Hailuo-02",
    ],
    query_models: &["MiniMax-Hailuo-query"],
    id_of: decimal_id,
    validate,
    submitted: |_, task, _, _| json!({ "task_id": task.id, "base_resp": ok(), "usage": usage(35_000) }),
    answer: Answer::Json(queried),
    shape: minimax_shape,
};

fn ok() -> Value {
    json!({ "status_code": 0, "status_msg": "success" })
}

/// MiniMax's refusals: HTTP 200 with a `base_resp` code (1002 rate limit, 2013 invalid
/// parameters, 1000 server error), as MiniMax answers.
fn minimax_shape(_status: StatusCode, refusal: Refusal, message: &str) -> Response {
    let code = match refusal {
        Refusal::ServerError => 1000,
        Refusal::RateLimited | Refusal::Concurrency => 1002,
        Refusal::UnknownCode(code) => code,
        Refusal::Invalid => 2013,
    };
    let body =
        json!({ "base_resp": { "status_code": code, "status_msg": message }, "usage": usage(0) });
    json_response(StatusCode::OK, &body)
}

fn validate(model: &str, body: &Value) -> Result<Fields, String> {
    let (prompt, duration_secs, image) = minimax_rules(model, body, "input")?;
    Ok(Fields {
        prompt,
        duration_secs,
        image,
        callback_url: None,
    })
}

/// MiniMax's create checks (written from the notes), shared with the direct front:
/// `prompt_key` names the prompt's field. The prompt, the length and whether a frame came.
pub(crate) fn minimax_rules(
    model: &str,
    body: &Value,
    prompt_key: &str,
) -> Result<(String, u64, bool), String> {
    let prompt = text(body, prompt_key)?.unwrap_or_default().to_owned();
    let first = text(body, "first_frame_image")?;
    for key in ["first_frame_image", "last_frame_image"] {
        if let Some(image) = text(body, key)? {
            check_image(key, image, true)?;
        }
    }
    if first.is_none() && (prompt.trim().is_empty() || model == "MiniMax-Hailuo-2.3-Fast") {
        return Err("invalid params: first_frame_image is required".to_owned());
    }
    let duration = int_in(body, "duration", 6..=10)?.unwrap_or(6);
    if duration != 6 && duration != 10 {
        return Err("invalid params: duration must be 6 or 10".to_owned());
    }
    one_of(body, "resolution", &["512P", "768P", "1080P"])?;
    if body["resolution"] == "1080P" && duration != 6 {
        return Err("invalid params: 1080P supports 6 s only".to_owned());
    }
    Ok((
        prompt,
        u64::try_from(duration).unwrap_or(6),
        first.is_some(),
    ))
}

/// MiniMax's query object: `Queueing`, `Processing`, `Success` with a `file_id`, or `Fail`
/// with the output-policy code in `base_resp`.
fn queried(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let stage = task.stage_at(now, state.config.render_time);
    let (status, base_resp) = match stage {
        Stage::Submitted => ("Queueing", ok()),
        Stage::Processing => ("Processing", ok()),
        Stage::Succeed => ("Success", ok()),
        Stage::Failed => (
            "Fail",
            json!({ "status_code": 1027, "status_msg": "output new_sensitive" }),
        ),
    };
    let done = stage == Stage::Succeed;
    json!({
        "base_resp": base_resp,
        "file_id": if done { file_id(task) } else { String::new() },
        "status": status,
        "task_id": task.id,
        "usage": usage(0),
        "video_height": if done { 1080 } else { 0 },
        "video_width": if done { 1920 } else { 0 },
    })
}

/// `MiniMax-Hailuo-get`: a fresh short-lived link for the file (its id a number here, a
/// string in the query reply, as documented).
pub(crate) fn mint(state: &Arc<Engine>, request: &Value) -> Response {
    let file = match request.pointer("/input/file_id") {
        Some(Value::String(id)) => id.parse::<u64>().ok(),
        Some(Value::Number(id)) => id.as_u64(),
        _ => None,
    };
    let task = file_task(state, file, TaskKind::Relay(RelayFamily::Hailuo));
    let Some(task) = task else {
        return minimax_shape(
            StatusCode::OK,
            Refusal::Invalid,
            "invalid params: file not found",
        );
    };
    reply(
        state,
        &json!({ "base_resp": ok(), "file": file_object(state, &task), "usage": usage(0) }),
    )
}

/// The finished task of `kind` behind MiniMax file number `file`, if there is one (MiniMax's
/// direct front and the relay's family number files alike).
pub(crate) fn file_task(state: &Engine, file: Option<u64>, kind: TaskKind) -> Option<FakeTask> {
    file.and_then(|file| file.checked_sub(FILE_OFFSET))
        .and_then(|number| state.task_by_number(number))
        .filter(|task| task.kind == kind)
        .filter(|task| task.stage_at(Instant::now(), state.config.render_time) == Stage::Succeed)
}

/// MiniMax's `file` object for a finished task, with a fresh short-lived link (its id a number
/// here, a string in the query reply, as documented).
pub(crate) fn file_object(state: &Engine, task: &FakeTask) -> Value {
    json!({
        "file_id": task.number + FILE_OFFSET,
        "bytes": 0,
        "created_at": task.created_ms / 1000,
        "filename": "output_aigc.mp4",
        "purpose": "video_generation",
        "download_url": link_url(state, task, state.mint_short_link()),
    })
}

/// The file id of a finished task, as the query reply writes it (a string).
pub(crate) fn file_id(task: &FakeTask) -> String {
    (task.number + FILE_OFFSET).to_string()
}
