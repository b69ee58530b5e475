//! PixVerse V6 (`PixVerse-V6` → `paiwo-get`), text-to-video: a flat `{"video_id": number}`,
//! then PixVerse's raw `{ErrCode, ErrMsg, Resp}` with `status` 5 (generating), 1 (done) or 7
//! (moderation) (`dmx-pixverse-v6_*`).

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Answer, Fields, Front, RelayFamily, int_in, one_of, relay_shape, text, usage};
use crate::engine::{Engine, FakeTask, Stage, decimal_id};
use crate::replies::video_url;

pub(super) static FRONT: Front = Front {
    family: RelayFamily::PixVerse,
    submit_models: &["PixVerse-V6"],
    query_models: &["paiwo-get"],
    id_of: |number| decimal_id(number + 404_000_000_000_000),
    validate,
    submitted: |_, task, _, _| {
        // The id as the JSON number the relay sends (as text when it is not one).
        let id = task
            .id
            .parse::<u64>()
            .map_or_else(|_| json!(task.id), |n| json!(n));
        json!({ "video_id": id, "credits": 45, "usage": usage(135_000) })
    },
    answer: Answer::Json(queried),
    shape: relay_shape,
};

fn validate(_model: &str, body: &Value) -> Result<Fields, String> {
    let prompt = text(body, "input")?.unwrap_or_default().to_owned();
    if prompt.trim().is_empty() {
        return Err("invalid parameter: input is required".to_owned());
    }
    let duration =
        int_in(body, "duration", 1..=15)?.ok_or("invalid parameter: duration is required")?;
    if body.get("quality").is_none() {
        return Err("invalid parameter: quality is required".to_owned());
    }
    one_of(body, "quality", &["360p", "540p", "720p", "1080p"])?;
    one_of(
        body,
        "aspect_ratio",
        &["16:9", "9:16", "4:3", "3:4", "1:1", "2:3", "3:2", "21:9"],
    )?;
    Ok(Fields {
        prompt,
        duration_secs: u64::try_from(duration).unwrap_or(5),
        image: false,
        callback_url: None,
    })
}

/// PixVerse's raw object: `status` 5 while generating (no URL yet), 1 with the URL, 7 for a
/// moderation failure.
fn queried(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let stage = task.stage_at(now, state.config.render_time);
    let (status, url) = match stage {
        Stage::Submitted | Stage::Processing => (5, String::new()),
        Stage::Succeed => (1, video_url(state, task)),
        Stage::Failed => (7, String::new()),
    };
    let done = stage == Stage::Succeed;
    json!({
        "ErrCode": 0,
        "ErrMsg": "Success",
        "Resp": {
            "id": task.id.parse::<u64>().map_or_else(|_| json!(task.id), |n| json!(n)),
            "url": url,
            "status": status,
            "seed": 413_618_676,
            "create_time": "2026-12-04T13:02:10Z",
            "outputWidth": if done { 640 } else { 0 },
            "outputHeight": if done { 360 } else { 0 },
            "has_audio": false,
            "credits": 7,
        },
    })
}
