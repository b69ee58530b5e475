//! Seedance 2.0 (`doubao-seedance-2-0-260128`, `-fast-260128` → `seedance-2-0-get`): a flat
//! `{"id": "cgt-…", "usage"}`, then Ark's task as text (`dmx-seedance-2_*`).

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{
    Answer, Fields, Front, RelayFamily, check_image, enveloped, int_in, one_of, relay_shape, usage,
};
use crate::engine::{Engine, FakeTask, Stage};
use crate::replies::video_url;

const FAST: &str = "doubao-seedance-2-0-fast-260128";

pub(super) static FRONT: Front = Front {
    family: RelayFamily::Seedance,
    submit_models: &["doubao-seedance-2-0-260128", FAST],
    query_models: &["seedance-2-0-get"],
    id_of: |number| format!("cgt-20261204000000-{number:x}"),
    validate,
    submitted: |_, task, _, _| json!({ "id": task.id, "usage": usage(50_000) }),
    answer: Answer::Json(queried),
    shape: relay_shape,
};

fn validate(model: &str, body: &Value) -> Result<Fields, String> {
    let Some(items) = body.get("input").and_then(Value::as_array) else {
        return Err("invalid parameter: input must be a list of content items".to_owned());
    };
    let mut fields = Fields::default();
    for item in items {
        match item.get("type").and_then(Value::as_str) {
            Some("text") => {
                fields.prompt = item["text"].as_str().unwrap_or_default().to_owned();
            }
            Some(kind @ ("image_url" | "video_url" | "audio_url")) => {
                let url = item[kind]["url"].as_str().unwrap_or_default();
                if !url.starts_with("asset://") {
                    check_image(kind, url, true)
                        .or_else(|e| if kind == "image_url" { Err(e) } else { Ok(()) })?;
                }
                let role = item["role"].as_str().unwrap_or_default();
                let roles = [
                    "first_frame",
                    "last_frame",
                    "reference_image",
                    "reference_video",
                    "reference_audio",
                ];
                if !roles.contains(&role) {
                    return Err(format!("invalid parameter: unknown role `{role}`"));
                }
                fields.image |= role == "first_frame";
            }
            _ => return Err("invalid parameter: unknown content item type".to_owned()),
        }
    }
    if fields.prompt.trim().is_empty() && !fields.image {
        return Err("invalid parameter: a text item is required".to_owned());
    }
    one_of(
        body,
        "ratio",
        &["16:9", "4:3", "1:1", "3:4", "9:16", "21:9", "adaptive"],
    )?;
    let tiers: &[&str] = if model == FAST {
        &["480p", "720p"]
    } else {
        &["480p", "720p", "1080p", "4k"]
    };
    one_of(body, "resolution", tiers)?;
    let shortest = if model == FAST { -1 } else { 4 };
    let duration = int_in(body, "duration", shortest..=15)?.unwrap_or(5);
    fields.duration_secs = u64::try_from(duration).unwrap_or(5);
    fields.callback_url = body["callback_url"].as_str().map(str::to_owned);
    Ok(fields)
}

/// Ark's task, in the envelope's text: `queued`, `running`, `succeeded` with
/// `content.video_url`, or `failed` with an output-policy error.
fn queried(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let stage = task.stage_at(now, state.config.render_time);
    let mut inner = json!({ "id": task.id, "model": "doubao-seedance-2-0-260128" });
    inner["status"] = json!(match stage {
        Stage::Submitted => "queued",
        Stage::Processing => "running",
        Stage::Succeed => "succeeded",
        Stage::Failed => "failed",
    });
    match stage {
        Stage::Succeed => inner["content"] = json!({ "video_url": video_url(state, task) }),
        Stage::Failed => {
            inner["error"] = json!({
                "code": "OutputVideoSensitiveContentDetected",
                "message": "The request failed because the output video may contain sensitive information.",
            });
        }
        _ => {}
    }
    enveloped(&inner, &task.id, 0)
}
