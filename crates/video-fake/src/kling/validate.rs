//! The Kling front's checks of a create body (protocol notes §4, §5, §7), answered with
//! 400/1201 and a message naming the field; an unknown model is 404/1203.

use serde_json::Value;

use crate::engine::TaskKind;

/// What a valid create asks for.
#[derive(Debug)]
pub(crate) struct Create {
    pub(crate) prompt: String,
    pub(crate) duration_secs: u64,
    pub(crate) callback_url: Option<String>,
    pub(crate) external_id: Option<String>,
}

/// Why a create is refused: Kling's code and message.
pub(crate) type Refusal = (i64, String);

const MODELS: [&str; 9] = [
    "kling-v1",
    "kling-v1-5",
    "kling-v1-6",
    "kling-v2-master",
    "kling-v2-1",
    "kling-v2-1-master",
    "kling-v2-5-turbo",
    "kling-v2-6",
    "kling-v3",
];
const MAX_CHARS: usize = 2500;

fn invalid(message: String) -> Refusal {
    (1201, format!("invalid parameter: {message}"))
}

/// Checks a create body for `kind` like Kling does.
pub(crate) fn validate(kind: TaskKind, body: &Value) -> Result<Create, Refusal> {
    let model = text(body, "model_name")?.unwrap_or("kling-v1");
    if !MODELS.contains(&model) {
        return Err((1203, format!("model {model} does not exist")));
    }
    let prompt = text(body, "prompt")?.unwrap_or_default().to_owned();
    if kind == TaskKind::Text && prompt.trim().is_empty() {
        return Err(invalid("prompt is required".into()));
    }
    length("prompt", &prompt)?;
    if let Some(negative) = text(body, "negative_prompt")? {
        length("negative_prompt", negative)?;
    }
    choice(body, "mode", &["std", "pro", "4k"])?;
    choice(body, "sound", &["on", "off"])?;
    let v2_6_or_later = matches!(model, "kling-v2-6" | "kling-v3");
    if body.get("sound").is_some() && !v2_6_or_later {
        return Err(invalid(format!("sound is not supported by {model}")));
    }
    let duration_secs = duration(body, model)?;
    if let Some(scale) = body.get("cfg_scale") {
        if !scale.as_f64().is_some_and(|s| (0.0..=1.0).contains(&s)) {
            return Err(invalid("cfg_scale must be between 0 and 1".into()));
        }
        if model.starts_with("kling-v2") {
            return Err(invalid(format!("cfg_scale is not supported by {model}")));
        }
    }
    if body.get("camera_control").is_some() && model != "kling-v1" {
        return Err(invalid(
            "camera_control is only supported in std mode with 5s duration and kling-v1".into(),
        ));
    }
    match kind {
        TaskKind::Text => choice(body, "aspect_ratio", &["16:9", "9:16", "1:1"])?,
        TaskKind::Image => images(body, model, v2_6_or_later)?,
        TaskKind::Relay(_) | TaskKind::Api(_) => {}
    }
    let callback_url = text(body, "callback_url")?
        .filter(|url| !url.is_empty())
        .map(str::to_owned);
    if callback_url.as_deref().is_some_and(|url| !is_http(url)) {
        return Err(invalid("callback_url must be an http(s) URL".into()));
    }
    let external_id = text(body, "external_task_id")?
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    Ok(Create {
        prompt,
        duration_secs,
        callback_url,
        external_id,
    })
}

/// `duration`: a **string** in the model's set.
fn duration(body: &Value, model: &str) -> Result<u64, Refusal> {
    let allowed: &[u64] = if model == "kling-v3" {
        &[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    } else {
        &[5, 10]
    };
    match body.get("duration") {
        None | Some(Value::Null) => Ok(5),
        Some(Value::String(text)) => text
            .parse::<u64>()
            .ok()
            .filter(|secs| allowed.contains(secs))
            .ok_or_else(|| invalid(format!("duration {text} is not supported by {model}"))),
        Some(other) => Err(invalid(format!("duration must be a string, got {other}"))),
    }
}

/// `image`, `image_tail` (a URL or bare base64), voices, and the mutual exclusions.
fn images(body: &Value, model: &str, v2_6_or_later: bool) -> Result<(), Refusal> {
    match text(body, "image")? {
        Some(image) if is_image(image) => {}
        Some(_) => {
            return Err(invalid(
                "image must be a URL or bare Base64 (no data: prefix)".into(),
            ));
        }
        None => return Err(invalid("image is required".into())),
    }
    let tail = text(body, "image_tail")?.filter(|tail| !tail.is_empty());
    if tail.is_some_and(|tail| !is_image(tail)) {
        return Err(invalid("image_tail must be a URL or bare Base64".into()));
    }
    if tail.is_some() && body.get("camera_control").is_some() {
        return Err(invalid(
            "image_tail and camera_control cannot be used together".into(),
        ));
    }
    if let Some(voices) = body.get("voice_list") {
        let ok = voices.as_array().is_some_and(|items| {
            items.len() <= 2
                && items
                    .iter()
                    .all(|v| v.get("voice_id").is_some_and(Value::is_string))
        });
        if !ok {
            return Err(invalid("voice_list must hold at most 2 {voice_id}".into()));
        }
        if !v2_6_or_later {
            return Err(invalid(format!("voice_list is not supported by {model}")));
        }
        if body.get("sound").and_then(Value::as_str) != Some("on") {
            return Err(invalid("voice_list needs sound on".into()));
        }
    }
    Ok(())
}

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// A URL, or bare base64 (no `data:` prefix, base64 characters only).
fn is_image(value: &str) -> bool {
    is_http(value)
        || (!value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
}

fn text<'a>(body: &'a Value, field: &str) -> Result<Option<&'a str>, Refusal> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(invalid(format!("{field} must be a string"))),
    }
}

fn length(field: &str, text: &str) -> Result<(), Refusal> {
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(invalid(format!(
            "{field} exceeds {MAX_CHARS} characters ({chars})"
        )));
    }
    Ok(())
}

fn choice(body: &Value, field: &str, allowed: &[&str]) -> Result<(), Refusal> {
    match text(body, field)? {
        Some(value) if !allowed.contains(&value) => Err(invalid(format!(
            "{field} must be one of {}, got {value}",
            allowed.join(", ")
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn every_documented_example_is_accepted() {
        let text = validate(TaskKind::Text, &fixture("direct_t2v_create_request.json")).unwrap();
        assert_eq!(text.duration_secs, 10);
        assert_eq!(text.external_id.as_deref(), Some("order-2026-000124"));
        assert!(
            validate(
                TaskKind::Text,
                &fixture("direct_t2v_create_request_camera.json")
            )
            .is_ok()
        );
        assert!(validate(TaskKind::Image, &fixture("direct_i2v_create_request.json")).is_ok());
        let voice = fixture("direct_i2v_create_request_base64_voice.json");
        assert!(validate(TaskKind::Image, &voice).is_ok());
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-6", "prompt": ""}),
                "prompt",
            ),
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-6", "prompt": "a", "duration": 5}),
                "duration",
            ),
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-6", "prompt": "a", "duration": "7"}),
                "duration",
            ),
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-6", "prompt": "a", "cfg_scale": 0.5}),
                "cfg_scale",
            ),
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-5-turbo", "prompt": "a", "sound": "on"}),
                "sound",
            ),
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-6", "prompt": "a", "camera_control": {}}),
                "camera_control",
            ),
            (
                TaskKind::Image,
                json!({"model_name": "kling-v2-6", "prompt": "a", "image": "data:image/png;base64,AA"}),
                "image",
            ),
            (
                TaskKind::Image,
                json!({"model_name": "kling-v2-6", "prompt": "a", "image": "https://e/a.png", "voice_list": [{"voice_id": "v"}]}),
                "voice_list",
            ),
            (
                TaskKind::Text,
                json!({"model_name": "kling-v2-6", "prompt": "a", "callback_url": "ftp://x"}),
                "callback_url",
            ),
        ];
        for (kind, body, field) in cases {
            let (code, message) = validate(kind, &body).unwrap_err();
            assert_eq!(code, 1201, "{message}");
            assert!(message.contains(field), "{message} does not name {field}");
        }
        let (code, _) = validate(
            TaskKind::Text,
            &json!({"model_name": "kling-v9", "prompt": "a"}),
        )
        .unwrap_err();
        assert_eq!(code, 1203);
    }
}
