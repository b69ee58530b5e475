//! What MiniMax defines, shared by the direct client and the relay's Hailuo family
//! (`video-dmx`): the models' rules, the task statuses, the `base_resp` codes, the body
//! fields a request becomes, and what a failure's code means. Notes: `protocol/minimax.md`.

use serde_json::{Map, Value, json};
use video_core::{
    Capabilities, ImageCapabilities, RateLimitScope, Resolution, TaskStatus, VideoError,
    VideoInput, VideoRequest,
};
use video_http::wire::{CodeTable, ErrorKind, StatusNames};

/// `MiniMax-Hailuo-2.3`: text- and image-to-video.
pub const HAILUO_2_3: &str = "MiniMax-Hailuo-2.3";
/// `MiniMax-Hailuo-2.3-Fast`: image-to-video only.
pub const HAILUO_2_3_FAST: &str = "MiniMax-Hailuo-2.3-Fast";
/// `MiniMax-Hailuo-02`: also 512P from a first frame, and a last frame.
pub const HAILUO_02: &str = "MiniMax-Hailuo-02";
/// The v1 models this SDK knows the rules of.
pub const MODELS: [&str; 3] = [HAILUO_2_3, HAILUO_2_3_FAST, HAILUO_02];

/// MiniMax's `base_resp.status_code`s (usually sent with HTTP 200): 1002, 1039, 1041 and
/// 2045 rate limits, 1004 and 2049 authentication, 1008 and 2056 balance or plan, 1026/1027
/// content policy, 1042 and 2013 parameters, 1000/1001/1013/1024/1033 transient, 2038
/// real-name verification.
pub const MINIMAX_CODES: CodeTable = CodeTable(&[
    (1000..=1001, ErrorKind::Transient),
    (1002..=1002, ErrorKind::Rate(RateLimitScope::Requests, None)),
    (1004..=1004, ErrorKind::Unauthorized),
    (1008..=1008, ErrorKind::Quota),
    (1013..=1013, ErrorKind::Transient),
    (1024..=1024, ErrorKind::Transient),
    (1026..=1027, ErrorKind::Content),
    (1033..=1033, ErrorKind::Transient),
    (1039..=1039, ErrorKind::Rate(RateLimitScope::Requests, None)),
    (
        1041..=1041,
        ErrorKind::Rate(RateLimitScope::Concurrency, None),
    ),
    (1042..=1042, ErrorKind::Invalid),
    (2013..=2013, ErrorKind::Invalid),
    (2038..=2038, ErrorKind::Forbidden),
    (2045..=2045, ErrorKind::Rate(RateLimitScope::Requests, None)),
    (2049..=2049, ErrorKind::Unauthorized),
    (2056..=2056, ErrorKind::Quota),
]);

/// MiniMax's task statuses, compared without case: `Preparing`/`Queueing` waiting,
/// `Processing` rendering, `Success`, `Fail` (an older page writes `Failed`).
pub fn minimax_status(raw: &str) -> TaskStatus {
    MINIMAX_STATUSES.status_of(raw)
}

/// MiniMax's status names (see [`minimax_status`]).
pub const MINIMAX_STATUSES: StatusNames = StatusNames(&[
    ("Preparing", TaskStatus::Submitted),
    ("Queueing", TaskStatus::Submitted),
    ("Queued", TaskStatus::Submitted),
    ("Processing", TaskStatus::Processing),
    ("Success", TaskStatus::Succeeded),
    ("Fail", TaskStatus::Failed),
    ("Failed", TaskStatus::Failed),
]);

/// Whether a failure's reason (`1027: output new_sensitive`) is a content-policy refusal.
pub fn is_content_failure(message: &str) -> bool {
    message.starts_with("1026") || message.starts_with("1027") || message.contains("sensitive")
}

/// What `model` accepts: 6 or 10 s; 768P and 1080P (02 also 512P); a first frame (02 also a
/// last one) as a URL or inline.
pub fn capabilities(model: &str) -> Capabilities {
    let mut resolutions = vec![Resolution::P768, Resolution::P1080];
    if model == HAILUO_02 {
        resolutions.insert(0, Resolution::P512);
    }
    Capabilities::new(2000)
        .with_durations([6, 10])
        .with_resolutions(resolutions)
        .with_image_to_video(
            ImageCapabilities::urls_and_inline().with_last_frame(model == HAILUO_02),
        )
}

/// The rules across fields: 2.3-Fast animates an image only; 1080P only at 6 s; 512P only
/// for 02 from a first frame alone; no aspect ratio (fixed, or the image's).
///
/// # Errors
/// [`VideoError::InvalidRequest`] naming the field.
pub fn check(model: &str, request: &VideoRequest) -> Result<(), VideoError> {
    let lines = request.resolution.map_or(768, Resolution::lines);
    let seconds = request.duration_secs.unwrap_or(6);
    let last_frame = matches!(
        &request.input,
        VideoInput::Image {
            last_frame: Some(_),
            ..
        }
    );
    let refuse = |field, reason: &str| Err(VideoError::invalid(field, reason.to_owned()));
    if model == HAILUO_2_3_FAST && request.input.is_text() {
        return refuse("image", "MiniMax-Hailuo-2.3-Fast animates an image only");
    }
    if lines == 1080 && seconds != 6 {
        return refuse("resolution", "1080P is offered at 6 s only");
    }
    if lines == 512 && (request.input.is_text() || last_frame) {
        return refuse(
            "resolution",
            "512P is for image-to-video from a first frame",
        );
    }
    if request.aspect_ratio.is_some() {
        return refuse("aspect_ratio", "Hailuo's frame is fixed, or the image's");
    }
    Ok(())
}

/// The request's MiniMax fields besides the prompt: `duration`, `resolution` (`768P`),
/// `first_frame_image` / `last_frame_image` (URLs, or bytes as `data:` URLs:
/// [`video_core::Image::url_text`]).
pub fn frame_fields(request: &VideoRequest) -> Map<String, Value> {
    let mut fields = Map::new();
    if let Some(seconds) = request.duration_secs {
        fields.insert("duration".into(), json!(seconds));
    }
    if let Some(resolution) = request.resolution {
        fields.insert(
            "resolution".into(),
            json!(format!("{}P", resolution.lines())),
        );
    }
    if let VideoInput::Image {
        first_frame,
        last_frame,
    } = &request.input
    {
        fields.insert("first_frame_image".into(), json!(first_frame.url_text()));
        if let Some(last) = last_frame {
            fields.insert("last_frame_image".into(), json!(last.url_text()));
        }
    }
    fields
}

/// A file id safe to journal inside a locator and send back (well formed, no `/`).
pub fn is_sound_file_id(file: &str) -> bool {
    video_core::TaskId::new(file).is_well_formed() && !file.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_across_fields_are_refused_before_sending() {
        let long_hd = VideoRequest::builder("x")
            .duration_secs(10)
            .resolution(Resolution::P1080)
            .build();
        assert!(check(HAILUO_2_3, &long_hd).is_err());
        let text = VideoRequest::builder("x").build();
        assert!(check(HAILUO_2_3_FAST, &text).is_err());
        assert!(check(HAILUO_2_3, &text).is_ok());
        assert_eq!(minimax_status("Queueing"), TaskStatus::Submitted);
        assert_eq!(minimax_status("Fail"), TaskStatus::Failed);
        assert_eq!(minimax_status("SUCCESS"), TaskStatus::Succeeded);
        assert_eq!(minimax_status("failed"), TaskStatus::Failed);
        assert_eq!(minimax_status("queued"), TaskStatus::Submitted);
        assert_eq!(
            minimax_status("Paused"),
            TaskStatus::Unknown("Paused".to_owned())
        );
        assert!(matches!(
            MINIMAX_CODES.kind_of(1004),
            ErrorKind::Unauthorized
        ));
        assert!(is_content_failure("1026: input new_sensitive"));
        assert!(!is_sound_file_id("../x/y"));
    }
}
