//! The relay's reply styles, read once for every family: the Responses envelope whose
//! `output[0].content[0].text` holds the upstream's JSON as a string ([`inner`]), the
//! upstream's flat JSON with a `usage` block ([`usage`]), and streamed text (`crate::sse`).

use serde_json::Value;
use video_core::{Usage, VideoError};

/// What a reply carries of the upstream's: the body itself (a flat reply), or — in an
/// envelope — its text as a JSON object, or plain text (a failure message the relay wrote in
/// words).
#[derive(Debug, Clone, PartialEq)]
pub enum Inner {
    /// No envelope: the body is the upstream's own object.
    Flat,
    /// The envelope's text parsed as a JSON object.
    Json(Value),
    /// Text that is not a JSON object.
    Text(String),
    /// An envelope without any text yet ("not ready, query again", as public clients read
    /// it).
    Nothing,
}

/// Every `output_text` of a Responses envelope's `output`, joined; `None` when the body is
/// not an envelope (a flat reply).
pub fn output_text(body: &Value) -> Option<String> {
    let texts: Vec<&str> = texts(body)?.collect();
    (!texts.is_empty()).then(|| texts.concat())
}

/// The texts of an envelope's `output`, in order.
fn texts(body: &Value) -> Option<impl Iterator<Item = &str>> {
    let output = body.get("output")?.as_array()?;
    Some(
        output
            .iter()
            .filter_map(|item| item.get("content")?.as_array())
            .flatten()
            .filter_map(|part| part.get("text")?.as_str()),
    )
}

/// The upstream reply a body carries: the envelope's text parsed (twice-encoded JSON; Go's
/// `\u0026` escapes come back as `&`), or [`Inner::Flat`] when there is no envelope.
///
/// # Errors
/// [`VideoError::Decode`] for an `output` that is not a list.
pub fn inner(body: &Value) -> Result<Inner, VideoError> {
    let Some(output) = body.get("output") else {
        return Ok(Inner::Flat);
    };
    if !output.is_array() {
        return Err(VideoError::decode(Some(200), "`output` is not a list", b""));
    }
    let mut parts = texts(body).into_iter().flatten();
    let Some(first) = parts.next() else {
        return Ok(Inner::Nothing);
    };
    // One text (every documented reply): read in place, without joining.
    let joined;
    let text = match parts.next() {
        None => first,
        Some(second) => {
            joined = [first, second].into_iter().chain(parts).collect::<String>();
            joined.as_str()
        }
    };
    Ok(match serde_json::from_str::<Value>(text.trim()) {
        Ok(value) if value.is_object() => Inner::Json(value),
        _ => Inner::Text(text.to_owned()),
    })
}

/// The relay's billing figure (`usage.total_tokens`), when the reply has one above zero.
pub fn usage(body: &Value) -> Option<Usage> {
    let tokens = body.pointer("/usage/total_tokens")?.as_u64()?;
    (tokens > 0).then(|| Usage::new(Some(tokens), None))
}

/// The first of `pointers` that holds a non-empty string (or a number, as text) in `value`.
pub fn text_at(value: &Value, pointers: &[&str]) -> Option<String> {
    pointers
        .iter()
        .find_map(|pointer| match value.pointer(pointer)? {
            Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_envelope_is_parsed_twice_and_a_flat_body_is_itself() {
        let envelope = json!({"output": [{"content": [{"type": "output_text",
            "text": "{\"video_url\":\"https://x/v.mp4?a=1\\u0026b=2\",\"task_status\":\"SUCCEEDED\"}"}]}]});
        let Inner::Json(inner) = inner(&envelope).unwrap() else {
            panic!("not json")
        };
        assert_eq!(inner["video_url"], "https://x/v.mp4?a=1&b=2");
        let flat = json!({"id": "cgt-1"});
        assert_eq!(super::inner(&flat).unwrap(), Inner::Flat);
        let words = json!({"output": [{"content": [{"text": "[错误] 任务失败"}]}]});
        assert_eq!(
            super::inner(&words).unwrap(),
            Inner::Text("[错误] 任务失败".into())
        );
        assert_eq!(
            super::inner(&json!({"output": []})).unwrap(),
            Inner::Nothing
        );
        assert!(super::inner(&json!({"output": 7})).is_err());
    }

    #[test]
    fn usage_and_text_lookups_are_tolerant() {
        assert_eq!(
            usage(&json!({"usage": {"total_tokens": 50000}})).and_then(|u| u.tokens),
            Some(50000)
        );
        assert!(usage(&json!({"usage": {"total_tokens": 0}})).is_none());
        let value = json!({"a": {"b": 7}, "c": ""});
        assert_eq!(text_at(&value, &["/c", "/a/b"]), Some("7".into()));
    }
}
