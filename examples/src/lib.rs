//! Runnable examples for the video SDK; see the `examples` targets. This library only
//! compiles (and runs) README.md's code as a doc test, so what it shows keeps working
//! (docs/testing.md is a doc test of `video-mock`).

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::time::Duration;

use video_core::VideoError;
use video_fake::{FakeRelay, FakeRelayConfig};
use video_kling_dmx::KlingDmxClient;

/// Starts the fake relay in-process (tasks finish after `render`) and a real
/// [`KlingDmxClient`] aimed at it. Keep the relay alive as long as the client is used.
///
/// # Errors
/// [`VideoError::Io`] when no loopback port can be bound; the client's build errors.
pub async fn fake_relay_client(
    render: Duration,
) -> Result<(KlingDmxClient, FakeRelay), VideoError> {
    let relay = start_fake(render).await?;
    let client = KlingDmxClient::builder()
        .api_key(relay.key())
        .base_url(relay.base_url())
        .build()?;
    Ok((client, relay))
}

/// Starts the fake server in-process (tasks finish after `render`) and a real
/// [`video_kling::KlingClient`] aimed at its Kling front, signing its tokens with the
/// fake's access key pair. Keep the server alive as long as the client is used.
///
/// # Errors
/// As [`fake_relay_client`].
pub async fn fake_kling_client(
    render: Duration,
) -> Result<(video_kling::KlingClient, FakeRelay), VideoError> {
    let fake = start_fake(render).await?;
    let client = video_kling::KlingClient::builder()
        .access_key(fake.kling_access_key(), fake.kling_secret_key())
        .base_url(fake.base_url())
        .build()?;
    Ok((client, fake))
}

/// The fake server on a free loopback port, tasks finishing after `render`.
async fn start_fake(render: Duration) -> Result<FakeRelay, VideoError> {
    let config = FakeRelayConfig::default().with_render_time(render);
    FakeRelay::start(config)
        .await
        .map_err(|source| VideoError::Io {
            path: "127.0.0.1:0".into(),
            source,
        })
}
