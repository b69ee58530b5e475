//! Runway's models as data (`protocol/runway.md` §3): which modes each takes, its lengths, and
//! the `ratio` strings it renders (Runway names a frame by its pixel size, `1280:720`).

use video_core::{AspectRatio, Capabilities, ImageCapabilities, Resolution};

/// One frame a model renders: the ratio users ask for, its lines, and Runway's `ratio`.
pub(crate) type Frame = (AspectRatio, u16, &'static str);

const GEN4_FRAMES: &[Frame] = &[
    (AspectRatio::LANDSCAPE_16_9, 720, "1280:720"),
    (AspectRatio::PORTRAIT_9_16, 720, "720:1280"),
    (AspectRatio::new(4, 3), 720, "1104:832"),
    (AspectRatio::new(3, 4), 720, "832:1104"),
    (AspectRatio::SQUARE_1_1, 720, "960:960"),
    (AspectRatio::new(21, 9), 720, "1584:672"),
];
const VEO_FRAMES: &[Frame] = &[
    (AspectRatio::LANDSCAPE_16_9, 720, "1280:720"),
    (AspectRatio::PORTRAIT_9_16, 720, "720:1280"),
    (AspectRatio::LANDSCAPE_16_9, 1080, "1920:1080"),
    (AspectRatio::PORTRAIT_9_16, 1080, "1080:1920"),
];

/// One model: its id, modes, lengths, frames, and whether it takes a last frame and audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunwayModel {
    /// The id sent as `model`.
    pub id: &'static str,
    /// Whether it renders from text alone (`/v1/text_to_video`).
    pub text: bool,
    /// The lengths it renders, in seconds.
    pub seconds: &'static [u32],
    pub(crate) frames: &'static [Frame],
    /// Whether it takes a last frame (`promptImage` as `[{uri, position}]`).
    pub last_frame: bool,
    /// Whether it renders sound (`audio`).
    pub audio: bool,
}

/// The models the SDK's types (5.13.0) document for video.
pub const MODELS: &[RunwayModel] = &[
    RunwayModel {
        id: "gen4.5",
        text: true,
        seconds: &[2, 3, 4, 5, 6, 7, 8, 9, 10],
        frames: GEN4_FRAMES,
        last_frame: false,
        audio: false,
    },
    RunwayModel {
        id: "gen4_turbo",
        text: false,
        seconds: &[5, 10],
        frames: GEN4_FRAMES,
        last_frame: false,
        audio: false,
    },
    RunwayModel {
        id: "veo3.1",
        text: true,
        seconds: &[4, 6, 8],
        frames: VEO_FRAMES,
        last_frame: true,
        audio: true,
    },
    RunwayModel {
        id: "veo3.1_fast",
        text: true,
        seconds: &[4, 6, 8],
        frames: VEO_FRAMES,
        last_frame: true,
        audio: true,
    },
    RunwayModel {
        id: "veo3",
        text: true,
        seconds: &[8],
        frames: VEO_FRAMES,
        last_frame: false,
        audio: false,
    },
];

/// The row of `model`.
pub(crate) fn find(model: &str) -> Option<&'static RunwayModel> {
    MODELS.iter().find(|row| row.id == model)
}

impl RunwayModel {
    /// What the model accepts. Text-to-video is refused by `validate` for an image-only
    /// model; every model cancels and reports progress.
    pub fn capabilities(&self) -> Capabilities {
        let mut ratios = Vec::new();
        let mut resolutions = Vec::new();
        for &(ratio, lines, _) in self.frames {
            if !ratios.contains(&ratio) {
                ratios.push(ratio);
            }
            if !resolutions.contains(&Resolution::lines_of(lines)) {
                resolutions.push(Resolution::lines_of(lines));
            }
        }
        let mut caps = Capabilities::new(1000)
            .with_durations(self.seconds.iter().copied())
            .with_aspect_ratios(ratios)
            .with_resolutions(resolutions)
            .with_seed(4_294_967_295)
            .with_image_to_video(
                ImageCapabilities::urls_and_inline().with_last_frame(self.last_frame),
            )
            .with_progress(true)
            .with_cancel(true);
        caps.sound = self.audio;
        caps
    }

    /// Runway's `ratio` for an aspect ratio and resolution (16:9 at the lowest tier by
    /// default); `None` when the model has no such frame.
    pub(crate) fn ratio(
        &self,
        ratio: Option<AspectRatio>,
        resolution: Option<Resolution>,
    ) -> Option<&'static str> {
        let ratio = ratio.unwrap_or(AspectRatio::LANDSCAPE_16_9);
        let lines = resolution.map_or(720, Resolution::lines);
        self.frames
            .iter()
            .find(|&&(r, l, _)| r == ratio && l == lines)
            .map(|&(_, _, text)| text)
    }
}

/// Every model with what it accepts (for `video models`).
pub fn models() -> Vec<(&'static str, Capabilities)> {
    MODELS
        .iter()
        .map(|row| (row.id, row.capabilities()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_map_ratios_and_tiers_onto_runway_ratios() {
        let gen45 = find("gen4.5").unwrap();
        assert_eq!(gen45.ratio(None, None), Some("1280:720"));
        assert_eq!(
            gen45.ratio(Some(AspectRatio::SQUARE_1_1), None),
            Some("960:960")
        );
        assert_eq!(gen45.ratio(None, Some(Resolution::P1080)), None);
        let veo = find("veo3.1").unwrap();
        assert_eq!(
            veo.ratio(Some(AspectRatio::PORTRAIT_9_16), Some(Resolution::P1080)),
            Some("1080:1920")
        );
        assert!(veo.capabilities().cancel && veo.capabilities().sound);
    }
}
