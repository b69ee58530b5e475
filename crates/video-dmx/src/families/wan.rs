//! Wan 2.6 (`wan2.6-t2v`, `wan2.6-i2v` → `wan2.6-get`): DashScope's layout (`input` and
//! `parameters` objects), its task `output` inside the envelope's text. Notes:
//! `protocol/dmx-wan-2.6.md`.

use serde_json::{Map, Value, json};
use video_core::{
    AspectRatio, Capabilities, ImageCapabilities, Resolution, Task, TaskId, TaskStatus, VideoError,
    VideoInput, VideoRequest,
};

use super::{InlineForm, failed, image_value, object_or_snapshot, reason, snapshot, succeeded};
use crate::envelope::text_at;
use crate::family::{Family, Payload};

/// The Wan 2.6 family.
#[derive(Debug, Clone, Copy)]
pub struct Wan;

/// The family value the model table points at.
pub static WAN: Wan = Wan;

const IMAGE_MODEL: &str = "wan2.6-i2v";

/// Text-to-video sizes (`W*H`) per tier and ratio, as the page lists them.
const SIZES: [(u16, (u16, u16), &str); 10] = [
    (720, (16, 9), "1280*720"),
    (720, (9, 16), "720*1280"),
    (720, (1, 1), "960*960"),
    (720, (4, 3), "1088*832"),
    (720, (3, 4), "832*1088"),
    (1080, (16, 9), "1920*1080"),
    (1080, (9, 16), "1080*1920"),
    (1080, (1, 1), "1440*1440"),
    (1080, (4, 3), "1632*1248"),
    (1080, (3, 4), "1248*1632"),
];

/// Options that go into `input` or `parameters` rather than the top of the body.
const NESTED: [(&str, &str); 4] = [
    ("audio_url", "input"),
    ("prompt_extend", "parameters"),
    ("shot_type", "parameters"),
    ("watermark", "parameters"),
];

/// What `model` accepts: 2–15 s, 720P or 1080P (text-to-video: five ratios, or an exact
/// size from the list), a seed up to 2^31−1, a negative prompt; `wan2.6-i2v` a first frame.
pub(crate) fn capabilities(model: &str) -> Capabilities {
    let mut resolutions = vec![Resolution::P720, Resolution::P1080];
    let capabilities = Capabilities::new(1500)
        .with_negative_prompt(500)
        .with_duration_range(2, 15)
        .with_seed(2_147_483_647);
    if model == IMAGE_MODEL {
        return capabilities
            .with_resolutions(resolutions)
            .with_image_to_video(ImageCapabilities::urls_and_inline());
    }
    resolutions.extend(SIZES.iter().filter_map(|(_, _, size)| parse_size(size)));
    capabilities
        .with_resolutions(resolutions)
        .with_aspect_ratios(
            SIZES[..5]
                .iter()
                .map(|(_, (w, h), _)| AspectRatio::new(*w, *h)),
        )
}

impl Family for Wan {
    fn name(&self) -> &'static str {
        "wan"
    }

    fn route(&self) -> &'static str {
        "wan2.6-get"
    }

    fn consumed_options(&self) -> &'static [&'static str] {
        &["audio_url", "prompt_extend", "shot_type", "watermark"]
    }

    fn check(&self, model: &str, request: &VideoRequest) -> Result<(), VideoError> {
        let image = model == IMAGE_MODEL;
        if image == request.input.is_text() {
            let reason = if image {
                "wan2.6-i2v needs a first frame"
            } else {
                "wan2.6-t2v takes no image"
            };
            return Err(VideoError::invalid("image", reason));
        }
        if image && request.aspect_ratio.is_some() {
            return Err(VideoError::invalid("aspect_ratio", "follows the image"));
        }
        size(request).map(drop)
    }

    fn submit_body(&self, _model: &str, request: &VideoRequest) -> Result<Value, VideoError> {
        let mut input = json!({ "prompt": request.prompt });
        let mut parameters = Map::new();
        if let Some(text) = &request.negative_prompt {
            input["negative_prompt"] = json!(text);
        }
        if let VideoInput::Image { first_frame, .. } = &request.input {
            input["img_url"] = json!(image_value(first_frame, InlineForm::DataUrl));
            if let Some(resolution) = request.resolution {
                parameters.insert(
                    "resolution".into(),
                    json!(format!("{}P", resolution.lines())),
                );
            }
        } else if let Some(size) = size(request)? {
            parameters.insert("size".into(), json!(size));
        }
        if let Some(seconds) = request.duration_secs {
            parameters.insert("duration".into(), json!(seconds));
        }
        if let Some(seed) = request.seed {
            parameters.insert("seed".into(), json!(seed));
        }
        for (option, place) in NESTED {
            if let Some(value) = request.extra.get(option) {
                let target = if place == "input" {
                    input.as_object_mut()
                } else {
                    Some(&mut parameters)
                };
                if let Some(target) = target {
                    target.insert(option.to_owned(), value.clone());
                }
            }
        }
        Ok(json!({ "input": input, "parameters": parameters }))
    }

    fn submitted_id(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/task_id", "/output/task_id"])
    }

    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError> {
        let object = match object_or_snapshot(reply, id) {
            Ok(object) => object,
            Err(snapshot) => return Ok(*snapshot),
        };
        let raw = text_at(object, &["/task_status", "/output/task_status"]).unwrap_or_default();
        match raw.as_str() {
            "PENDING" => Ok(snapshot(id, TaskStatus::Submitted, &raw)),
            "RUNNING" => Ok(snapshot(id, TaskStatus::Processing, &raw)),
            "SUCCEEDED" => succeeded(
                id,
                &raw,
                text_at(object, &["/video_url", "/output/video_url"]),
            ),
            "FAILED" | "CANCELED" => {
                let message = reason(text_at(object, &["/code"]), text_at(object, &["/message"]));
                Ok(failed(id, &raw, message.or(Some(raw.clone()))))
            }
            // DashScope's answer for an id it does not know (or no longer keeps).
            "UNKNOWN" => Err(VideoError::NotFound {
                task_id: id.clone(),
            }),
            _ => Ok(snapshot(id, TaskStatus::Unknown(raw.clone()), &raw)),
        }
    }

    fn is_content_failure(&self, message: &str) -> bool {
        message.starts_with("DataInspectionFailed")
            || video_kling_protocol::is_content_rejection(message)
    }
}

/// The text-to-video `size`: an exact `W*H` from the list, or the tier and ratio's size.
fn size(request: &VideoRequest) -> Result<Option<String>, VideoError> {
    if !request.input.is_text() {
        return Ok(None);
    }
    let Some(resolution) = request.resolution else {
        return request
            .aspect_ratio
            .map(|ratio| lookup(1080, ratio))
            .transpose();
    };
    if let Some((width, height)) = resolution.dimensions() {
        return Ok(Some(format!("{width}*{height}")));
    }
    let ratio = request.aspect_ratio.unwrap_or(AspectRatio::LANDSCAPE_16_9);
    lookup(resolution.lines(), ratio).map(Some)
}

fn lookup(lines: u16, ratio: AspectRatio) -> Result<String, VideoError> {
    SIZES
        .iter()
        .find(|(tier, (w, h), _)| *tier == lines && AspectRatio::new(*w, *h) == ratio)
        .map(|(_, _, size)| (*size).to_owned())
        .ok_or_else(|| VideoError::invalid("resolution", format!("no {lines}P size at {ratio}")))
}

fn parse_size(size: &str) -> Option<Resolution> {
    let (width, height) = size.split_once('*')?;
    Some(Resolution::size(width.parse().ok()?, height.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{body_of, payload_of};

    #[test]
    fn the_documented_replies_read() {
        let id = TaskId::new("3a7d8355-ef78-48cd-863c-6cdb9707ba91");
        let reply = payload_of("dmx-wan-2.6_submit_reply");
        let submitted = WAN.submitted_id(reply.upstream().unwrap());
        assert_eq!(submitted.as_deref(), Some(id.as_str()));
        let read = |name: &str| WAN.task(payload_of(name).payload(), &id).unwrap();
        let done = read("dmx-wan-2.6_query_reply_succeeded");
        assert!(
            done.videos[0]
                .url()
                .unwrap()
                .contains("?Expires=1770874935&OSSAccessKeyId")
        );
        assert_eq!(
            read("dmx-wan-2.6_query_reply_running").status,
            TaskStatus::Processing
        );
        let failed = read("dmx-wan-2.6_query_reply_failed");
        assert!(WAN.is_content_failure(failed.status_message.as_deref().unwrap()));
    }

    #[test]
    fn a_request_becomes_the_documented_body() {
        let documented = body_of("dmx-wan-2.6_submit_request");
        let request = VideoRequest::builder(documented["input"]["prompt"].as_str().unwrap())
            .resolution(Resolution::P1080)
            .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
            .duration_secs(10)
            .seed(666)
            .extra("audio_url", json!("https://example.com/audio/poem.mp3"))
            .extra("prompt_extend", json!(true))
            .extra("shot_type", json!("multi"))
            .extra("watermark", json!(false))
            .build();
        let body = WAN.submit_body("wan2.6-t2v", &request).unwrap();
        assert_eq!(body["parameters"], documented["parameters"]);
        assert_eq!(body["input"]["audio_url"], documented["input"]["audio_url"]);
        let exact = VideoRequest::builder("x")
            .resolution(Resolution::size(832, 1088))
            .build();
        assert_eq!(
            WAN.submit_body("wan2.6-t2v", &exact).unwrap()["parameters"]["size"],
            "832*1088"
        );
    }
}
