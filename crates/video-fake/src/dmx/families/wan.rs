//! Wan 2.6 (`wan2.6-t2v`, `wan2.6-i2v` → `wan2.6-get`): DashScope's `input` and
//! `parameters`; its task `output` as the envelope's text (`dmx-wan-2.6_*`).

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{
    Answer, Fields, Front, RelayFamily, check_image, enveloped, int_in, one_of, relay_shape, text,
};
use crate::engine::{Engine, FakeTask, Stage};
use crate::replies::{request_id, video_url};

const SIZES: [&str; 10] = [
    "1280*720",
    "720*1280",
    "960*960",
    "1088*832",
    "832*1088",
    "1920*1080",
    "1080*1920",
    "1440*1440",
    "1632*1248",
    "1248*1632",
];

pub(super) static FRONT: Front = Front {
    family: RelayFamily::Wan,
    submit_models: &["wan2.6-t2v", "wan2.6-i2v"],
    query_models: &["wan2.6-get"],
    id_of: |n| {
        format!(
            "{:08x}-ef78-48cd-863c-{:012x}",
            n >> 32,
            n & 0xffff_ffff_ffff
        )
    },
    validate,
    submitted: |_, task, _, _| {
        let inner = json!({ "task_id": task.id, "task_status": "PENDING" });
        enveloped(&inner, &request_id(&task.id), 100_000)
    },
    answer: Answer::Json(queried),
    shape: relay_shape,
};

fn validate(model: &str, body: &Value) -> Result<Fields, String> {
    let input = body
        .get("input")
        .filter(|i| i.is_object())
        .ok_or("invalid parameter: input must be an object")?;
    let empty = json!({});
    let parameters = body.get("parameters").unwrap_or(&empty);
    let prompt = text(input, "prompt")?.unwrap_or_default().to_owned();
    if prompt.trim().is_empty() {
        return Err("invalid parameter: input.prompt is required".to_owned());
    }
    let image = text(input, "img_url")?;
    if model == "wan2.6-i2v" {
        check_image(
            "img_url",
            image.ok_or("invalid parameter: input.img_url is required")?,
            true,
        )?;
        one_of(parameters, "resolution", &["720P", "1080P"])?;
    } else {
        one_of(parameters, "size", &SIZES)?;
    }
    let duration = int_in(parameters, "duration", 2..=15)?.unwrap_or(5);
    int_in(parameters, "seed", 0..=2_147_483_647)?;
    Ok(Fields {
        prompt,
        duration_secs: u64::try_from(duration).unwrap_or(5),
        image: image.is_some(),
        callback_url: None,
    })
}

/// DashScope's task output, in the envelope's text.
fn queried(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let stage = task.stage_at(now, state.config.render_time);
    let mut inner = json!({
        "task_id": task.id,
        "submit_time": "2026-12-04 13:37:18.020",
        "task_status": match stage {
            Stage::Submitted => "PENDING",
            Stage::Processing => "RUNNING",
            Stage::Succeed => "SUCCEEDED",
            Stage::Failed => "FAILED",
        },
    });
    match stage {
        Stage::Succeed => inner["video_url"] = json!(video_url(state, task)),
        Stage::Failed => {
            inner["code"] = json!("DataInspectionFailed");
            inner["message"] = json!("Output data may contain inappropriate content.");
        }
        _ => {}
    }
    enveloped(&inner, &request_id(&format!("{}/{now:?}", task.id)), 0)
}
