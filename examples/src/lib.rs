//! Runnable examples for the video SDK; see the `examples` targets. This library only
//! compiles (and runs) README.md's code as a doc test, so what it shows keeps working
//! (docs/testing.md is a doc test of `video-mock`).

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::sync::Arc;
use std::time::Duration;

use video_core::{VideoError, VideoProvider};
use video_fake::{FakeRelay, FakeRelayConfig};
use video_providers::{Registry, Settings, VarMap};

/// Starts the fake server in-process (tasks finish after `render`) and builds provider
/// `name` through the registry, configured for the fake (its relay key, Kling key pair and
/// base URL), exactly as an app builds it from its environment. Keep the server alive as
/// long as the provider is used.
///
/// # Errors
/// [`VideoError::Io`] when no loopback port can be bound; an unknown name; the provider's
/// build errors.
pub async fn fake_provider(
    name: &str,
    render: Duration,
) -> Result<(Arc<dyn VideoProvider>, FakeRelay), VideoError> {
    let fake = start_fake(render).await?;
    let provider = fake_model(&fake, name, None, render)?;
    Ok((provider, fake))
}

/// Builds provider `name` serving `model` (its default when `None`) through the registry,
/// configured for the running `fake` as [`fake_provider`] does.
///
/// # Errors
/// An unknown name or model; the provider's build errors.
pub fn fake_model(
    fake: &FakeRelay,
    name: &str,
    model: Option<&str>,
    render: Duration,
) -> Result<Arc<dyn VideoProvider>, VideoError> {
    let millis = render.as_millis().to_string();
    let env = VarMap::new()
        .with("DMXAPI_BASE_URL", fake.base_url())
        .with("DMXAPI_API_KEY", fake.key())
        .with("KLING_BASE_URL", fake.base_url())
        .with("KLING_ACCESS_KEY", fake.kling_access_key())
        .with("KLING_SECRET_KEY", fake.kling_secret_key())
        .with("VIDEO_MOCK_RENDER_MS", millis);
    let settings = Settings::new(&env).model(model);
    Ok(Registry::builtin().build(name, &settings)?.provider)
}

/// The fake server on a free loopback port, tasks finishing after `render`.
///
/// # Errors
/// [`VideoError::Io`] when no loopback port can be bound.
pub async fn start_fake(render: Duration) -> Result<FakeRelay, VideoError> {
    let config = FakeRelayConfig::default().with_render_time(render);
    FakeRelay::start(config)
        .await
        .map_err(|source| VideoError::Io {
            path: "127.0.0.1:0".into(),
            source,
        })
}
