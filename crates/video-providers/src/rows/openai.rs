//! The OpenAI-compatible `/v1/videos` API (LiteLLM, Azure OpenAI, relays).

use std::time::Duration;

use video_core::PollPolicy;
use video_openai::{
    DEFAULT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_AUTH_STYLE, ENV_BASE_URL, ENV_MODEL,
    ENV_ORGANIZATION, ENV_PROJECT, OpenAiBuilder, PROVIDER_NAME,
};

use crate::registry::{ModelInfo, ProviderRow, VarDoc};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "the OpenAI-compatible /v1/videos API (LiteLLM proxy, Azure OpenAI, relays): \
            text- and image-to-video, lost replies recognised in the list",
    paid: true,
    env: &[
        VarDoc {
            name: ENV_API_KEY,
            about: "the credential (required)",
            secret: true,
        },
        VarDoc {
            name: ENV_BASE_URL,
            about: "the API base with /v1 (default https://api.openai.com/v1, retired for \
                    videos: set a gateway's)",
            secret: false,
        },
        VarDoc {
            name: ENV_AUTH_STYLE,
            about: "bearer (default), raw, or api-key (Azure)",
            secret: false,
        },
        VarDoc {
            name: ENV_MODEL,
            about: "the model when --model is not given (default sora-2)",
            secret: false,
        },
        VarDoc {
            name: ENV_ORGANIZATION,
            about: "the OpenAI-Organization header (optional)",
            secret: false,
        },
        VarDoc {
            name: ENV_PROJECT,
            about: "the OpenAI-Project header (optional)",
            secret: false,
        },
        super::insecure_http_var(ENV_ALLOW_INSECURE_HTTP),
    ],
    options: &[
        (
            "size",
            "an exact WxH from the model's table, e.g. 1792x1024",
        ),
        (
            "any other field",
            "passed through as given (e.g. characters)",
        ),
    ],
    models: || {
        video_openai::models()
            .into_iter()
            .map(|(id, capabilities)| ModelInfo::new(id, capabilities))
            .collect()
    },
    default_model: Some(DEFAULT_MODEL),
    policy: || PollPolicy::default().with_first_delay(Duration::from_secs(15)),
    configured: |env| video_openai::configured_in(|name| env.var(name)),
    build: build_from_settings!(OpenAiBuilder),
};
