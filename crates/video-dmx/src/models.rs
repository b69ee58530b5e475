//! The model table: every submit model the relay serves here, as data — its name as the
//! relay's pages write it, its family, its modes and its capabilities. Adding a model of a
//! known family is one row; a new family is a module in `families` plus its rows.

use video_core::{Capabilities, Rule, VideoError};

use crate::families::{self, HAILUO, KLING_V3, PIXVERSE, SEEDANCE, VIDU, WAN};
use crate::family::{Family, LinkStep, ModelRow};

/// Every model, in the order `video models` lists them.
pub static MODELS: &[ModelRow] = &[
    ModelRow {
        name: "kling-v3",
        family: &KLING_V3,
        modes: "text (single or multi-shot), first frame, first+last, subject control",
        capabilities: families::kling_v3_capabilities,
    },
    ModelRow {
        name: "doubao-seedance-2-0-260128",
        family: &SEEDANCE,
        modes: "text, first frame, first+last, references (images, videos, audio)",
        capabilities: || families::seedance_capabilities(false),
    },
    ModelRow {
        name: "doubao-seedance-2-0-fast-260128",
        family: &SEEDANCE,
        modes: "text, first frame, first+last, references (images, videos, audio)",
        capabilities: || families::seedance_capabilities(true),
    },
    ModelRow {
        name: "MiniMax-Hailuo-2.3",
        family: &HAILUO,
        modes: "text, first frame",
        capabilities: || hailuo("MiniMax-Hailuo-2.3"),
    },
    ModelRow {
        name: "MiniMax-Hailuo-2.3-Fast",
        family: &HAILUO,
        modes: "first frame only",
        capabilities: || hailuo("MiniMax-Hailuo-2.3-Fast"),
    },
    ModelRow {
        name: "MiniMax-Hailuo-02",
        family: &HAILUO,
        modes: "text, first frame, first+last",
        capabilities: || hailuo("MiniMax-Hailuo-02"),
    },
    ModelRow {
        name: "viduq3-pro",
        family: &VIDU,
        modes: "text, first frame, first+last",
        capabilities: || families::vidu_capabilities("viduq3-pro"),
    },
    ModelRow {
        name: "viduq2-pro",
        family: &VIDU,
        modes: "first+last only",
        capabilities: || families::vidu_capabilities("viduq2-pro"),
    },
    ModelRow {
        name: "viduq2-ctv",
        family: &VIDU,
        modes: "references (the `subjects` option)",
        capabilities: || families::vidu_capabilities("viduq2-ctv"),
    },
    ModelRow {
        name: "wan2.6-t2v",
        family: &WAN,
        modes: "text (optional driving audio)",
        capabilities: || families::wan_capabilities("wan2.6-t2v"),
    },
    ModelRow {
        name: "wan2.6-i2v",
        family: &WAN,
        modes: "first frame (optional driving audio)",
        capabilities: || families::wan_capabilities("wan2.6-i2v"),
    },
    ModelRow {
        name: "PixVerse-V6",
        family: &PIXVERSE,
        modes: "text (image modes need an undocumented upload step: not offered)",
        capabilities: families::pixverse_capabilities,
    },
];

fn hailuo(model: &str) -> Capabilities {
    families::hailuo_capabilities(model)
}

/// The row of `name`.
///
/// # Errors
/// [`VideoError::InvalidRequest`] (field `model`, [`Rule::OneOf`] the known names).
pub fn find(name: &str) -> Result<&'static ModelRow, VideoError> {
    MODELS.iter().find(|row| row.name == name).ok_or_else(|| {
        let known: Vec<String> = MODELS.iter().map(|row| row.name.to_owned()).collect();
        let reason = format!(
            "`{}` is not a relay video model (known: {})",
            name.escape_debug(),
            known.join(", ")
        );
        VideoError::invalid_by("model", Rule::OneOf { allowed: known }, reason)
    })
}

/// The family whose query model is `route` (the task id's route), also under a query
/// model it used before.
pub fn family_by_route(route: &str) -> Option<&'static dyn Family> {
    if route == families::KLING_V3_OLD_ROUTE {
        return Some(&KLING_V3);
    }
    MODELS
        .iter()
        .map(|row| row.family)
        .find(|family| family.route() == route)
}

/// The family and link step that mint links with `model`.
pub fn link_step(model: &str) -> Option<(&'static dyn Family, &'static dyn LinkStep)> {
    MODELS.iter().find_map(|row| {
        let step = row.family.link_step()?;
        (step.model() == model).then_some((row.family, step))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::VideoRequest;

    #[test]
    fn every_model_is_found_and_its_route_leads_back_to_its_family() {
        for row in MODELS {
            assert_eq!(find(row.name).unwrap().name, row.name);
            let family = family_by_route(row.family.route()).unwrap();
            assert_eq!(family.name(), row.family.name());
            // Every model validates its own plain request (image-only ones need an image).
            let _ = row.family.check(row.name, &VideoRequest::new("a fox"));
        }
        assert!(find("kling-v9").is_err());
        assert_eq!(family_by_route("kling-v3-get").unwrap().name(), "kling-v3");
        assert!(link_step("MiniMax-Hailuo-get").is_some());
    }
}
