//! Kling v3 (`kling-v3` → `kling-v3-get-all`): Kling's task object inside the envelope's
//! text, read by `video-kling-protocol` (the vendor's knowledge, shared with Kling's own
//! API); durations as strings; multi-shot and subject control as typed options. Notes:
//! `protocol/dmx-kling-v3.md`.

use serde::Deserialize;
use serde_json::{Value, json};
use video_core::{
    AspectRatio, Capabilities, ImageCapabilities, Quality, Resolution, Sound, Task, TaskId,
    VideoError, VideoInput, VideoRequest,
};
use video_kling_protocol::{Envelope, kind_of_code, task_from_data};

use super::{InlineForm, image_value, object_or_snapshot};
use crate::envelope::text_at;
use crate::family::{Family, Payload, VendorError};

/// The Kling v3 family.
#[derive(Debug, Clone, Copy)]
pub struct KlingV3;

/// The family value the model table points at.
pub static KLING_V3: KlingV3 = KlingV3;

/// The query model before 2026-05-25; ids journaled with it are still queried.
pub(crate) const OLD_ROUTE: &str = "kling-v3-get";

/// One shot of a customised multi-shot video (option `multi_prompt`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shot {
    prompt: String,
    duration: u32,
}

/// What Kling v3 accepts through the relay: 3 to 15 s, std / pro / 4k (as 720p, 1080p,
/// 2160p or the two quality tiers), three ratios on text modes, sound, first and last
/// frames as URLs or base64.
pub(crate) fn capabilities() -> Capabilities {
    Capabilities::new(2500)
        .with_negative_prompt(2500)
        .with_duration_range(3, 15)
        .with_aspect_ratios([
            AspectRatio::LANDSCAPE_16_9,
            AspectRatio::PORTRAIT_9_16,
            AspectRatio::SQUARE_1_1,
        ])
        .with_qualities([Quality::Standard, Quality::High])
        .with_resolutions([Resolution::P720, Resolution::P1080, Resolution::K4])
        .with_sound(true)
        .with_image_to_video(
            ImageCapabilities::urls_and_inline()
                .with_last_frame(true)
                .with_media_types(["image/jpeg", "image/png"]),
        )
}

impl Family for KlingV3 {
    fn name(&self) -> &'static str {
        "kling-v3"
    }

    fn route(&self) -> &'static str {
        "kling-v3-get-all"
    }

    fn consumed_options(&self) -> &'static [&'static str] {
        &["multi_prompt", "shot_type", "element_list"]
    }

    fn check(&self, _model: &str, request: &VideoRequest) -> Result<(), VideoError> {
        mode(request)?;
        if let Some(shots) = shots(request)? {
            let total: u32 = shots.iter().map(|shot| shot.duration).sum();
            let asked = request.duration_secs.unwrap_or(5);
            if total != asked {
                let reason = format!("the shots last {total} s in all; the video {asked} s");
                return Err(VideoError::invalid("multi_prompt", reason));
            }
        }
        if !request.input.is_text() && request.aspect_ratio.is_some() {
            let reason = "follows the image in image modes";
            return Err(VideoError::invalid("aspect_ratio", reason));
        }
        elements(request).map(drop)
    }

    fn submit_body(&self, _model: &str, request: &VideoRequest) -> Result<Value, VideoError> {
        let mut body = json!({
            "input": request.prompt,
            "duration": request.duration_secs.unwrap_or(5).to_string(),
            "mode": mode(request)?,
        });
        if let Some(text) = &request.negative_prompt {
            body["negative_prompt"] = json!(text);
        }
        if let Some(sound) = request.sound {
            body["sound"] = json!(if sound == Sound::On { "on" } else { "off" });
        }
        if let Some(ratio) = request.aspect_ratio {
            body["aspect_ratio"] = json!(ratio.to_string());
        }
        if let VideoInput::Image {
            first_frame,
            last_frame,
        } = &request.input
        {
            body["image"] = json!(image_value(first_frame, InlineForm::Base64));
            if let Some(last) = last_frame {
                body["image_tail"] = json!(image_value(last, InlineForm::Base64));
            }
        }
        add_shots(&mut body, request)?;
        if let Some(ids) = elements(request)? {
            let list: Vec<Value> = ids.iter().map(|id| json!({"element_id": id})).collect();
            body["element_list"] = json!(list);
        }
        Ok(body)
    }

    fn submitted_id(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/taskId", "/task_id", "/data/task_id"])
    }

    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError> {
        let object = match object_or_snapshot(reply, id) {
            Ok(object) => object,
            Err(snapshot) => return Ok(*snapshot),
        };
        let envelope = Envelope::deserialize(object)
            .map_err(|e| VideoError::decode(Some(200), e.to_string(), b""))?;
        let data = envelope
            .task()
            .ok_or_else(|| VideoError::decode(Some(200), "a Kling reply without a task", b""))?;
        Ok(task_from_data(data, envelope.request_id))
    }

    /// Kling's business `code` in its object (the envelope's text, or a flat body), by
    /// Kling's table.
    fn vendor_error(&self, body: &Value) -> Option<VendorError> {
        let code = body.get("code")?.as_i64().filter(|code| *code != 0)?;
        Some(VendorError {
            kind: kind_of_code(code),
            code: code.to_string(),
            message: text_at(body, &["/message"]).unwrap_or_else(|| format!("Kling error {code}")),
        })
    }
}

/// `std`, `pro` or `4k`, from the resolution or the quality (which must agree).
fn mode(request: &VideoRequest) -> Result<&'static str, VideoError> {
    let by_resolution = request.resolution.map(|r| match r.lines() {
        2160 => "4k",
        1080 => "pro",
        _ => "std",
    });
    let by_quality = request.quality.map(|q| match q {
        Quality::High => "pro",
        _ => "std",
    });
    match (by_resolution, by_quality) {
        (Some("4k"), Some("std")) | (Some("pro"), Some("std")) | (Some("std"), Some("pro")) => {
            Err(VideoError::invalid(
                "quality",
                "disagrees with the resolution (std is 720p, pro 1080p)",
            ))
        }
        (Some(mode), _) | (None, Some(mode)) => Ok(mode),
        (None, None) => Ok("std"),
    }
}

/// The `multi_prompt` option: 1 to 6 shots, each a prompt of at most 512 characters and at
/// least 1 s.
fn shots(request: &VideoRequest) -> Result<Option<Vec<Shot>>, VideoError> {
    let Some(value) = request.extra.get("multi_prompt") else {
        return Ok(None);
    };
    let shots: Vec<Shot> = serde_json::from_value(value.clone()).map_err(|_| {
        VideoError::invalid(
            "multi_prompt",
            "must be a list of {\"prompt\": text, \"duration\": seconds}",
        )
    })?;
    let fits = |shot: &Shot| shot.duration >= 1 && shot.prompt.chars().count() <= 512;
    if !(1..=6).contains(&shots.len()) || !shots.iter().all(fits) {
        let reason = "takes 1 to 6 shots of at least 1 s, prompts of at most 512 characters";
        return Err(VideoError::invalid("multi_prompt", reason));
    }
    Ok(Some(shots))
}

/// Multi-shot fields: customised shots (in `multi_prompt` on text modes, in `input` on
/// image modes, as the pages show), or `shot_type: intelligence`.
fn add_shots(body: &mut Value, request: &VideoRequest) -> Result<(), VideoError> {
    if let Some(shots) = shots(request)? {
        let list: Vec<Value> = (1..)
            .zip(&shots)
            .map(|(index, shot)| {
                json!({"index": index, "prompt": shot.prompt, "duration": shot.duration.to_string()})
            })
            .collect();
        body["multi_shot"] = json!(true);
        body["shot_type"] = json!("customize");
        let field = if request.input.is_text() {
            "multi_prompt"
        } else {
            "input"
        };
        body[field] = json!(list);
        return Ok(());
    }
    match request.extra.get("shot_type").map(|v| v.as_str()) {
        None => Ok(()),
        Some(Some("intelligence")) => {
            body["multi_shot"] = json!(true);
            body["shot_type"] = json!("intelligence");
            Ok(())
        }
        Some(_) => Err(VideoError::invalid(
            "shot_type",
            "is `intelligence` (customised shots go in multi_prompt)",
        )),
    }
}

/// The `element_list` option: up to three subject ids from the relay's subject library.
fn elements(request: &VideoRequest) -> Result<Option<Vec<u64>>, VideoError> {
    let Some(value) = request.extra.get("element_list") else {
        return Ok(None);
    };
    match serde_json::from_value::<Vec<u64>>(value.clone()) {
        Ok(ids) if (1..=3).contains(&ids.len()) => Ok(Some(ids)),
        _ => Err(VideoError::invalid(
            "element_list",
            "must be a list of 1 to 3 subject ids",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{body_of, payload_of};
    use video_core::{Image, TaskStatus};

    #[test]
    fn the_documented_replies_read() {
        let id = TaskId::new("tsk-geuace0sf3c6evp5");
        let reply = payload_of("dmx-kling-v3_submit_reply");
        let submitted = KLING_V3.submitted_id(reply.upstream().unwrap());
        assert_eq!(submitted.as_deref(), Some(id.as_str()));
        let read = |name: &str| KLING_V3.task(payload_of(name).payload(), &id).unwrap();
        let done = read("dmx-kling-v3_query_reply_succeeded");
        assert_eq!(done.status, TaskStatus::Succeeded);
        assert_eq!(done.videos[0].duration_secs, Some(3.041));
        assert_eq!(
            read("dmx-kling-v3_query_reply_running").status,
            TaskStatus::Processing
        );
        let failed = read("dmx-kling-v3_query_reply_failed");
        assert_eq!(failed.status, TaskStatus::Failed);
        assert!(KLING_V3.is_content_failure(failed.status_message.as_deref().unwrap()));
    }

    #[test]
    fn typed_options_become_the_documented_bodies() {
        let documented = body_of("dmx-kling-v3_submit_request_image_multishot");
        let request = VideoRequest::builder("")
            .image(Image::url(documented["image"].as_str().unwrap()))
            .quality(Quality::High)
            .duration_secs(5)
            .extra(
                "multi_prompt",
                json!([{"prompt": "宇航员缓缓回头遥望星空", "duration": 3},
                       {"prompt": "打开面罩，欣慰的笑了起来", "duration": 2}]),
            )
            .build();
        let body = KLING_V3.submit_body("kling-v3", &request).unwrap();
        for key in [
            "image",
            "multi_shot",
            "shot_type",
            "input",
            "mode",
            "duration",
        ] {
            assert_eq!(body[key], documented[key], "{key}");
        }
        let wrong_total = VideoRequest::builder("x")
            .duration_secs(8)
            .extra("multi_prompt", json!([{"prompt": "a", "duration": 3}]))
            .build();
        assert!(KLING_V3.check("kling-v3", &wrong_total).is_err());
        let subject = VideoRequest::builder("x")
            .extra("element_list", json!([149]))
            .build();
        let body = KLING_V3.submit_body("kling-v3", &subject).unwrap();
        assert_eq!(body["element_list"], json!([{"element_id": 149}]));
        let four = VideoRequest::builder("x")
            .extra("element_list", json!([1, 2, 3, 4]))
            .build();
        assert!(KLING_V3.check("kling-v3", &four).is_err());
    }
}
