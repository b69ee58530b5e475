//! Kling's own API.

use video_core::PollPolicy;
use video_kling::{
    ENV_ACCESS_KEY, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, ENV_SECRET_KEY,
    KlingClientBuilder, PROVIDER_NAME,
};

use crate::registry::{ModelInfo, ProviderRow, VarDoc};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "Kling's own API: text- and image-to-video (URLs or local files), lost replies \
            recovered by reference",
    paid: true,
    env: &[
        VarDoc {
            name: ENV_ACCESS_KEY,
            about: "access key, with the secret key (JWT auth)",
            secret: true,
        },
        VarDoc {
            name: ENV_SECRET_KEY,
            about: "secret key, with the access key",
            secret: true,
        },
        VarDoc {
            name: ENV_API_KEY,
            about: "an API key instead of the key pair",
            secret: true,
        },
        VarDoc {
            name: ENV_BASE_URL,
            about: "the API host (default https://api-singapore.klingai.com)",
            secret: false,
        },
        VarDoc {
            name: ENV_MODEL,
            about: "the model when --model is not given (default kling-v2-6)",
            secret: false,
        },
        super::insecure_http_var(ENV_ALLOW_INSECURE_HTTP),
    ],
    options: &[
        ("cfg_scale", "0 to 1, on models that take it (e.g. 0.5)"),
        (
            "camera_control",
            "{\"type\":\"simple\",\"config\":{...}} on kling-v1",
        ),
        (
            "voice_list",
            "[\"voice id\", ...] for image-to-video with sound",
        ),
        ("watermark_info", "{\"enabled\":true}"),
    ],
    models: || {
        video_kling::models()
            .into_iter()
            .map(|(id, capabilities)| ModelInfo::new(id, capabilities))
            .collect()
    },
    default_model: Some(video_kling::DEFAULT_MODEL),
    policy: PollPolicy::default,
    configured: |env| video_kling::configured_in(|name| env.var(name)),
    build: build_from_settings!(KlingClientBuilder),
};
