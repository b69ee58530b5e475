//! PixVerse V6 (`PixVerse-V6` → `paiwo-get`), text-to-video: PixVerse's own objects — a
//! flat `video_id` (or `Resp.video_id`) on submission, then `{ErrCode, ErrMsg, Resp}` with a
//! numeric `status` (5 generating, 1 done, 7 and 8 failed). Notes:
//! `protocol/dmx-pixverse-v6.md`. Image modes need an upload call whose billing and
//! lifetime are undocumented; they are refused before sending (`docs/providers/dmx.md`).

use serde_json::{Value, json};
use video_core::{
    AspectRatio, Capabilities, Resolution, Sound, Task, TaskId, TaskStatus, VideoError,
    VideoRequest,
};
use video_http::wire::ErrorKind;

use super::{failed, snapshot, succeeded};
use crate::envelope::text_at;
use crate::family::{Family, Payload, VendorError};

/// The PixVerse family.
#[derive(Debug, Clone, Copy)]
pub struct PixVerse;

/// The family value the model table points at.
pub static PIXVERSE: PixVerse = PixVerse;

/// What PixVerse V6 accepts here: 1–15 s, 360p to 1080p, eight ratios, sound, a seed up to
/// 2³¹−1, a negative prompt; text-to-video only.
pub(crate) fn capabilities() -> Capabilities {
    Capabilities::new(5000)
        .with_negative_prompt(2048)
        .with_duration_range(1, 15)
        .with_resolutions([
            Resolution::P360,
            Resolution::P540,
            Resolution::P720,
            Resolution::P1080,
        ])
        .with_aspect_ratios([
            AspectRatio::LANDSCAPE_16_9,
            AspectRatio::PORTRAIT_9_16,
            AspectRatio::new(4, 3),
            AspectRatio::new(3, 4),
            AspectRatio::SQUARE_1_1,
            AspectRatio::new(2, 3),
            AspectRatio::new(3, 2),
            AspectRatio::new(21, 9),
        ])
        .with_sound(true)
        .with_seed(2_147_483_647)
}

impl Family for PixVerse {
    fn name(&self) -> &'static str {
        "pixverse"
    }

    fn route(&self) -> &'static str {
        "paiwo-get"
    }

    /// `duration`, `quality` and `aspect_ratio` are required by the relay's pages, with no
    /// default documented: the SDK sends 5 s, 720p and 16:9 when the request names none.
    fn submit_body(&self, _model: &str, request: &VideoRequest) -> Result<Value, VideoError> {
        let lines = request.resolution.map_or(720, Resolution::lines);
        let mut body = json!({
            "input": request.prompt,
            "duration": request.duration_secs.unwrap_or(5),
            "quality": format!("{lines}p"),
            "aspect_ratio": request.aspect_ratio.unwrap_or(AspectRatio::LANDSCAPE_16_9).to_string(),
        });
        if let Some(sound) = request.sound {
            body["generate_audio_switch"] = json!(sound == Sound::On);
        }
        if let Some(seed) = request.seed {
            body["seed"] = json!(seed);
        }
        if let Some(text) = &request.negative_prompt {
            body["negative_prompt"] = json!(text);
        }
        Ok(body)
    }

    /// `video_id` at the top (V6) or in `Resp` (the C1 pages' wrapper), a number read as
    /// text, never through a float.
    fn submitted_id(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/video_id", "/Resp/video_id"])
    }

    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError> {
        let object = reply.json()?;
        match object.get("Resp") {
            Some(resp) => Ok(from_capture(resp, id)),
            None => from_simplified(object, id),
        }
    }

    /// A non-zero `ErrCode` (PixVerse's wrapper), whatever the HTTP status.
    fn vendor_error(&self, body: &Value) -> Option<VendorError> {
        let code = body.get("ErrCode")?.as_i64().filter(|code| *code != 0)?;
        let message =
            text_at(body, &["/ErrMsg"]).unwrap_or_else(|| format!("PixVerse error {code}"));
        let kind = if message.to_lowercase().contains("credit") || message.contains("balance") {
            ErrorKind::Quota
        } else {
            ErrorKind::Other
        };
        Some(VendorError {
            kind,
            code: code.to_string(),
            message,
        })
    }

    fn is_content_failure(&self, message: &str) -> bool {
        message.starts_with("7:") || video_kling_protocol::is_content_rejection(message)
    }
}

/// The raw capture's `Resp`: 1 with a URL is done; 5 (or 1 without a URL yet) is generating;
/// 7 moderation and 8 generation failures (PixVerse's own docs; the relay's do not say which
/// is which).
fn from_capture(resp: &Value, id: &TaskId) -> Task {
    let status = resp.get("status").and_then(Value::as_i64).unwrap_or(-1);
    let raw = status.to_string();
    let url = text_at(resp, &["/url"]);
    match (status, url) {
        (1, Some(url)) => {
            let mut task = snapshot(id, TaskStatus::Succeeded, &raw);
            task.videos.push(super::video_at(url));
            task
        }
        (1 | 5, _) => snapshot(id, TaskStatus::Processing, &raw),
        (7, _) => failed(id, &raw, Some("7: moderation failed".to_owned())),
        (8, _) => failed(id, &raw, Some("8: generation failed".to_owned())),
        _ => snapshot(id, TaskStatus::Unknown(raw.clone()), &raw),
    }
}

/// The simplified form three pages show (`status: "succeeded"`, `video_url`).
fn from_simplified(object: &Value, id: &TaskId) -> Result<Task, VideoError> {
    let raw = text_at(object, &["/status"]).ok_or_else(|| {
        VideoError::decode(
            Some(200),
            "a PixVerse reply with neither Resp nor status",
            b"",
        )
    })?;
    Ok(match raw.as_str() {
        "succeeded" | "success" => succeeded(id, &raw, text_at(object, &["/video_url"]))?,
        "failed" => failed(id, &raw, text_at(object, &["/message", "/error"])),
        "pending" | "queued" => snapshot(id, TaskStatus::Submitted, &raw),
        "processing" | "running" => snapshot(id, TaskStatus::Processing, &raw),
        _ => snapshot(id, TaskStatus::Unknown(raw.clone()), &raw),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{body_of, reply_of};

    #[test]
    fn both_submit_shapes_and_every_query_shape_read() {
        let id = TaskId::new("404137115562463");
        for name in [
            "dmx-pixverse-v6_submit_reply",
            "dmx-pixverse-v6_submit_reply_wrapped",
        ] {
            assert_eq!(
                PIXVERSE.submitted_id(&reply_of(name)).as_deref(),
                Some(id.as_str())
            );
        }
        let read = |name: &str| PIXVERSE.task(Payload::Json(&reply_of(name)), &id).unwrap();
        let done = read("dmx-pixverse-v6_query_reply_succeeded");
        assert!(
            done.videos[0].url().unwrap().contains("pixverse%2Fmp4"),
            "kept as sent"
        );
        assert_eq!(
            read("dmx-pixverse-v6_query_reply_running").status,
            TaskStatus::Processing
        );
        let failed = read("dmx-pixverse-v6_query_reply_failed");
        assert!(PIXVERSE.is_content_failure(failed.status_message.as_deref().unwrap()));
        assert_eq!(
            read("dmx-pixverse-v6_query_reply_simplified").status,
            TaskStatus::Succeeded
        );
        let refused = json!({"ErrCode": 701009, "ErrMsg": "You can only query your own content"});
        assert_eq!(PIXVERSE.vendor_error(&refused).unwrap().code, "701009");
    }

    #[test]
    fn a_request_becomes_the_documented_body() {
        let documented = body_of("dmx-pixverse-v6_submit_request");
        let request = VideoRequest::builder(documented["input"].as_str().unwrap())
            .duration_secs(5)
            .resolution(Resolution::P360)
            .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
            .sound(Sound::On)
            .build();
        let body = PIXVERSE.submit_body("PixVerse-V6", &request).unwrap();
        for key in [
            "input",
            "duration",
            "quality",
            "aspect_ratio",
            "generate_audio_switch",
        ] {
            assert_eq!(body[key], documented[key], "{key}");
        }
    }
}
