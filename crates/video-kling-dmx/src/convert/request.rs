//! [`VideoRequest`] → the submission body: [`SubmitBody`] for text-to-video,
//! [`ImageSubmitBody`] for image-to-video.

use serde_json::Value;
use video_core::{Image, Quality, Sound, VideoError, VideoInput, VideoRequest};

use video_http::wire::extras_without;

use crate::wire::{IMAGE_SUBMIT_KEYS, ImageSubmitBody, SUBMIT_KEYS, SubmitBody, VoiceRef};

/// Which models render each mode.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Models<'a> {
    pub(crate) text: &'a str,
    pub(crate) image: &'a str,
}

/// The submission body for `request`, as JSON.
///
/// # Errors
/// [`VideoError::InvalidRequest`] for a malformed `voice_list` option or an image given as
/// bytes (validation refuses those first).
pub(crate) fn submit_json(
    request: &VideoRequest,
    models: Models<'_>,
) -> Result<Vec<u8>, VideoError> {
    let json = match &request.input {
        VideoInput::Image {
            first_frame,
            last_frame,
        } => serde_json::to_vec(&image_body(
            request,
            first_frame,
            last_frame.as_ref(),
            models.image,
        )?),
        _ => serde_json::to_vec(&submit_body(request, models.text)),
    };
    json.map_err(|error| VideoError::invalid("extra", error.to_string()))
}

/// An image's URL (the relay takes URLs only).
fn url_of(field: &str, image: &Image) -> Result<String, VideoError> {
    match image {
        Image::Url(url) => Ok(url.clone()),
        _ => Err(VideoError::invalid(
            field,
            "is image bytes, but the DMXAPI relay needs an image URL",
        )),
    }
}

/// The image-to-video body: defaults for the fields the relay requires (`pro`, sound off,
/// 16:9, 5 s), `""` for absent optional ones.
fn image_body(
    request: &VideoRequest,
    first: &Image,
    last: Option<&Image>,
    model: &str,
) -> Result<ImageSubmitBody, VideoError> {
    let extra = extras_without(request, &IMAGE_SUBMIT_KEYS, &["voice_list"]);
    let voice_list = request.extra.get("voice_list").map(voices).transpose()?;
    Ok(ImageSubmitBody {
        model: model.to_owned(),
        input: request.prompt.clone(),
        image: url_of("first_frame", first)?,
        image_tail: last
            .map(|l| url_of("last_frame", l))
            .transpose()?
            .unwrap_or_default(),
        negative_prompt: request.negative_prompt.clone().unwrap_or_default(),
        mode: mode(request.quality.unwrap_or(Quality::High)).to_owned(),
        sound: sound(request.sound.unwrap_or(Sound::Off)).to_owned(),
        voice_list,
        aspect_ratio: request
            .aspect_ratio
            .map_or_else(|| "16:9".to_owned(), |ratio| ratio.to_string()),
        duration: request.duration_secs.unwrap_or(5),
        callback_url: request.callback_url.clone().unwrap_or_default(),
        extra,
    })
}

/// `voice_list` in the relay's spelling (`[{"voiceId": ...}]`).
fn voices(value: &Value) -> Result<Vec<VoiceRef>, VideoError> {
    let ids = video_kling_protocol::voice_ids(value)?;
    Ok(ids
        .into_iter()
        .map(|voice_id| VoiceRef { voice_id })
        .collect())
}

pub(crate) use video_kling_protocol::{mode, sound};

/// The submission body for `request`, rendered by `model`.
///
/// An empty or blank negative prompt is omitted. Extra options are copied through, except
/// those named like a typed field (`model`, `input`, `duration`, ...): typed fields win and
/// the extras cannot bypass validation.
pub(crate) fn submit_body(request: &VideoRequest, model: &str) -> SubmitBody {
    let extra = extras_without(request, &SUBMIT_KEYS, &[]);
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

    fn image_request(prompt: &str) -> video_core::VideoRequestBuilder {
        VideoRequest::builder(prompt)
    }

    fn image_json(request: &VideoRequest) -> Value {
        let models = Models {
            text: "kling-v2-6-text2video",
            image: "kling-v2-6-image2video",
        };
        serde_json::from_slice(&submit_json(request, models).unwrap()).unwrap()
    }

    const FIRST: &str = "https://h2.inkwai.com/bs2/upload-ylab-stunt/se/ai_portal_queue_mmu_image_upscale_aiweb/3214b798-e1b4-4b00-b7af-72b5b0417420_raw_image_0.jpg";

    #[test]
    fn image_to_video_bodies_match_the_fixtures() {
        let doc = image_request("宇航员站起身哼着歌走了")
            .image(Image::url(FIRST))
            .quality(Quality::High)
            .sound(Sound::On)
            .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
            .duration_secs(10)
            .build();
        assert_eq!(
            image_json(&doc),
            fixture_json("dmx_i2v_submit_request.json")
        );

        let first_last = image_request("The astronaut stands up and walks out of frame")
            .images(
                Image::url("https://example.com/frames/first.jpg"),
                Image::url("https://example.com/frames/last.jpg"),
            )
            .negative_prompt("blurry, distorted")
            .quality(Quality::High)
            .sound(Sound::Off)
            .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
            .duration_secs(5)
            .callback_url("https://example.com/hooks/video")
            .build();
        assert_eq!(
            image_json(&first_last),
            fixture_json("dmx_i2v_submit_request_first_last.json")
        );

        for voices in [
            json!([{"voice_id": "genshin_vindi2"}]),
            json!([{"voiceId": "genshin_vindi2"}]),
            json!(["genshin_vindi2"]),
        ] {
            let voiced = image_request("宇航员站起身哼着歌走了")
                .image(Image::url(FIRST))
                .sound(Sound::On)
                .duration_secs(5)
                .extra("voice_list", voices)
                .build();
            assert_eq!(
                image_json(&voiced),
                fixture_json("dmx_i2v_submit_request_voice.json")
            );
        }
    }

    #[test]
    fn image_defaults_and_refusals() {
        let bare = image_request("a fox").image(Image::url(FIRST)).build();
        let body = image_json(&bare);
        assert_eq!(
            (
                body["mode"].as_str(),
                body["sound"].as_str(),
                body["duration"].as_u64()
            ),
            (Some("pro"), Some("off"), Some(5)),
            "required fields always sent; sound off unless asked"
        );
        assert_eq!(body["aspect_ratio"], "16:9");
        assert_eq!(body["image_tail"], "");
        let models = Models {
            text: "t",
            image: "i",
        };
        let three = image_request("a fox")
            .image(Image::url(FIRST))
            .extra("voice_list", json!(["a", "b", "c"]))
            .build();
        assert!(submit_json(&three, models).is_err());
        let inline = image_request("a fox")
            .image(Image::Inline {
                media_type: "image/png".into(),
                bytes: vec![0x89, b'P', b'N', b'G'],
            })
            .build();
        assert!(
            submit_json(&inline, models).is_err(),
            "bytes never reach the relay"
        );
    }
}
