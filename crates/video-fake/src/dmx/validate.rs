//! The relay's own checks of a submission (answered with Kling code 1201 and a message).

use serde_json::Value;

use crate::engine::TaskKind;

/// The fields of a valid submission the fake relay uses.
#[derive(Debug)]
pub(crate) struct SubmitFields {
    pub(crate) kind: TaskKind,
    pub(crate) prompt: String,
    pub(crate) duration_secs: u64,
    pub(crate) callback_url: Option<String>,
}

const MAX_CHARS: usize = 2500;

/// Checks a submission body like the real service; `Err` is the 1201 message.
pub(crate) fn validate_submission(body: &Value) -> Result<SubmitFields, String> {
    let prompt = match body.get("input") {
        Some(Value::String(text)) if !text.trim().is_empty() => text.clone(),
        _ => return Err("invalid parameter: input must be a non-empty string".to_owned()),
    };
    check_length("input", &prompt)?;
    if let Some(text) = optional_str(body, "negative_prompt")? {
        check_length("negative_prompt", text)?;
    }
    check_choice(body, "mode", &["std", "pro"])?;
    check_choice(body, "sound", &["on", "off"])?;
    check_choice(body, "aspect_ratio", &["16:9", "9:16", "1:1"])?;
    let duration_secs = match body.get("duration") {
        None | Some(Value::Null) => 5,
        Some(Value::Number(n)) if matches!(n.as_u64(), Some(5 | 10)) => n.as_u64().unwrap_or(5),
        Some(Value::String(s)) if s == "5" || s == "10" => s.parse().unwrap_or(5),
        Some(other) => {
            return Err(format!(
                "invalid parameter: duration must be 5 or 10, got {other}"
            ));
        }
    };
    let callback_url = optional_str(body, "callback_url")?
        .filter(|url| !url.is_empty())
        .map(str::to_owned);
    if let Some(url) = &callback_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err("invalid parameter: callback_url must be an http(s) URL".to_owned());
    }
    Ok(SubmitFields {
        kind: TaskKind::Text,
        prompt,
        duration_secs,
        callback_url,
    })
}

/// Checks an image-to-video submission like the relay documents it: `image` an http(s)
/// URL (the relay takes no base64), `image_tail` empty or one, `duration` a number (5 or
/// 10), `voice_list` at most two `{"voiceId": ...}`.
pub(crate) fn validate_image_submission(body: &Value) -> Result<SubmitFields, String> {
    let mut fields = validate_submission(body)?;
    fields.kind = TaskKind::Image;
    match body.get("image") {
        Some(Value::String(url)) if is_http(url) => {}
        Some(Value::String(_)) => {
            return Err("invalid parameter: image must be an http(s) URL".to_owned());
        }
        _ => return Err("invalid parameter: image is required".to_owned()),
    }
    match optional_str(body, "image_tail")? {
        None | Some("") => {}
        Some(url) if is_http(url) => {}
        Some(_) => return Err("invalid parameter: image_tail must be an http(s) URL".to_owned()),
    }
    if !matches!(body.get("duration"), Some(Value::Number(_))) {
        return Err("invalid parameter: duration must be a number".to_owned());
    }
    if let Some(voices) = body.get("voice_list") {
        let ok = voices.as_array().is_some_and(|items| {
            items.len() <= 2
                && items
                    .iter()
                    .all(|v| v.get("voiceId").is_some_and(Value::is_string))
        });
        if !ok {
            return Err("invalid parameter: voice_list must hold at most 2 {voiceId}".to_owned());
        }
    }
    Ok(fields)
}

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

fn optional_str<'a>(body: &'a Value, field: &str) -> Result<Option<&'a str>, String> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("invalid parameter: {field} must be a string")),
    }
}

fn check_length(field: &str, text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(format!(
            "invalid parameter: {field} exceeds {MAX_CHARS} characters ({chars})"
        ));
    }
    Ok(())
}

fn check_choice(body: &Value, field: &str, allowed: &[&str]) -> Result<(), String> {
    match optional_str(body, field)? {
        Some(value) if !allowed.contains(&value) => Err(format!(
            "invalid parameter: {field} must be one of {}, got {value}",
            allowed.join(", ")
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_the_documented_example() {
        let body = json!({"model": "kling-v2-6-text2video", "input": "a fox", "negative_prompt": "",
            "mode": "pro", "sound": "off", "aspect_ratio": "16:9", "duration": 5,
            "callback_url": "https://example.com/hooks/video"});
        let fields = validate_submission(&body).unwrap();
        assert_eq!(fields.duration_secs, 5);
        assert_eq!(
            fields.callback_url.as_deref(),
            Some("https://example.com/hooks/video")
        );
    }

    #[test]
    fn rejects_each_bad_field_with_a_message_naming_it() {
        let cases = [
            (json!({"input": ""}), "input"),
            (json!({"input": "狐".repeat(2501)}), "input"),
            (
                json!({"input": "a", "negative_prompt": "模".repeat(2501)}),
                "negative_prompt",
            ),
            (json!({"input": "a", "mode": "ultra"}), "mode"),
            (json!({"input": "a", "sound": "loud"}), "sound"),
            (json!({"input": "a", "aspect_ratio": "4:3"}), "aspect_ratio"),
            (json!({"input": "a", "duration": 7}), "duration"),
            (
                json!({"input": "a", "callback_url": "ftp://x"}),
                "callback_url",
            ),
        ];
        for (body, field) in cases {
            let message = validate_submission(&body).unwrap_err();
            assert!(message.contains(field), "{message} does not name {field}");
        }
        assert!(validate_submission(&json!({"input": "狐".repeat(2500)})).is_ok());
    }
}
