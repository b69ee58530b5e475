//! Runway's task API.

use std::time::Duration;

use video_core::PollPolicy;
use video_runway::{
    DEFAULT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_SECRET, ENV_BASE_URL, PROVIDER_NAME,
    RunwayBuilder,
};

use crate::registry::{ModelInfo, ProviderRow, VarDoc};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "Runway's task API: text- and image-to-video, progress, cancel",
    paid: true,
    env: &[
        VarDoc {
            name: ENV_API_SECRET,
            about: "the API secret (required)",
            secret: true,
        },
        VarDoc {
            name: ENV_BASE_URL,
            about: "the host (default https://api.dev.runwayml.com)",
            secret: false,
        },
        super::insecure_http_var(ENV_ALLOW_INSECURE_HTTP),
    ],
    options: &[
        (
            "contentModeration",
            "{\"publicFigureThreshold\":\"low\"} (gen4 models)",
        ),
        ("negativePrompt", "veo models: what to avoid"),
        ("any other field", "passed through as given"),
    ],
    models: || {
        video_runway::models()
            .into_iter()
            .map(|(id, capabilities)| ModelInfo::new(id, capabilities))
            .collect()
    },
    default_model: Some(DEFAULT_MODEL),
    // Runway asks for no query more often than every 5 s.
    policy: || PollPolicy::default().with_first_delay(Duration::from_secs(10)),
    configured: |env| video_runway::configured_in(|name| env.var(name)),
    build: build_from_settings!(RunwayBuilder),
};
