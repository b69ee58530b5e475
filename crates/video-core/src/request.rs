//! What to generate: [`VideoRequest`], its builder and the option types it uses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::VideoError;
use crate::image::{Image, Mode, VideoInput};
use crate::resolution::Resolution;

/// Provider-specific options, passed through untouched (for example `{"cfg_scale": 0.5}`).
pub type ExtraOptions = serde_json::Map<String, serde_json::Value>;

/// A request for one video.
///
/// Every option is `None` by default, which means "the provider's default". Build one with
/// [`VideoRequest::builder`]; check it against a provider with [`crate::validate`] (every
/// provider's `submit` does this too, before anything is sent).
///
/// ```
/// use video_core::{AspectRatio, Quality, VideoRequest};
///
/// let request = VideoRequest::builder("a red fox running through fresh snow")
///     .negative_prompt("blurry")
///     .quality(Quality::High)
///     .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
///     .duration_secs(5)
///     .build();
/// assert_eq!(request.duration_secs, Some(5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VideoRequest {
    /// What the video should show.
    pub prompt: String,
    /// What the video should avoid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Render quality (mapped by each provider, e.g. `std`/`pro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
    /// Frame shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<AspectRatio>,
    /// Length in whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u32>,
    /// Resolution: a tier (`720p`) or an exact size (`1280x720`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// A seed, for providers that make renders repeatable with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Whether to generate an audio track.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<Sound>,
    /// An absolute `http(s)` URL the provider notifies when the task's status changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Text-to-video (the default) or image-to-video with its frames.
    #[serde(default, skip_serializing_if = "VideoInput::is_text")]
    pub input: VideoInput,
    /// Provider-specific options, sent as given; a key here never overrides a typed field.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: ExtraOptions,
    /// Your id for this submission, unique within your provider account (1–64 characters
    /// of `A-Z a-z 0-9 - _ . :`, not all digits). Providers that support client references
    /// send it with the submission (Kling: `external_task_id`) and can find the task by it
    /// when the reply was lost ([`crate::Capabilities::lookup_by_reference`]). The pipeline
    /// gives every submission one ([`new_client_reference`]) unless it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_reference: Option<String>,
}

/// A fresh client reference: `vsdk-` and 32 random hex digits (128 bits from the operating
/// system), unique without coordination.
///
/// ```
/// let reference = video_core::new_client_reference();
/// assert!(reference.starts_with("vsdk-") && reference.len() == 37);
/// ```
pub fn new_client_reference() -> String {
    let mut bytes = [0_u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No OS randomness (exotic targets): time and a per-process counter still make
        // collisions practically impossible within one account.
        bytes = fallback_entropy();
    }
    let mut reference = String::with_capacity(37);
    reference.push_str("vsdk-");
    for byte in bytes {
        reference.push_str(&format!("{byte:02x}"));
    }
    reference
}

fn fallback_entropy() -> [u8; 16] {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed) ^ u64::from(std::process::id()) << 32;
    let mut bytes = [0_u8; 16];
    bytes[..8].copy_from_slice(&nanos.to_be_bytes());
    bytes[8..].copy_from_slice(&(count ^ fastrand::u64(..)).to_be_bytes());
    bytes
}

impl VideoRequest {
    /// A request with only a prompt; every option is left to the provider.
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            negative_prompt: None,
            quality: None,
            aspect_ratio: None,
            duration_secs: None,
            resolution: None,
            seed: None,
            sound: None,
            callback_url: None,
            input: VideoInput::Text,
            extra: ExtraOptions::new(),
            client_reference: None,
        }
    }

    /// Text-to-video or image-to-video.
    pub fn mode(&self) -> Mode {
        self.input.mode()
    }

    /// Starts a builder with the given prompt.
    pub fn builder(prompt: impl Into<String>) -> VideoRequestBuilder {
        VideoRequestBuilder {
            request: Self::new(prompt),
        }
    }
}

/// Builds a [`VideoRequest`]; see [`VideoRequest::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct VideoRequestBuilder {
    request: VideoRequest,
}

impl VideoRequestBuilder {
    /// Sets what the video should avoid.
    pub fn negative_prompt(mut self, text: impl Into<String>) -> Self {
        self.request.negative_prompt = Some(text.into());
        self
    }

    /// Sets the render quality.
    pub fn quality(mut self, quality: Quality) -> Self {
        self.request.quality = Some(quality);
        self
    }

    /// Sets the frame shape.
    pub fn aspect_ratio(mut self, ratio: AspectRatio) -> Self {
        self.request.aspect_ratio = Some(ratio);
        self
    }

    /// Sets the length in whole seconds.
    pub fn duration_secs(mut self, seconds: u32) -> Self {
        self.request.duration_secs = Some(seconds);
        self
    }

    /// Sets the resolution.
    pub fn resolution(mut self, resolution: Resolution) -> Self {
        self.request.resolution = Some(resolution);
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.request.seed = Some(seed);
        self
    }

    /// Turns the audio track on or off.
    pub fn sound(mut self, sound: Sound) -> Self {
        self.request.sound = Some(sound);
        self
    }

    /// Sets the URL the provider notifies on each status change.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.request.callback_url = Some(url.into());
        self
    }

    /// Makes this image-to-video, starting on `first_frame`.
    pub fn image(mut self, first_frame: Image) -> Self {
        self.request.input = VideoInput::Image {
            first_frame,
            last_frame: None,
        };
        self
    }

    /// Makes this image-to-video from `first_frame` to `last_frame`.
    pub fn images(mut self, first_frame: Image, last_frame: Image) -> Self {
        self.request.input = VideoInput::Image {
            first_frame,
            last_frame: Some(last_frame),
        };
        self
    }

    /// Sets the client reference (see [`VideoRequest::client_reference`]).
    pub fn client_reference(mut self, reference: impl Into<String>) -> Self {
        self.request.client_reference = Some(reference.into());
        self
    }

    /// Adds one provider-specific option.
    pub fn extra(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.request.extra.insert(key.into(), value);
        self
    }

    /// Finishes the request. Validation happens against a provider's capabilities, see
    /// [`crate::validate`].
    #[must_use]
    pub fn build(self) -> VideoRequest {
        self.request
    }
}

/// Render quality, neutral across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Quality {
    /// The provider's standard tier (Kling: `std`, 720p).
    Standard,
    /// The provider's high tier (Kling: `pro`, 1080p).
    High,
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Standard => "standard",
            Self::High => "high",
        })
    }
}

/// Whether a video has an audio track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sound {
    /// Silent video.
    Off,
    /// Generated audio.
    On,
}

impl fmt::Display for Sound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Off => "off",
            Self::On => "on",
        })
    }
}

/// A frame shape as `width:height`, e.g. `16:9`. Any ratio can be expressed; each provider
/// lists the ones it supports in its [`crate::Capabilities`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AspectRatio {
    width: u16,
    height: u16,
}

impl AspectRatio {
    /// Landscape, 16:9.
    pub const LANDSCAPE_16_9: Self = Self::new(16, 9);
    /// Portrait, 9:16.
    pub const PORTRAIT_9_16: Self = Self::new(9, 16);
    /// Square, 1:1.
    pub const SQUARE_1_1: Self = Self::new(1, 1);

    /// A ratio of `width:height` as written (not reduced).
    pub const fn new(width: u16, height: u16) -> Self {
        Self { width, height }
    }

    /// The width part.
    pub const fn width(self) -> u16 {
        self.width
    }

    /// The height part.
    pub const fn height(self) -> u16 {
        self.height
    }
}

impl fmt::Display for AspectRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.width, self.height)
    }
}

impl FromStr for AspectRatio {
    type Err = VideoError;

    /// Parses `16:9`; both parts must be positive integers.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid =
            || VideoError::invalid("aspect_ratio", format!("`{text}` is not WIDTH:HEIGHT"));
        let (w, h) = text.trim().split_once(':').ok_or_else(invalid)?;
        let width: u16 = w.trim().parse().map_err(|_| invalid())?;
        let height: u16 = h.trim().parse().map_err(|_| invalid())?;
        if width == 0 || height == 0 {
            return Err(invalid());
        }
        Ok(Self::new(width, height))
    }
}

impl Serialize for AspectRatio {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AspectRatio {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_ratio_round_trips_through_text_and_serde() {
        let ratio: AspectRatio = "9:16".parse().unwrap();
        assert_eq!(ratio, AspectRatio::PORTRAIT_9_16);
        assert_eq!(ratio.to_string(), "9:16");
        assert_eq!(serde_json::to_string(&ratio).unwrap(), "\"9:16\"");
        let back: AspectRatio = serde_json::from_str("\"21:9\"").unwrap();
        assert_eq!((back.width(), back.height()), (21, 9));
    }

    #[test]
    fn aspect_ratio_rejects_malformed_text() {
        for bad in ["", "16", "16:", ":9", "0:1", "a:b", "16:9:1"] {
            assert!(bad.parse::<AspectRatio>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn builder_sets_every_field_and_serde_keeps_them() {
        let request = VideoRequest::builder("fox")
            .negative_prompt("blur")
            .quality(Quality::Standard)
            .aspect_ratio(AspectRatio::SQUARE_1_1)
            .duration_secs(10)
            .resolution(Resolution::P1080)
            .seed(42)
            .sound(Sound::On)
            .callback_url("https://example.com/hook")
            .image(Image::url("https://example.com/a.png"))
            .extra("cfg_scale", serde_json::json!(0.5))
            .build();
        let text = serde_json::to_string(&request).unwrap();
        let back: VideoRequest = serde_json::from_str(&text).unwrap();
        assert_eq!(back, request);
        assert_eq!(back.extra["cfg_scale"], serde_json::json!(0.5));
    }
}
