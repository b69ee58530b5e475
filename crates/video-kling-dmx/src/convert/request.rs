//! [`VideoRequest`] → [`SubmitBody`].

use video_core::{Quality, Sound, VideoRequest};

use crate::wire::{SUBMIT_KEYS, SubmitBody};

/// Kling's name for a quality tier: `std` (720p) or `pro` (1080p).
pub(crate) fn mode(quality: Quality) -> &'static str {
    match quality {
        Quality::Standard => "std",
        // `Quality` is non-exhaustive; anything above standard asks for the best tier.
        _ => "pro",
    }
}

/// Kling's name for a sound setting.
pub(crate) fn sound(sound: Sound) -> &'static str {
    match sound {
        Sound::On => "on",
        _ => "off",
    }
}

/// The submission body for `request`, rendered by `model`.
///
/// An empty or blank negative prompt is omitted. Extra options are copied through, except
/// those named like a typed field (`model`, `input`, `duration`, ...): typed fields win and
/// the extras cannot bypass validation.
pub(crate) fn submit_body(request: &VideoRequest, model: &str) -> SubmitBody {
    let extra = request
        .extra
        .iter()
        .filter(|(key, _)| {
            let reserved = SUBMIT_KEYS.contains(&key.as_str());
            if reserved {
                tracing::warn!(option = %key, "extra option names a typed field; dropped");
            }
            !reserved
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    SubmitBody {
        model: model.to_owned(),
        input: request.prompt.clone(),
        negative_prompt: request
            .negative_prompt
            .clone()
            .filter(|text| !text.trim().is_empty()),
        mode: request.quality.map(|q| mode(q).to_owned()),
        sound: request.sound.map(|s| sound(s).to_owned()),
        aspect_ratio: request.aspect_ratio.map(|ratio| ratio.to_string()),
        duration: request.duration_secs,
        callback_url: request.callback_url.clone(),
        extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use video_core::AspectRatio;

    fn fixture_json(name: &str) -> Value {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn every_field_maps_like_the_fixture() {
        let request = VideoRequest::builder("A person dancing on a beach at sunset")
            .quality(Quality::High)
            .sound(Sound::Off)
            .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
            .duration_secs(5)
            .callback_url("https://example.com/hooks/video")
            .build();
        let body = serde_json::to_value(submit_body(&request, "kling-v2-6-text2video")).unwrap();
        let mut expected = fixture_json("submit_request.json");
        // The fixture sends an empty negative prompt; this client omits it.
        expected.as_object_mut().unwrap().remove("negative_prompt");
        assert_eq!(body, expected);
        assert_eq!(body["duration"], json!(5));
        assert!(body["duration"].is_number());
    }

    #[test]
    fn standard_quality_sound_on_and_other_ratios() {
        let request = VideoRequest::builder("fox")
            .negative_prompt("blurry")
            .quality(Quality::Standard)
            .sound(Sound::On)
            .aspect_ratio(AspectRatio::PORTRAIT_9_16)
            .duration_secs(10)
            .build();
        let body = serde_json::to_value(submit_body(&request, "m")).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "m", "input": "fox", "negative_prompt": "blurry", "mode": "std",
                "sound": "on", "aspect_ratio": "9:16", "duration": 10
            })
        );
    }

    #[test]
    fn a_bare_request_sends_only_model_and_input() {
        let body = serde_json::to_value(submit_body(&VideoRequest::new("fox"), "m")).unwrap();
        assert_eq!(body, json!({"model": "m", "input": "fox"}));
        let blank = VideoRequest::builder("fox").negative_prompt("  ").build();
        let body = serde_json::to_value(submit_body(&blank, "m")).unwrap();
        assert!(body.get("negative_prompt").is_none());
    }

    #[test]
    fn extras_pass_through_but_never_override_typed_fields() {
        let request = VideoRequest::builder("fox")
            .duration_secs(5)
            .extra("cfg_scale", json!(0.5))
            .extra("model", json!("evil-model"))
            .extra("input", json!("other prompt"))
            .extra("duration", json!(7))
            .extra("mode", json!("pro"))
            .extra("stream", json!(true))
            .build();
        let body = serde_json::to_value(submit_body(&request, "m")).unwrap();
        assert_eq!(
            body,
            json!({"model": "m", "input": "fox", "duration": 5, "cfg_scale": 0.5})
        );
        let text = serde_json::to_string(&submit_body(&request, "m")).unwrap();
        assert_eq!(text.matches("\"model\"").count(), 1);
    }
}
