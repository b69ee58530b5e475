//! [`VideoRequest`] → [`CreateBody`], after the rules Kling documents per model: `cfg_scale`
//! (not on v2.x), `camera_control` (kling-v1, standard, 5 s; not with a last frame), voices
//! (image-to-video, v2.6+, sound on, at most two), and no `aspect_ratio` on image-to-video
//! (the video follows the image).

use serde_json::{Map, Value};
use video_core::{Image, Quality, Sound, VideoError, VideoInput, VideoRequest};

use crate::models::ModelSpec;
use crate::options::CameraControl;
use crate::wire::{CREATE_KEYS, CreateBody, RESERVED_KEYS, VoiceRef};

/// The create body for `request` on `model_name` with `model`'s rules (core's `validate`
/// has run already).
///
/// # Errors
/// [`VideoError::InvalidRequest`] naming the option that breaks one of the model's rules.
pub(crate) fn create_body(
    request: &VideoRequest,
    model_name: &str,
    model: &ModelSpec,
) -> Result<CreateBody, VideoError> {
    let invalid = |field: &str, reason: String| VideoError::invalid(field, reason);
    if request.quality.is_some() && !model.modes {
        return Err(invalid(
            "quality",
            format!("{model_name} takes no quality tier"),
        ));
    }
    let mut body = CreateBody {
        model_name: model_name.to_owned(),
        prompt: request.prompt.clone(),
        negative_prompt: request.negative_prompt.clone(),
        mode: request
            .quality
            .filter(|_| model.modes)
            .map(video_kling_protocol::mode),
        sound: request.sound.map(video_kling_protocol::sound),
        duration: request.duration_secs.map(|secs| secs.to_string()),
        callback_url: request.callback_url.clone(),
        external_task_id: request.client_reference.clone(),
        extra: passthrough(request),
        ..CreateBody::default()
    };
    let last_frame = match &request.input {
        VideoInput::Image {
            first_frame,
            last_frame,
        } => {
            if request.aspect_ratio.is_some() {
                return Err(invalid(
                    "aspect_ratio",
                    "Kling's image-to-video follows the image's shape and takes no aspect ratio"
                        .to_owned(),
                ));
            }
            body.image = Some(image_value(first_frame));
            body.image_tail = last_frame.as_ref().map(image_value);
            last_frame.is_some()
        }
        _ => {
            body.aspect_ratio = request.aspect_ratio.map(|ratio| ratio.to_string());
            false
        }
    };
    body.cfg_scale = cfg_scale(request, model)?;
    body.camera_control = camera(request, model, last_frame)?;
    body.voice_list = voices(request, model)?;
    body.watermark_info = watermark(request)?;
    Ok(body)
}

/// A URL as is; bytes as raw base64 (no `data:` prefix, which Kling refuses).
fn image_value(image: &Image) -> String {
    match image {
        Image::Url(url) => url.clone(),
        other => other.base64().unwrap_or_default(),
    }
}

fn cfg_scale(request: &VideoRequest, model: &ModelSpec) -> Result<Option<f64>, VideoError> {
    let Some(value) = request.extra.get("cfg_scale") else {
        return Ok(None);
    };
    let invalid = |reason: String| VideoError::invalid("cfg_scale", reason);
    let scale = value
        .as_f64()
        .filter(|scale| (0.0..=1.0).contains(scale))
        .ok_or_else(|| invalid("must be a number from 0 to 1".to_owned()))?;
    if !model.cfg_scale {
        return Err(invalid(format!(
            "is not supported by {} (Kling v2 models take none)",
            model.name
        )));
    }
    Ok(Some(scale))
}

fn camera(
    request: &VideoRequest,
    model: &ModelSpec,
    last_frame: bool,
) -> Result<Option<Value>, VideoError> {
    let Some(value) = request.extra.get("camera_control") else {
        return Ok(None);
    };
    let invalid = |reason: String| VideoError::invalid("camera_control", reason);
    let camera: CameraControl = serde_json::from_value(value.clone())
        .map_err(|error| invalid(format!("is not a camera control: {error}")))?;
    camera.check()?;
    if !model.camera {
        return Err(invalid(format!(
            "is not supported by {} (only kling-v1)",
            model.name
        )));
    }
    let standard = request.quality.is_none_or(|q| q == Quality::Standard);
    if !standard || request.duration_secs.is_some_and(|secs| secs != 5) {
        return Err(invalid(
            "is only supported in standard quality with a 5 s duration".to_owned(),
        ));
    }
    if last_frame {
        return Err(invalid("cannot be combined with a last frame".to_owned()));
    }
    Ok(Some(value.clone()))
}

fn voices(request: &VideoRequest, model: &ModelSpec) -> Result<Option<Vec<VoiceRef>>, VideoError> {
    let Some(value) = request.extra.get("voice_list") else {
        return Ok(None);
    };
    let invalid = |reason: String| VideoError::invalid("voice_list", reason);
    let ids = video_kling_protocol::voice_ids(value)?;
    if request.input.is_text() {
        return Err(invalid("is image-to-video only".to_owned()));
    }
    if !model.voices {
        return Err(invalid(format!("is not supported by {}", model.name)));
    }
    if request.sound != Some(Sound::On) {
        return Err(invalid("needs sound on".to_owned()));
    }
    Ok(Some(
        ids.into_iter()
            .map(|voice_id| VoiceRef { voice_id })
            .collect(),
    ))
}

fn watermark(request: &VideoRequest) -> Result<Option<Value>, VideoError> {
    match request.extra.get("watermark_info") {
        None => Ok(None),
        Some(Value::Bool(enabled)) => Ok(Some(serde_json::json!({ "enabled": enabled }))),
        Some(value @ Value::Object(fields))
            if fields.get("enabled").is_some_and(Value::is_boolean) =>
        {
            Ok(Some(value.clone()))
        }
        Some(_) => Err(VideoError::invalid(
            "watermark_info",
            "must be {\"enabled\": true|false}",
        )),
    }
}

/// The extra options that are not typed fields (those are read above or dropped).
fn passthrough(request: &VideoRequest) -> Map<String, Value> {
    let reserved: Vec<&str> = CREATE_KEYS
        .iter()
        .chain(&RESERVED_KEYS)
        .copied()
        .filter(|key| !OPTION_KEYS.contains(key))
        .collect();
    video_http::wire::extras_without(request, &reserved, &OPTION_KEYS)
}

/// Typed fields that arrive as extra options (read by the functions above).
const OPTION_KEYS: [&str; 4] = [
    "cfg_scale",
    "camera_control",
    "voice_list",
    "watermark_info",
];

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
