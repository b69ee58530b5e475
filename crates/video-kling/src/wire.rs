//! Kling's create body, exactly as sent (`fixtures/direct_*_create_request*.json`). Replies
//! are `video-kling-protocol`'s [`video_kling_protocol::Envelope`] and task object.

use serde::Serialize;
use serde_json::{Map, Value};

/// `POST /v1/videos/text2video` and `/image2video`: every field optional on the wire except
/// the prompt (text) or the first frame (image); absent ones are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct CreateBody {
    pub(crate) model_name: String,
    /// First frame: a URL or raw base64 (image-to-video only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) image: Option<String>,
    /// Last frame: a URL or raw base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) image_tail: Option<String>,
    pub(crate) prompt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) negative_prompt: Option<String>,
    /// `[{"voice_id": ...}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) voice_list: Option<Vec<VoiceRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cfg_scale: Option<f64>,
    /// `std` or `pro`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mode: Option<&'static str>,
    /// `on` or `off`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sound: Option<&'static str>,
    /// Text-to-video only (image-to-video follows the image).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aspect_ratio: Option<String>,
    /// Seconds, as a **string** (`"5"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) camera_control: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) watermark_info: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) callback_url: Option<String>,
    /// The client reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) external_task_id: Option<String>,
    /// Other options, with every key of a typed field removed.
    #[serde(flatten)]
    pub(crate) extra: Map<String, Value>,
}

/// One voice of `voice_list`, spelt Kling's way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct VoiceRef {
    pub(crate) voice_id: String,
}

/// The keys [`CreateBody`] owns; an extra option with one of these names is either read as
/// the typed option it is (`cfg_scale`, `camera_control`, `voice_list`, `watermark_info`) or
/// dropped.
pub(crate) const CREATE_KEYS: [&str; 15] = [
    "model_name",
    "model",
    "image",
    "image_tail",
    "prompt",
    "negative_prompt",
    "voice_list",
    "cfg_scale",
    "mode",
    "sound",
    "aspect_ratio",
    "duration",
    "camera_control",
    "watermark_info",
    "callback_url",
];

/// Keys that are never passed through: they would override the task's identity.
pub(crate) const RESERVED_KEYS: [&str; 1] = ["external_task_id"];
