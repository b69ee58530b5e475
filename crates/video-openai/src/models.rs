//! The models this API shape is known to serve, as data: each one's sizes and lengths
//! (`../shared/protocol/openai-videos.md` §3). A model the table does not list (a gateway's
//! own) is served with the open row: any length the caller asks for and the common sizes.

use video_core::{AspectRatio, Capabilities, ImageCapabilities, Resolution};

/// The spec's and the guide's lengths (the guide of 2026-03 added 16 and 20 s).
const SECONDS: &[u32] = &[4, 8, 12, 16, 20];
/// `sora-2`: the two 720p sizes.
const SORA_2_SIZES: &[(u16, u16)] = &[(720, 1280), (1280, 720)];
/// `sora-2-pro`: also the tall pair and 1080p.
const SORA_2_PRO_SIZES: &[(u16, u16)] = &[
    (720, 1280),
    (1280, 720),
    (1024, 1792),
    (1792, 1024),
    (1080, 1920),
    (1920, 1080),
];

/// One model: its id and what it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenAiModel {
    /// The id sent as `model`.
    pub id: &'static str,
    /// The `WxH` sizes it renders.
    pub sizes: &'static [(u16, u16)],
    /// The lengths it renders, in seconds (`None`: whatever the caller asks for).
    pub seconds: Option<&'static [u32]>,
}

/// Every model the notes document (OpenAI retired them at its own host on 2026-09-24; Azure,
/// LiteLLM and relays serve them on).
pub const MODELS: &[OpenAiModel] = &[
    OpenAiModel {
        id: "sora-2",
        sizes: SORA_2_SIZES,
        seconds: Some(SECONDS),
    },
    OpenAiModel {
        id: "sora-2-2025-10-06",
        sizes: SORA_2_SIZES,
        seconds: Some(SECONDS),
    },
    OpenAiModel {
        id: "sora-2-2025-12-08",
        sizes: SORA_2_SIZES,
        seconds: Some(SECONDS),
    },
    OpenAiModel {
        id: "sora-2-pro",
        sizes: SORA_2_PRO_SIZES,
        seconds: Some(SECONDS),
    },
    OpenAiModel {
        id: "sora-2-pro-2025-10-06",
        sizes: SORA_2_PRO_SIZES,
        seconds: Some(SECONDS),
    },
];

/// A gateway model the table does not list: the common sizes, any length up to 60 s.
const OPEN: OpenAiModel = OpenAiModel {
    id: "",
    sizes: SORA_2_PRO_SIZES,
    seconds: None,
};

/// The row of `model`, or the open row for a model the table does not list.
pub(crate) fn row(model: &str) -> OpenAiModel {
    MODELS
        .iter()
        .find(|row| row.id == model)
        .copied()
        .unwrap_or(OPEN)
}

impl OpenAiModel {
    /// What the model accepts: its lengths, its sizes as tiers (`720p`, `1080p`) and exact
    /// sizes, the ratios of its sizes, a first frame by URL or bytes, percent progress,
    /// lost replies recognised in the list.
    pub fn capabilities(&self) -> Capabilities {
        let mut resolutions: Vec<Resolution> = Vec::new();
        let mut ratios: Vec<AspectRatio> = Vec::new();
        for &(width, height) in self.sizes {
            let tier = Resolution::lines_of(width.min(height));
            for resolution in [tier, Resolution::size(width, height)] {
                if !resolutions.contains(&resolution) {
                    resolutions.push(resolution);
                }
            }
            let ratio = ratio_of(width, height);
            if !ratios.contains(&ratio) {
                ratios.push(ratio);
            }
        }
        let caps = Capabilities::new(32_000)
            .with_resolutions(resolutions)
            .with_aspect_ratios(ratios)
            .with_image_to_video(ImageCapabilities::urls_and_inline().with_media_types([
                "image/jpeg",
                "image/png",
                "image/webp",
            ]))
            .with_progress(true)
            .with_lookup_by_match(true);
        match self.seconds {
            Some(seconds) => caps.with_durations(seconds.iter().copied()),
            None => caps.with_duration_range(1, 60),
        }
    }

    /// The `WxH` size for a resolution and ratio: an exact size as given, a tier in the
    /// ratio asked for (portrait by default, as the API's default `720x1280`); `None` when
    /// the model has no such size.
    pub(crate) fn size_for(
        &self,
        resolution: Option<Resolution>,
        ratio: Option<AspectRatio>,
    ) -> Option<(u16, u16)> {
        if let Some((width, height)) = resolution.and_then(Resolution::dimensions) {
            let fits = ratio.is_none_or(|ratio| ratio == ratio_of(width, height));
            return (fits && self.sizes.contains(&(width, height))).then_some((width, height));
        }
        let lines = resolution.map_or(720, Resolution::lines);
        let ratio = ratio.unwrap_or(AspectRatio::PORTRAIT_9_16);
        let of_tier = || {
            self.sizes
                .iter()
                .copied()
                .filter(|&(w, h)| w.min(h) == lines)
        };
        // The exact shape, else the tier's size of the same orientation (`1024p` at 9:16 is
        // 1024x1792, whose exact ratio is 4:7).
        let same_shape = |w: u16, h: u16| {
            (h > w) == (ratio.height() > ratio.width())
                && (w > h) == (ratio.width() > ratio.height())
        };
        of_tier()
            .find(|&(w, h)| ratio_of(w, h) == ratio)
            .or_else(|| of_tier().find(|&(w, h)| same_shape(w, h)))
    }
}

/// `width:height` reduced (`1280x720` → 16:9; `1024x1792` → 4:7).
fn ratio_of(width: u16, height: u16) -> AspectRatio {
    let divisor = gcd(width, height).max(1);
    AspectRatio::new(width / divisor, height / divisor)
}

fn gcd(a: u16, b: u16) -> u16 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Every model in the table with what it accepts (for `video models`).
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
    fn sizes_come_from_tiers_ratios_and_exact_sizes() {
        let sora = row("sora-2");
        assert_eq!(sora.size_for(None, None), Some((720, 1280)));
        let wide = Some(AspectRatio::LANDSCAPE_16_9);
        assert_eq!(
            sora.size_for(Some(Resolution::P720), wide),
            Some((1280, 720))
        );
        assert_eq!(sora.size_for(Some(Resolution::P1080), wide), None);
        let pro = row("sora-2-pro");
        assert_eq!(
            pro.size_for(Some(Resolution::P1080), wide),
            Some((1920, 1080))
        );
        let tall = Some(Resolution::size(1024, 1792));
        assert_eq!(pro.size_for(tall, None), Some((1024, 1792)));
        let tier = Some(Resolution::lines_of(1024));
        assert_eq!(
            pro.size_for(tier, None),
            Some((1024, 1792)),
            "9:16 takes 4:7"
        );
        assert_eq!(
            pro.size_for(tier, wide),
            Some((1792, 1024)),
            "16:9 takes 7:4"
        );
        let square = Some(AspectRatio::new(1, 1));
        assert_eq!(pro.size_for(tier, square), None);
        assert_eq!(
            pro.size_for(tall, wide),
            None,
            "a size and a ratio that disagree"
        );
        assert_eq!(row("gateway-model").seconds, None);
    }

    #[test]
    fn capabilities_list_each_size_as_a_tier_and_exactly() {
        let caps = row("sora-2-pro").capabilities();
        assert!(caps.resolutions.contains(&Resolution::P1080));
        assert!(caps.resolutions.contains(&Resolution::size(1792, 1024)));
        assert!(caps.aspect_ratios.contains(&AspectRatio::new(4, 7)));
        assert!(caps.lookup_by_match && caps.progress && !caps.cancel);
    }
}
