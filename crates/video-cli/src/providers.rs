//! The provider table: every provider the command knows, how the environment configures
//! it, and the policy its tasks are waited with. Adding a provider is one row here.

use std::sync::Arc;
use std::time::Duration;

use video_core::{PollPolicy, VideoError, VideoProvider};
use video_kling::KlingClientBuilder;
use video_kling_dmx::KlingDmxClientBuilder;
use video_mock::{MockClock, MockProvider};

use crate::cli::WaitArgs;

/// Environment variable setting a fixed poll interval in milliseconds (for tests and demos).
pub(crate) const ENV_POLL_MS: &str = "VIDEO_POLL_MS";
/// Environment variable setting the mock's render time in milliseconds (default 3000).
pub(crate) const ENV_MOCK_RENDER_MS: &str = "VIDEO_MOCK_RENDER_MS";

/// One provider.
#[derive(Debug)]
pub(crate) struct ProviderSpec {
    /// Its name (`--provider`, and in the journal).
    pub(crate) name: &'static str,
    /// What it is.
    pub(crate) about: &'static str,
    /// The environment variables that configure it.
    pub(crate) env: &'static str,
    /// The `--option` keys it takes, with what they do.
    pub(crate) options: &'static str,
    /// Whether the environment configures it (a real provider is picked automatically when it
    /// is the only one configured).
    pub(crate) configured: fn() -> bool,
    /// Builds it from the environment.
    pub(crate) build: fn() -> Result<Arc<dyn VideoProvider>, VideoError>,
    /// How to wait for its tasks.
    pub(crate) policy: fn() -> PollPolicy,
    /// Whether it is a real, paid provider (the mock is not).
    pub(crate) real: bool,
}

/// Every provider, the real ones first.
pub(crate) const PROVIDERS: &[ProviderSpec] = &[
    ProviderSpec {
        name: video_kling_dmx::PROVIDER_NAME,
        about: "Kling v2.6 through the DMXAPI relay: text- and image-to-video (image URLs only)",
        env: "DMXAPI_API_KEY (required), DMXAPI_BASE_URL (optional)",
        options: "any relay field, passed through (e.g. --option cfg_scale=0.5)",
        configured: video_kling_dmx::configured_in_env,
        build: || {
            let mut builder = KlingDmxClientBuilder::from_env();
            if allow_insecure_http() {
                builder = builder.allow_insecure_http(true);
            }
            builder
                .build()
                .map(|client| Arc::new(client) as Arc<dyn VideoProvider>)
                .map_err(in_cli_terms)
        },
        policy: PollPolicy::default,
        real: true,
    },
    ProviderSpec {
        name: video_kling::PROVIDER_NAME,
        about: "Kling's own API: text- and image-to-video (URLs or local files), lost replies \
                recovered by reference",
        env: "KLING_ACCESS_KEY + KLING_SECRET_KEY, or KLING_API_KEY; KLING_BASE_URL, KLING_MODEL \
              (optional)",
        options: "cfg_scale=0.5, camera_control={\"type\":\"simple\",...}, voice_list=[\"id\"], \
                  watermark_info={\"enabled\":true}; other fields passed through",
        configured: video_kling::configured_in_env,
        build: || {
            let mut builder = KlingClientBuilder::from_env();
            if allow_insecure_http() {
                builder = builder.allow_insecure_http(true);
            }
            builder
                .build()
                .map(|client| Arc::new(client) as Arc<dyn VideoProvider>)
                .map_err(in_cli_terms)
        },
        policy: PollPolicy::default,
        real: true,
    },
    ProviderSpec {
        name: "mock",
        about: "the deterministic in-process mock (no network, no key)",
        env: "VIDEO_MOCK_RENDER_MS (render time, default 3000)",
        options: "none",
        configured: || true,
        build: || {
            let render = env_millis(ENV_MOCK_RENDER_MS).unwrap_or(Duration::from_secs(3));
            Ok(Arc::new(
                MockProvider::builder()
                    .clock(MockClock::Wall)
                    .render_time(render)
                    .build(),
            ))
        },
        policy: || PollPolicy::fixed(Duration::from_millis(500)),
        real: false,
    },
];

/// `--allow-insecure-http`, set once at start.
static ALLOW_INSECURE_HTTP: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Records `--allow-insecure-http`.
pub(crate) fn set_allow_insecure_http(allow: bool) {
    ALLOW_INSECURE_HTTP.store(allow, std::sync::atomic::Ordering::Relaxed);
}

fn allow_insecure_http() -> bool {
    ALLOW_INSECURE_HTTP.load(std::sync::atomic::Ordering::Relaxed)
}

/// A provider's configuration error, said with the command's options and environment
/// variables: missing credentials name the variables to set (and `--provider`), plain http
/// names `--allow-insecure-http` and the provider's variable.
fn in_cli_terms(error: VideoError) -> VideoError {
    let message = match &error {
        VideoError::MissingCredentials { provider, env } => format!(
            "missing credentials for {provider}: set {} (and its base-URL variable for another \
             host), or choose another provider with --provider",
            env.join(", or ")
        ),
        VideoError::InsecureHttp { host, env } => format!(
            "refusing to send credentials over plain http to {host}, a non-loopback host: use an \
             https base URL, or pass --allow-insecure-http{}",
            env.as_ref()
                .map(|env| format!(" (or set {env}=1)"))
                .unwrap_or_default()
        ),
        _ => return error,
    };
    VideoError::configuration(message)
}

/// The provider called `name`.
pub(crate) fn find(name: &str) -> Result<&'static ProviderSpec, VideoError> {
    PROVIDERS
        .iter()
        .find(|spec| spec.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = PROVIDERS.iter().map(|spec| spec.name).collect();
            VideoError::invalid(
                "provider",
                format!("`{name}` is not a provider (known: {})", known.join(", ")),
            )
        })
}

/// The provider to use: `--provider`, else the one real provider the environment
/// configures, else the mock (with a notice on stderr).
pub(crate) fn choose(flag: Option<&str>) -> Result<&'static ProviderSpec, VideoError> {
    if let Some(name) = flag {
        return find(name);
    }
    let configured: Vec<&ProviderSpec> = PROVIDERS
        .iter()
        .filter(|spec| spec.real && (spec.configured)())
        .collect();
    match configured.as_slice() {
        [one] => Ok(one),
        [] => {
            eprintln!(
                "notice: no provider is configured (kling-dmx needs DMXAPI_API_KEY; kling needs \
                 KLING_ACCESS_KEY and KLING_SECRET_KEY, or KLING_API_KEY); using the mock \
                 provider (--provider mock)"
            );
            find("mock")
        }
        several => {
            let names: Vec<&str> = several.iter().map(|spec| spec.name).collect();
            Err(VideoError::invalid(
                "provider",
                format!(
                    "several providers are configured ({}): choose one with --provider",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// The provider and the policy to wait for its tasks with, adjusted by the wait options
/// and `VIDEO_POLL_MS`.
pub(crate) fn build(
    spec: &ProviderSpec,
    wait: &WaitArgs,
) -> Result<(Arc<dyn VideoProvider>, PollPolicy), VideoError> {
    let provider = (spec.build)()?;
    let mut policy = (spec.policy)().with_long_wait(wait.stream);
    if let Some(interval) = env_millis(ENV_POLL_MS) {
        policy = policy
            .with_first_delay(interval)
            .with_interval(interval, 1.0, interval);
        policy.submit_retry = policy.submit_retry.with_delays(interval, interval * 4);
        policy.download_retry = policy.download_retry.with_delays(interval, interval * 4);
    }
    if let Some(seconds) = wait.timeout {
        policy = policy.with_deadline(Duration::from_secs(seconds));
    }
    Ok((provider, policy))
}

/// A duration in milliseconds from an environment variable.
pub(crate) fn env_millis(name: &str) -> Option<Duration> {
    let millis = std::env::var(name).ok()?.trim().parse().ok()?;
    Some(Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_is_found_by_name_and_unknown_names_are_invalid() {
        for spec in PROVIDERS {
            assert_eq!(find(spec.name).unwrap().name, spec.name);
        }
        assert!(matches!(
            find("nope"),
            Err(VideoError::InvalidRequest { .. })
        ));
        assert!(PROVIDERS.iter().any(|spec| !spec.real));
    }
}
