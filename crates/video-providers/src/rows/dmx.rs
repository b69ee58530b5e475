//! The DMXAPI relay's families (Kling v3, Seedance 2.0, Hailuo, Vidu, Wan 2.6): one row,
//! one model per relay model name.

use video_core::PollPolicy;
use video_dmx::{DEFAULT_MODEL, DmxBuilder, PROVIDER_NAME};

use crate::registry::{ModelInfo, ProviderRow};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "the DMXAPI relay's families by model name: Kling v3, Seedance 2.0, MiniMax Hailuo, \
            Vidu, Wan 2.6, PixVerse V6 (one key)",
    paid: true,
    env: super::RELAY_ENV,
    options: &[
        (
            "multi_prompt",
            "kling-v3: [{\"prompt\":..,\"duration\":s}, ...] (1-6 shots summing to the duration)",
        ),
        ("shot_type", "kling-v3: intelligence (automatic shots)"),
        ("element_list", "kling-v3: [subject id, ...] (up to 3)"),
        (
            "reference_images / reference_videos / reference_audios",
            "seedance: [url, ...] reference inputs",
        ),
        ("subjects", "viduq2-ctv: [{\"id\":\"1\",\"images\":[url]}]"),
        (
            "audio_url / prompt_extend / shot_type / watermark",
            "wan2.6: driving audio, prompt rewrite, single|multi, watermark",
        ),
        ("any other relay field", "passed through as given"),
    ],
    models: || {
        video_dmx::models::MODELS
            .iter()
            .map(|row| ModelInfo::new(row.name, (row.capabilities)()).with_modes(row.modes))
            .collect()
    },
    default_model: Some(DEFAULT_MODEL),
    policy: || PollPolicy::default().with_first_delay(std::time::Duration::from_secs(10)),
    configured: |env| video_dmx::configured_in(|name| env.var(name)),
    build: build_from_settings!(DmxBuilder),
};
