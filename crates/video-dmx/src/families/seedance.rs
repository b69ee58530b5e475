//! Seedance 2.0 (`doubao-seedance-2-0-260128`, `-fast-260128` → `seedance-2-0-get`):
//! content items in `input`, a flat submit reply (`id`), the query's Ark task inside the
//! envelope's text. Notes: `protocol/dmx-seedance-2.md`.

use serde_json::{Value, json};
use video_core::{
    AspectRatio, Capabilities, ImageCapabilities, Resolution, Sound, Task, TaskId, TaskStatus,
    VideoError, VideoInput, VideoRequest,
};
use video_http::wire::ErrorKind;

use super::{InlineForm, failed, image_value, object_or_snapshot, reason, snapshot, succeeded};
use crate::envelope::text_at;
use crate::family::{Family, Payload, VendorError};

/// The Seedance 2.0 family.
#[derive(Debug, Clone, Copy)]
pub struct Seedance;

/// The family value the model table points at.
pub static SEEDANCE: Seedance = Seedance;

/// The typed reference options: each a list of URLs sent as content items with its role.
const REFERENCES: [(&str, &str, &str, usize); 3] = [
    ("reference_images", "image_url", "reference_image", 9),
    ("reference_videos", "video_url", "reference_video", 3),
    ("reference_audios", "audio_url", "reference_audio", 3),
];

/// What the full model accepts (the fast one: 480p and 720p only).
pub(crate) fn capabilities(fast: bool) -> Capabilities {
    let resolutions = if fast {
        vec![Resolution::P480, Resolution::P720]
    } else {
        vec![Resolution::P480, Resolution::P720, Resolution::P1080]
    };
    Capabilities::new(4000)
        .with_duration_range(4, 15)
        .with_resolutions(resolutions)
        .with_aspect_ratios([
            AspectRatio::LANDSCAPE_16_9,
            AspectRatio::new(4, 3),
            AspectRatio::SQUARE_1_1,
            AspectRatio::new(3, 4),
            AspectRatio::PORTRAIT_9_16,
            AspectRatio::new(21, 9),
        ])
        .with_sound(true)
        .with_seed(u64::from(u32::MAX))
        .with_callbacks(true)
        .with_image_to_video(ImageCapabilities::urls_and_inline().with_last_frame(true))
}

impl Family for Seedance {
    fn name(&self) -> &'static str {
        "seedance"
    }

    fn route(&self) -> &'static str {
        "seedance-2-0-get"
    }

    fn consumed_options(&self) -> &'static [&'static str] {
        &["reference_images", "reference_videos", "reference_audios"]
    }

    fn check(&self, _model: &str, request: &VideoRequest) -> Result<(), VideoError> {
        let count = |key: &str| {
            request
                .extra
                .get(key)
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        for (key, _, _, max) in REFERENCES {
            match request.extra.get(key) {
                None => {}
                Some(Value::Array(urls)) if urls.len() <= max && urls.iter().all(is_url) => {}
                Some(_) => {
                    return Err(VideoError::invalid(
                        key,
                        format!("must be a list of at most {max} http(s) URLs"),
                    ));
                }
            }
        }
        let visual = count("reference_images") + count("reference_videos");
        if count("reference_audios") > 0 && visual == 0 && request.input.is_text() {
            return Err(VideoError::invalid(
                "reference_audios",
                "needs at least one image or video beside it",
            ));
        }
        Ok(())
    }

    fn submit_body(&self, _model: &str, request: &VideoRequest) -> Result<Value, VideoError> {
        let mut items = vec![json!({"type": "text", "text": request.prompt})];
        if let VideoInput::Image {
            first_frame,
            last_frame,
        } = &request.input
        {
            items.push(image_item(
                &image_value(first_frame, InlineForm::DataUrl),
                "first_frame",
            ));
            if let Some(last) = last_frame {
                items.push(image_item(
                    &image_value(last, InlineForm::DataUrl),
                    "last_frame",
                ));
            }
        }
        for (key, kind, role, _) in REFERENCES {
            let urls = request.extra.get(key).and_then(Value::as_array);
            for url in urls.into_iter().flatten().filter_map(Value::as_str) {
                items.push(json!({"type": kind, kind: {"url": url}, "role": role}));
            }
        }
        let mut body = json!({ "input": items });
        if let Some(ratio) = request.aspect_ratio {
            body["ratio"] = json!(ratio.to_string());
        }
        if let Some(resolution) = request.resolution {
            body["resolution"] = json!(format!("{}p", resolution.lines()));
        }
        if let Some(seconds) = request.duration_secs {
            body["duration"] = json!(seconds);
        }
        if let Some(sound) = request.sound {
            body["generate_audio"] = json!(sound == Sound::On);
        }
        if let Some(seed) = request.seed {
            body["seed"] = json!(seed);
        }
        if let Some(url) = &request.callback_url {
            body["callback_url"] = json!(url);
        }
        Ok(body)
    }

    fn submitted_id(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/id"])
    }

    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError> {
        let object = match object_or_snapshot(reply, id) {
            Ok(object) => object,
            Err(snapshot) => return Ok(*snapshot),
        };
        let raw = text_at(object, &["/status"]).unwrap_or_default();
        match raw.as_str() {
            "queued" => Ok(snapshot(id, TaskStatus::Submitted, &raw)),
            "running" => Ok(snapshot(id, TaskStatus::Processing, &raw)),
            "succeeded" => succeeded(id, &raw, text_at(object, &["/content/video_url"])),
            "failed" | "expired" | "cancelled" => {
                let code = text_at(object, &["/error/code", "/code"]);
                let message = text_at(object, &["/error/message", "/message", "/reason", "/error"]);
                Ok(failed(
                    id,
                    &raw,
                    reason(code, message).or(Some(raw.clone())),
                ))
            }
            _ => Ok(snapshot(id, TaskStatus::Unknown(raw.clone()), &raw)),
        }
    }

    /// Ark's refusals at submission (`InputImageSensitiveContentDetected`, ...) arrive as
    /// the relay's error object with Ark's code. A task object (it has a `status`) carrying
    /// an `error` is a failed task, read by [`task`](Family::task), not a refusal.
    fn vendor_error(&self, body: &Value) -> Option<VendorError> {
        if body.get("status").is_some() {
            return None;
        }
        let code = text_at(body, &["/error/code"])?;
        code.contains("SensitiveContent").then(|| VendorError {
            kind: ErrorKind::Content,
            message: text_at(body, &["/error/message"]).unwrap_or_else(|| code.clone()),
            code,
        })
    }

    fn is_content_failure(&self, message: &str) -> bool {
        message.contains("SensitiveContent") || video_kling_protocol::is_content_rejection(message)
    }
}

fn image_item(url: &str, role: &str) -> Value {
    json!({"type": "image_url", "image_url": {"url": url}, "role": role})
}

fn is_url(value: &Value) -> bool {
    value.as_str().is_some_and(|url| {
        url.starts_with("https://") || url.starts_with("http://") || url.starts_with("asset://")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{body_of, payload_of, reply_of};

    #[test]
    fn the_documented_replies_read() {
        let id = TaskId::new("cgt-20260403171827-s64n7");
        let submitted = reply_of("dmx-seedance-2_submit_reply");
        assert_eq!(
            SEEDANCE.submitted_id(&submitted).as_deref(),
            Some(id.as_str())
        );
        let read = |name: &str| SEEDANCE.task(payload_of(name).payload(), &id).unwrap();
        let done = read("dmx-seedance-2_query_reply_succeeded");
        assert_eq!(done.status, TaskStatus::Succeeded);
        let url = done.videos[0].url().unwrap();
        assert!(
            url.contains("X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Credential"),
            "{url}"
        );
        assert_eq!(
            read("dmx-seedance-2_query_reply_running").status,
            TaskStatus::Processing
        );
        let failed = read("dmx-seedance-2_query_reply_failed");
        assert_eq!(failed.status, TaskStatus::Failed);
        assert!(SEEDANCE.is_content_failure(failed.status_message.as_deref().unwrap()));
        let failed_task = payload_of("dmx-seedance-2_query_reply_failed");
        assert!(
            SEEDANCE
                .vendor_error(failed_task.upstream().unwrap())
                .is_none()
        );
        let refused = reply_of("dmx-seedance-2_submit_error_input_sensitive");
        assert_eq!(
            SEEDANCE.vendor_error(&refused).unwrap().kind,
            ErrorKind::Content
        );
    }

    #[test]
    fn a_request_becomes_the_documented_body() {
        let documented = body_of("dmx-seedance-2_submit_request_first_last");
        let request = VideoRequest::builder(documented["input"][0]["text"].as_str().unwrap())
            .images(
                video_core::Image::url(
                    documented["input"][1]["image_url"]["url"].as_str().unwrap(),
                ),
                video_core::Image::url(
                    documented["input"][2]["image_url"]["url"].as_str().unwrap(),
                ),
            )
            .build();
        let body = SEEDANCE.submit_body("m", &request).unwrap();
        assert_eq!(body["input"], documented["input"]);
        let audio_alone = VideoRequest::builder("x")
            .extra("reference_audios", json!(["https://a/1.mp3"]))
            .build();
        assert!(SEEDANCE.check("m", &audio_alone).is_err());
    }
}
