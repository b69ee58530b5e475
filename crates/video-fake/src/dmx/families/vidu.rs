//! Vidu (`viduq3-pro`, `viduq2-pro`, `viduq2-ctv` → `vidu-get`, streamed): Vidu's flat
//! create object, then a stream of progress text ending in `视频URL: …` (`dmx-vidu_*`;
//! the event framing is inferred, as the notes say).

use bytes::Bytes;
use serde_json::{Value, json};

use super::{
    Answer, Fields, Front, RelayFamily, check_image, int_in, one_of, relay_shape, text, usage,
};
use crate::dmx::sse::{StreamWords, event_text};
use crate::engine::{Engine, FakeTask, Stage, decimal_id};
use crate::replies::video_url;

pub(super) static FRONT: Front = Front {
    family: RelayFamily::Vidu,
    submit_models: &["viduq3-pro", "viduq2-pro", "viduq2-ctv"],
    query_models: &["vidu-get"],
    id_of: |number| decimal_id(number + 949_000_000_000_000_000),
    validate,
    submitted,
    answer: Answer::Stream(&WORDS),
    shape: relay_shape,
};

fn validate(model: &str, body: &Value) -> Result<Fields, String> {
    let longest = match model {
        "viduq3-pro" => 16,
        "viduq2-pro" => 8,
        _ => 10,
    };
    let duration = int_in(body, "duration", 1..=longest)?.unwrap_or(5);
    one_of(body, "resolution", &["540p", "720p", "1080p"])?;
    one_of(body, "aspect_ratio", &["16:9", "9:16", "3:4", "4:3", "1:1"])?;
    // q3 first+last sends its images in `input` and its text in `prompt`.
    let (prompt, mut images) = match body.get("input") {
        Some(Value::Array(images)) => (text(body, "prompt")?.unwrap_or_default(), images.clone()),
        _ => (text(body, "input")?.unwrap_or_default(), Vec::new()),
    };
    images.extend(body["images"].as_array().cloned().unwrap_or_default());
    for image in &images {
        check_image("images", image.as_str().unwrap_or_default(), true)?;
    }
    if model == "viduq2-pro" && images.len() != 2 {
        return Err("invalid parameter: viduq2-pro needs two images".to_owned());
    }
    if model == "viduq2-ctv" && !body["subjects"].is_array() {
        return Err("invalid parameter: subjects is required".to_owned());
    }
    if prompt.trim().is_empty() && images.is_empty() {
        return Err("invalid parameter: input is required".to_owned());
    }
    Ok(Fields {
        prompt: prompt.to_owned(),
        duration_secs: u64::try_from(duration).unwrap_or(5),
        image: !images.is_empty(),
        callback_url: body["callback_url"].as_str().map(str::to_owned),
    })
}

/// Vidu's create object plus the relay's usage.
fn submitted(_: &Engine, task: &FakeTask, model: &str, request: &Value) -> Value {
    json!({
        "task_id": task.id,
        "type": if request.get("images").is_some() { "img2video" } else { "text2video" },
        "state": "created",
        "model": model,
        "prompt": request.get("input").and_then(Value::as_str).unwrap_or_default(),
        "images": request.get("images").cloned().unwrap_or(json!([])),
        "duration": task.duration_secs,
        "seed": 1_762_978_053,
        "resolution": request.get("resolution").cloned().unwrap_or(json!("720p")),
        "created_at": task.created_ms / 1000,
        "credits": 300,
        "usage": usage(93_750),
    })
}

static WORDS: StreamWords = StreamWords {
    created: |task| {
        let created = json!({"type": "response.created", "response": {
            "id": format!("resp_{}", task.id), "object": "response", "status": "in_progress", "output": []}});
        Bytes::from(event_text("response.created", &created))
    },
    progress: |_, percent| {
        let delta = json!({"type": "response.output_text.delta", "delta": format!("当前进度: {percent}%\n")});
        Bytes::from(event_text("response.output_text.delta", &delta))
    },
    completion,
};

/// The final text (`✅ 视频生成完成！ … 视频URL: …`), or an error event for a failed task.
fn completion(state: &Engine, task: &FakeTask) -> Bytes {
    let stage = task.stage_at(tokio::time::Instant::now(), state.config.render_time);
    let mut out = String::new();
    if stage == Stage::Failed {
        let error = json!({"type": "error", "error": {
            "message": "视频生成失败: 内容审核未通过", "type": "dmxapi_error", "code": "task_failed"}});
        out.push_str(&event_text("error", &error));
    } else {
        let url = video_url(state, task);
        let text = format!(
            "当前进度: 100%\n\n✅ 视频生成完成！\n\n任务ID: {}\n\n--- 创作 1 ---\n视频URL: {url}\n封面URL: {url}.jpeg\n",
            task.id
        );
        let delta = json!({"type": "response.output_text.delta", "delta": text});
        let completed = json!({"type": "response.completed", "response": {
            "id": format!("resp_{}", task.id), "object": "response", "status": "completed",
            "output": [{"type": "message", "role": "assistant",
                        "content": [{"type": "output_text", "text": text}]}]}});
        out.push_str(&event_text("response.output_text.delta", &delta));
        out.push_str(&event_text("response.completed", &completed));
    }
    out.push_str("data: [DONE]\n\n");
    Bytes::from(out)
}
