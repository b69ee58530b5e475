//! Kling v2.6 through the DMXAPI relay.

use std::sync::Arc;

use video_core::{PollPolicy, VideoProvider};
use video_kling_dmx::{
    ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_BASE_URL, KlingDmxClientBuilder, PROVIDER_NAME,
};

use crate::registry::{ModelInfo, ProviderRow, VarDoc};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "Kling v2.6 through the DMXAPI relay: text- and image-to-video (image URLs only)",
    paid: true,
    env: &[
        VarDoc {
            name: ENV_API_KEY,
            about: "the relay key (required)",
            secret: true,
        },
        VarDoc {
            name: ENV_BASE_URL,
            about: "the relay's host root (default https://www.dmxapi.cn)",
            secret: false,
        },
        VarDoc {
            name: ENV_ALLOW_INSECURE_HTTP,
            about: "1 allows plain http to a non-loopback host",
            secret: false,
        },
    ],
    options: &[(
        "any relay field",
        "passed through as given (e.g. --option cfg_scale=0.5)",
    )],
    models: || {
        vec![ModelInfo::new(
            video_kling_dmx::MODEL,
            video_kling_dmx::capabilities(),
        )]
    },
    default_model: Some(video_kling_dmx::MODEL),
    policy: PollPolicy::default,
    configured: |env| video_kling_dmx::configured_in(|name| env.var(name)),
    build: |settings| {
        let builder = KlingDmxClientBuilder::from_lookup(|name| settings.env.var(name));
        let builder = if settings.allow_insecure_http {
            builder.allow_insecure_http(true)
        } else {
            builder
        };
        Ok(Arc::new(builder.build()?) as Arc<dyn VideoProvider>)
    },
};
