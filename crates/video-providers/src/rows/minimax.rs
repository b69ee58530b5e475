//! MiniMax Hailuo's own API.

use std::time::Duration;

use video_core::PollPolicy;
use video_minimax::{
    DEFAULT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_BASE_URL, MiniMaxBuilder,
    PROVIDER_NAME,
};

use crate::registry::{ModelInfo, ProviderRow, VarDoc};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "MiniMax Hailuo's own API: text- and image-to-video, the download link minted at \
            download time",
    paid: true,
    env: &[
        VarDoc {
            name: ENV_API_KEY,
            about: "the key (required; it works on its own host only)",
            secret: true,
        },
        VarDoc {
            name: ENV_BASE_URL,
            about: "the host (default https://api.minimax.io; https://api.minimaxi.com for \
                    mainland keys)",
            secret: false,
        },
        super::insecure_http_var(ENV_ALLOW_INSECURE_HTTP),
    ],
    options: &[
        (
            "prompt_optimizer",
            "true/false: MiniMax rewrites the prompt (default true)",
        ),
        ("fast_pretreatment", "true: a shorter rewrite (2.3, 02)"),
        ("aigc_watermark", "true: an AIGC watermark"),
        ("any other field", "passed through as given"),
    ],
    models: || {
        video_minimax::models()
            .into_iter()
            .map(|(id, capabilities)| ModelInfo::new(id, capabilities))
            .collect()
    },
    default_model: Some(DEFAULT_MODEL),
    policy: || PollPolicy::default().with_first_delay(Duration::from_secs(20)),
    configured: |env| video_minimax::configured_in(|name| env.var(name)),
    build: build_from_settings!(MiniMaxBuilder),
};
