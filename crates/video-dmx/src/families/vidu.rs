//! Vidu (`viduq3-pro`, `viduq2-pro`, `viduq2-ctv` → `vidu-get`, streamed): Vidu's flat
//! create object, then a streamed query whose outcome is text (`视频URL: …`, progress as
//! `当前进度: 50%`). Notes: `protocol/dmx-vidu.md`.

use serde_json::{Value, json};
use video_core::{
    AspectRatio, Capabilities, ImageCapabilities, Resolution, Sound, Task, TaskId, TaskStatus,
    VideoError, VideoInput, VideoRequest,
};

use super::{InlineForm, failed, image_value, snapshot};
use crate::envelope::text_at;
use crate::family::{Family, Payload};
use crate::sse::{last_percent, value_after};

/// The Vidu family.
#[derive(Debug, Clone, Copy)]
pub struct Vidu;

/// The family value the model table points at.
pub static VIDU: Vidu = Vidu;

const Q3: &str = "viduq3-pro";
const Q2_PRO: &str = "viduq2-pro";
const Q2_CTV: &str = "viduq2-ctv";

/// What `model` accepts: q3-pro 1–16 s (text, first frame, first+last), q2-pro 1–8 s
/// (first+last only), q2-ctv 1–10 s (references in the `subjects` option); 540p, 720p,
/// 1080p; five ratios on text and reference modes; a seed; sound (q3, ctv: `audio`;
/// q2-pro: `bgm`).
pub(crate) fn capabilities(model: &str) -> Capabilities {
    let (longest, prompt) = match model {
        Q3 => (16, 5000),
        Q2_PRO => (8, 2000),
        _ => (10, 2000),
    };
    let capabilities = Capabilities::new(prompt)
        .with_duration_range(1, longest)
        .with_resolutions([Resolution::P540, Resolution::P720, Resolution::P1080])
        .with_aspect_ratios([
            AspectRatio::LANDSCAPE_16_9,
            AspectRatio::PORTRAIT_9_16,
            AspectRatio::new(3, 4),
            AspectRatio::new(4, 3),
            AspectRatio::SQUARE_1_1,
        ])
        .with_seed(u64::from(u32::MAX))
        .with_sound(true)
        .with_callbacks(true)
        .with_long_wait(true)
        .with_progress(true);
    match model {
        Q2_CTV => capabilities,
        _ => capabilities
            .with_image_to_video(ImageCapabilities::urls_and_inline().with_last_frame(true)),
    }
}

impl Family for Vidu {
    fn name(&self) -> &'static str {
        "vidu"
    }

    fn route(&self) -> &'static str {
        "vidu-get"
    }

    fn streams(&self) -> bool {
        true
    }

    /// q2-pro takes a first and a last frame; q2-ctv takes its references in `subjects`
    /// (`[{"id", "images": [...], "voice_id"}]`); image modes follow the image's ratio.
    fn check(&self, model: &str, request: &VideoRequest) -> Result<(), VideoError> {
        let both = matches!(
            &request.input,
            VideoInput::Image {
                last_frame: Some(_),
                ..
            }
        );
        if model == Q2_PRO && !both {
            return Err(VideoError::invalid(
                "image",
                "viduq2-pro needs a first and a last frame",
            ));
        }
        let subjects = request.extra.get("subjects").and_then(Value::as_array);
        if model == Q2_CTV && subjects.is_none_or(|list| list.is_empty()) {
            let reason = "viduq2-ctv needs `subjects`: [{\"id\", \"images\": [urls]}]";
            return Err(VideoError::invalid("subjects", reason));
        }
        if !request.input.is_text() && request.aspect_ratio.is_some() {
            return Err(VideoError::invalid(
                "aspect_ratio",
                "follows the image in image modes",
            ));
        }
        Ok(())
    }

    fn submit_body(&self, model: &str, request: &VideoRequest) -> Result<Value, VideoError> {
        let mut body = json!({ "input": request.prompt });
        if let VideoInput::Image {
            first_frame,
            last_frame,
        } = &request.input
        {
            let mut images = vec![image_value(first_frame, InlineForm::DataUrl)];
            images.extend(
                last_frame
                    .iter()
                    .map(|l| image_value(l, InlineForm::DataUrl)),
            );
            if model == Q3 && images.len() == 2 {
                // q3 first+last: the images in `input`, the text in `prompt` (as documented).
                body = json!({ "input": images, "prompt": request.prompt });
            } else {
                body["images"] = json!(images);
            }
        }
        if let Some(seconds) = request.duration_secs {
            body["duration"] = json!(seconds);
        }
        if let Some(resolution) = request.resolution {
            body["resolution"] = json!(format!("{}p", resolution.lines()));
        }
        if let Some(ratio) = request.aspect_ratio {
            body["aspect_ratio"] = json!(ratio.to_string());
        }
        if let Some(seed) = request.seed {
            body["seed"] = json!(seed);
        }
        if let Some(sound) = request.sound {
            let field = if model == Q2_PRO { "bgm" } else { "audio" };
            body[field] = json!(sound == Sound::On);
        }
        if let Some(url) = &request.callback_url {
            body["callback_url"] = json!(url);
        }
        Ok(body)
    }

    fn submitted_id(&self, reply: &Value) -> Option<String> {
        text_at(reply, &["/task_id", "/id"])
    }

    fn task(&self, reply: Payload<'_>, id: &TaskId) -> Result<Task, VideoError> {
        match reply {
            Payload::Text { text, completed } => Ok(from_text(text, completed, id)),
            Payload::Json(object) => from_object(object, id),
            Payload::Pending => Ok(snapshot(id, TaskStatus::Processing, "no output yet")),
        }
    }
}

/// The streamed text: every `视频URL:` line is a video; else the last percentage is the
/// progress; a completed text without a video is a failure in words.
fn from_text(text: &str, completed: bool, id: &TaskId) -> Task {
    let urls: Vec<String> = text
        .lines()
        .filter_map(|line| value_after(line, "视频URL"))
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .collect();
    if !urls.is_empty() {
        let mut task = snapshot(id, TaskStatus::Succeeded, "success");
        task.videos = urls.into_iter().map(super::video_at).collect();
        if let Some(percent) = last_percent(text) {
            task.set_progress(percent, false);
        }
        return task;
    }
    if completed && !text.trim().is_empty() && !text.contains("当前进度") {
        return failed(id, "failed", Some(text.trim().to_owned()));
    }
    let mut task = snapshot(id, TaskStatus::Processing, "processing");
    if let Some(percent) = last_percent(text) {
        task.set_progress(percent, false);
    }
    task
}

/// Vidu's own task object (the undocumented non-streamed form): `state` and `creations`.
fn from_object(object: &Value, id: &TaskId) -> Result<Task, VideoError> {
    let raw = text_at(object, &["/state"])
        .ok_or_else(|| VideoError::decode(Some(200), "a Vidu reply without `state`", b""))?;
    Ok(match raw.as_str() {
        "created" | "queueing" => snapshot(id, TaskStatus::Submitted, &raw),
        "processing" => snapshot(id, TaskStatus::Processing, &raw),
        "success" => {
            let url = text_at(object, &["/creations/0/url"]);
            super::succeeded(id, &raw, url)?
        }
        "failed" => failed(id, &raw, text_at(object, &["/err_code"])),
        _ => snapshot(id, TaskStatus::Unknown(raw.clone()), &raw),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{events_of, reply_of};

    fn text_of(name: &str) -> (String, bool) {
        let mut text = String::new();
        let mut completed = false;
        for (_, data) in events_of(name) {
            let value: Value = serde_json::from_str(&data).unwrap_or(Value::Null);
            if let Some(delta) = value["delta"].as_str() {
                text.push_str(delta);
            }
            completed |= data == "[DONE]";
        }
        (text, completed)
    }

    #[test]
    fn the_streamed_texts_read() {
        let id = TaskId::new("949909892414607360");
        let reply = reply_of("dmx-vidu_submit_reply");
        assert_eq!(VIDU.submitted_id(&reply).as_deref(), Some(id.as_str()));
        let (text, completed) = text_of("dmx-vidu_query_stream_succeeded");
        let done = from_text(&text, completed, &id);
        assert_eq!(done.status, TaskStatus::Succeeded);
        assert!(
            done.videos[0]
                .url()
                .unwrap()
                .contains("creation-01/video.mp4")
        );
        let (text, completed) = text_of("dmx-vidu_query_stream_running");
        let running = from_text(&text, completed, &id);
        assert_eq!(
            (running.status, running.progress),
            (TaskStatus::Processing, Some(50))
        );
    }

    #[test]
    fn modes_follow_the_pages() {
        let first_last = VideoRequest::builder("birds")
            .images(
                video_core::Image::url("https://a/1.jpg"),
                video_core::Image::url("https://a/2.jpg"),
            )
            .build();
        let body = VIDU.submit_body(Q3, &first_last).unwrap();
        assert_eq!(body["input"], json!(["https://a/1.jpg", "https://a/2.jpg"]));
        assert_eq!(body["prompt"], "birds");
        assert!(VIDU.check(Q2_PRO, &VideoRequest::new("x")).is_err());
        assert!(VIDU.check(Q2_CTV, &VideoRequest::new("x")).is_err());
    }
}
