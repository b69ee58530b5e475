//! The providers a worker can serve, configured from the same environment as the `video`
//! command (`KLING_*`, `DMXAPI_*`; the mock needs nothing).

use std::sync::Arc;
use std::time::Duration;

use video_core::{PollPolicy, VideoError, VideoProvider};
use video_mock::{MockClock, MockProvider};

/// The names [`provider_from_env`] knows.
pub const PROVIDERS: [&str; 3] = ["kling", "kling-dmx", "mock"];

/// The provider called `name`, configured from the environment, and the policy its tasks are
/// waited with by default.
///
/// # Errors
/// [`VideoError::InvalidRequest`] for an unknown name; the provider's configuration error.
pub fn provider_from_env(
    name: &str,
    allow_insecure_http: bool,
) -> Result<(Arc<dyn VideoProvider>, PollPolicy), VideoError> {
    match name {
        "kling" => {
            let client = video_kling::KlingClientBuilder::from_env()
                .allow_insecure_http(allow_insecure_http)
                .build()?;
            Ok((Arc::new(client), PollPolicy::default()))
        }
        "kling-dmx" => {
            let client = video_kling_dmx::KlingDmxClientBuilder::from_env()
                .allow_insecure_http(allow_insecure_http)
                .build()?;
            Ok((Arc::new(client), PollPolicy::default()))
        }
        "mock" => {
            // The wall clock: every worker of a fleet answers for every task id.
            let mock = MockProvider::builder()
                .clock(MockClock::Wall)
                .render_time(Duration::from_secs(3))
                .build();
            Ok((
                Arc::new(mock),
                PollPolicy::fixed(Duration::from_millis(500)),
            ))
        }
        other => Err(VideoError::invalid(
            "provider",
            format!(
                "`{other}` is not a provider (known: {})",
                PROVIDERS.join(", ")
            ),
        )),
    }
}
