//! What each Kling model accepts on the legacy `/v1/videos/*` API (Kling's capability map,
//! 2026-05), as data: durations, quality tiers, sound, last frames, voices, `cfg_scale`,
//! camera control.

use video_core::{AspectRatio, Capabilities, ImageCapabilities, Quality};

/// One model's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModelSpec {
    /// `model_name`.
    pub(crate) name: &'static str,
    /// Accepted durations, seconds.
    pub(crate) durations: &'static [u32],
    /// Whether `mode` (std/pro) is accepted (the v2 masters take none).
    pub(crate) modes: bool,
    /// Whether `sound` is accepted (v2.6 and later).
    pub(crate) sound: bool,
    /// Whether image-to-video takes a last frame.
    pub(crate) last_frame: bool,
    /// Whether image-to-video takes `voice_list` (v2.6 and later).
    pub(crate) voices: bool,
    /// Whether `cfg_scale` is accepted (not by v2.x).
    pub(crate) cfg_scale: bool,
    /// Whether `camera_control` is accepted (kling-v1, std, 5 s).
    pub(crate) camera: bool,
}

const FIVE_TEN: &[u32] = &[5, 10];
const THREE_TO_FIFTEEN: &[u32] = &[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// The models this client knows, newest first.
pub(crate) const MODELS: &[ModelSpec] = &[
    spec("kling-v3", THREE_TO_FIFTEEN, true, true, true, true, false),
    spec("kling-v2-6", FIVE_TEN, true, true, true, true, false),
    spec(
        "kling-v2-5-turbo",
        FIVE_TEN,
        true,
        false,
        true,
        false,
        false,
    ),
    spec(
        "kling-v2-1-master",
        FIVE_TEN,
        false,
        false,
        false,
        false,
        false,
    ),
    spec("kling-v2-1", FIVE_TEN, true, false, true, false, false),
    spec(
        "kling-v2-master",
        FIVE_TEN,
        false,
        false,
        false,
        false,
        false,
    ),
    spec("kling-v1-6", FIVE_TEN, true, false, true, false, true),
    spec("kling-v1-5", FIVE_TEN, true, false, true, false, true),
    ModelSpec {
        camera: true,
        ..spec("kling-v1", FIVE_TEN, true, false, true, false, true)
    },
];

#[allow(clippy::fn_params_excessive_bools)]
const fn spec(
    name: &'static str,
    durations: &'static [u32],
    modes: bool,
    sound: bool,
    last_frame: bool,
    voices: bool,
    cfg_scale: bool,
) -> ModelSpec {
    ModelSpec {
        name,
        durations,
        modes,
        sound,
        last_frame,
        voices,
        cfg_scale,
        camera: false,
    }
}

/// Every model this client knows (newest first) with what it accepts.
pub fn models() -> Vec<(&'static str, Capabilities)> {
    MODELS
        .iter()
        .map(|spec| (spec.name, spec.capabilities()))
        .collect()
}

/// The spec of `name`, if this client knows the model.
pub(crate) fn find(name: &str) -> Option<&'static ModelSpec> {
    MODELS.iter().find(|spec| spec.name == name)
}

/// A model this client does not know: v2.6's limits (the server decides the rest).
pub(crate) fn fallback(name: &str) -> ModelSpec {
    tracing::warn!(
        model = name,
        "unknown Kling model: assuming kling-v2-6's limits"
    );
    MODELS[1]
}

impl ModelSpec {
    /// The capabilities a request is validated against: 2,500-character prompts, the
    /// model's durations and tiers, the three aspect ratios (text-to-video), callbacks,
    /// lookup by client reference, and image-to-video from URLs or inline JPEG/PNG (≤ 10 MB,
    /// sides ≥ 300 px, no more elongated than 2.5:1).
    pub(crate) fn capabilities(&self) -> Capabilities {
        let ratios = [
            AspectRatio::LANDSCAPE_16_9,
            AspectRatio::PORTRAIT_9_16,
            AspectRatio::SQUARE_1_1,
        ];
        let qualities: &[Quality] = if self.modes {
            &[Quality::Standard, Quality::High]
        } else {
            &[]
        };
        let images = ImageCapabilities::urls_and_inline()
            .with_last_frame(self.last_frame)
            .with_media_types(["image/jpeg", "image/png"])
            .with_limits(10 * 1000 * 1000, 300, 2.5);
        Capabilities::new(2500)
            .with_negative_prompt(2500)
            .with_durations(self.durations.iter().copied())
            .with_aspect_ratios(ratios)
            .with_qualities(qualities.iter().copied())
            .with_sound(self.sound)
            .with_callbacks(true)
            .with_lookup_by_reference(true)
            .with_image_to_video(images)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_model_is_v2_6_with_its_documented_limits() {
        let spec = find("kling-v2-6").unwrap();
        let caps = spec.capabilities();
        assert_eq!(caps.durations, video_core::Durations::OneOf(vec![5, 10]));
        assert!(caps.sound && caps.lookup_by_reference && caps.callbacks);
        let images = caps.image_to_video.unwrap();
        assert!(images.urls && images.inline && images.last_frame);
        assert!(!spec.cfg_scale && !spec.camera && spec.voices);
    }

    #[test]
    fn older_models_differ_where_kling_says() {
        let v1 = find("kling-v1").unwrap();
        assert!(v1.camera && v1.cfg_scale && !v1.sound);
        let master = find("kling-v2-master").unwrap();
        assert!(master.capabilities().qualities.is_empty(), "no mode");
        assert_eq!(find("kling-v3").unwrap().durations.len(), 13);
        assert_eq!(fallback("kling-v9").name, "kling-v2-6");
    }
}
