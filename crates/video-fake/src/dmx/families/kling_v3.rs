//! Kling v3 (`kling-v3` → `kling-v3-get-all`): the envelope with `{"taskId"}`, then Kling's
//! task object (`{code, message, data}`) as text (`dmx-kling-v3_*`).

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{
    Answer, Fields, Front, RelayFamily, check_image, enveloped, one_of, relay_shape, text,
};
use crate::engine::{Engine, FakeTask};
use crate::replies::{request_id, task_object};

pub(super) static FRONT: Front = Front {
    family: RelayFamily::KlingV3,
    submit_models: &["kling-v3"],
    // The query model before 2026-05-25 still answers.
    query_models: &["kling-v3-get-all", "kling-v3-get"],
    id_of: |number| format!("tsk-{number:x}"),
    validate,
    submitted: |_, task, _, _| {
        let inner = json!({ "taskId": task.id });
        enveloped(&inner, &task.id, 45_000)
    },
    answer: Answer::Json(queried),
    shape: relay_shape,
};

fn validate(_model: &str, body: &Value) -> Result<Fields, String> {
    let multi = body.get("multi_shot").and_then(Value::as_bool) == Some(true);
    let prompt = match body.get("input") {
        Some(Value::String(prompt)) => prompt.clone(),
        Some(Value::Array(shots)) if multi && !shots.is_empty() => String::new(),
        _ => return Err("invalid parameter: input must be a prompt".to_owned()),
    };
    let image = text(body, "image")?;
    if prompt.trim().is_empty() && !multi && image.is_none() {
        return Err("invalid parameter: input must not be empty".to_owned());
    }
    for key in ["image", "image_tail"] {
        if let Some(value) = text(body, key)? {
            check_image(key, value, false)?;
        }
    }
    let duration = match body.get("duration") {
        None => 5,
        Some(Value::String(s)) => s
            .parse::<u64>()
            .ok()
            .filter(|d| (3..=15).contains(d))
            .ok_or("invalid parameter: duration must be \"3\" to \"15\"".to_owned())?,
        Some(_) => return Err("invalid parameter: duration must be a string".to_owned()),
    };
    one_of(body, "mode", &["std", "pro", "4k"])?;
    one_of(body, "sound", &["on", "off"])?;
    one_of(body, "aspect_ratio", &["16:9", "9:16", "1:1"])?;
    Ok(Fields {
        prompt,
        duration_secs: duration,
        image: image.is_some(),
        callback_url: None,
    })
}

/// Kling's task object, in the envelope's text.
fn queried(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let id = request_id(&format!("{}/{now:?}", task.id));
    let kling = json!({
        "code": 0, "message": "SUCCEED", "request_id": id,
        "data": task_object(state, task, now),
    });
    enveloped(&kling, &id, 0)
}
