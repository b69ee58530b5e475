//! The built-in rows, one per provider crate, each behind its cargo feature.

use std::time::Duration;

use crate::registry::ProviderRow;

/// A row's `build` for a provider whose builder reads its variables (`from_lookup`) and
/// takes a model and the insecure-http switch: configured from the settings (unused when
/// only the mock is enabled).
#[allow(unused_macros)]
macro_rules! build_from_settings {
    ($builder:ty) => {
        |settings| {
            let mut builder = <$builder>::from_lookup(|name| settings.env.var(name));
            if let Some(model) = settings.model {
                builder = builder.model(model);
            }
            if settings.allow_insecure_http {
                builder = builder.allow_insecure_http(true);
            }
            Ok(std::sync::Arc::new(builder.build()?)
                as std::sync::Arc<dyn video_core::VideoProvider>)
        }
    };
}

#[cfg(feature = "dmx")]
mod dmx;
#[cfg(feature = "kling")]
mod kling;
#[cfg(feature = "kling-dmx")]
mod kling_dmx;
#[cfg(feature = "minimax")]
mod minimax;
#[cfg(feature = "mock")]
mod mock;
#[cfg(feature = "openai")]
mod openai;
#[cfg(feature = "runway")]
mod runway;

/// The rows of the enabled features, paid providers first.
pub(crate) fn builtin() -> Vec<ProviderRow> {
    [
        #[cfg(feature = "kling-dmx")]
        kling_dmx::ROW,
        #[cfg(feature = "dmx")]
        dmx::ROW,
        #[cfg(feature = "kling")]
        kling::ROW,
        #[cfg(feature = "openai")]
        openai::ROW,
        #[cfg(feature = "minimax")]
        minimax::ROW,
        #[cfg(feature = "runway")]
        runway::ROW,
        #[cfg(feature = "mock")]
        mock::ROW,
    ]
    .into_iter()
    .collect()
}

/// The relay's variables: one key for every relay provider (`kling-dmx` and `dmx`).
#[cfg(any(feature = "dmx", feature = "kling-dmx"))]
pub(crate) const RELAY_ENV: &[crate::registry::VarDoc] = &[
    crate::registry::VarDoc {
        name: video_dmx::ENV_API_KEY,
        about: "the relay key (required; one key for every relay provider)",
        secret: true,
    },
    crate::registry::VarDoc {
        name: video_dmx::ENV_BASE_URL,
        about: "the relay's host root (default https://www.dmxapi.cn)",
        secret: false,
    },
    insecure_http_var(video_dmx::ENV_ALLOW_INSECURE_HTTP),
];

/// The row entry of a provider's switch allowing plain http to a non-loopback host.
#[allow(dead_code)]
pub(crate) const fn insecure_http_var(name: &'static str) -> crate::registry::VarDoc {
    crate::registry::VarDoc {
        name,
        about: "1 allows plain http to a non-loopback host",
        secret: false,
    }
}

/// A duration in milliseconds from a variable.
#[allow(dead_code)]
pub(crate) fn millis(env: &dyn crate::Env, name: &str) -> Option<Duration> {
    let millis = env.set(name)?.trim().parse().ok()?;
    Some(Duration::from_millis(millis))
}
