//! The built-in rows, one per provider crate, each behind its cargo feature.

use std::time::Duration;

use crate::registry::ProviderRow;

#[cfg(feature = "dmx")]
mod dmx;
#[cfg(feature = "kling")]
mod kling;
#[cfg(feature = "kling-dmx")]
mod kling_dmx;
#[cfg(feature = "mock")]
mod mock;

/// The rows of the enabled features, paid providers first.
pub(crate) fn builtin() -> Vec<ProviderRow> {
    [
        #[cfg(feature = "kling-dmx")]
        kling_dmx::ROW,
        #[cfg(feature = "dmx")]
        dmx::ROW,
        #[cfg(feature = "kling")]
        kling::ROW,
        #[cfg(feature = "mock")]
        mock::ROW,
    ]
    .into_iter()
    .collect()
}

/// A duration in milliseconds from a variable.
#[allow(dead_code)]
pub(crate) fn millis(env: &dyn crate::Env, name: &str) -> Option<Duration> {
    let millis = env.set(name)?.trim().parse().ok()?;
    Some(Duration::from_millis(millis))
}
