//! Request options every way of reaching Kling spells the same: voices, quality and sound.

use serde_json::Value;
use video_core::{Quality, Sound, VideoError};

/// Kling's limit on voices per video.
pub const MAX_VOICES: usize = 2;

/// The voice ids of a `voice_list` option given as `["id"]`, `[{"voice_id": "id"}]` or
/// `[{"voiceId": "id"}]` (the relay's spelling), at most [`MAX_VOICES`].
///
/// # Errors
/// [`VideoError::InvalidRequest`] (field `voice_list`) for any other shape, an empty id or
/// too many voices.
pub fn voice_ids(value: &Value) -> Result<Vec<String>, VideoError> {
    let invalid = |reason: &str| VideoError::invalid("voice_list", reason);
    let items = value
        .as_array()
        .ok_or_else(|| invalid("must be a list of voice ids"))?;
    if items.len() > MAX_VOICES {
        return Err(invalid("takes at most 2 voices"));
    }
    items
        .iter()
        .map(|item| {
            let id = match item {
                Value::String(id) => Some(id.as_str()),
                Value::Object(fields) => fields
                    .get("voice_id")
                    .or_else(|| fields.get("voiceId"))
                    .and_then(Value::as_str),
                _ => None,
            };
            id.filter(|id| !id.trim().is_empty())
                .map(str::to_owned)
                .ok_or_else(|| invalid("items must be voice ids or {\"voice_id\": ...} objects"))
        })
        .collect()
}

/// Kling's name for a quality tier: `std` (720p) or `pro` (1080p).
pub fn mode(quality: Quality) -> &'static str {
    match quality {
        Quality::Standard => "std",
        // `Quality` is non-exhaustive; anything above standard asks for the best tier.
        _ => "pro",
    }
}

/// Kling's name for a sound setting.
pub fn sound(sound: Sound) -> &'static str {
    match sound {
        Sound::On => "on",
        _ => "off",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spelling_of_voices_is_read() {
        for value in [
            json!(["v1", "v2"]),
            json!([{"voice_id": "v1"}, {"voiceId": "v2"}]),
        ] {
            assert_eq!(voice_ids(&value).unwrap(), ["v1", "v2"]);
        }
        for bad in [json!("v1"), json!(["a", "b", "c"]), json!([""]), json!([1])] {
            assert!(voice_ids(&bad).is_err(), "{bad}");
        }
    }
}
