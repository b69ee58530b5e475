//! Kling v2.6 through the DMXAPI relay.

use std::sync::Arc;

use video_core::{PollPolicy, VideoProvider};
use video_kling_dmx::{KlingDmxClientBuilder, PROVIDER_NAME};

use crate::registry::{ModelInfo, ProviderRow};

pub(super) const ROW: ProviderRow = ProviderRow {
    name: PROVIDER_NAME,
    about: "Kling v2.6 through the DMXAPI relay: text- and image-to-video (image URLs only)",
    paid: true,
    env: super::RELAY_ENV,
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
