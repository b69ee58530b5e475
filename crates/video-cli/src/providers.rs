//! The providers the command offers: `video-providers`' registry, read from the process
//! environment. Nothing here names a provider: adding one is its crate and a registry row.

use std::sync::Arc;
use std::time::Duration;

use video_core::{PollPolicy, VideoError, VideoProvider};
use video_providers::{Choice, ProcessEnv, ProviderRow, Registry, Settings};

use crate::cli::{Cli, WaitArgs};
use crate::output::err;

/// Environment variable setting a fixed poll interval in milliseconds (for tests and demos).
pub(crate) const ENV_POLL_MS: &str = "VIDEO_POLL_MS";

/// Every provider this build knows.
pub(crate) fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(Registry::builtin)
}

/// The provider called `name`.
pub(crate) fn find(name: &str) -> Result<&'static ProviderRow, VideoError> {
    registry().find(name)
}

/// The provider to use: `--provider`, else the one paid provider the environment
/// configures, else the local fallback (with a notice on stderr naming what configures
/// each provider).
pub(crate) fn choose(flag: Option<&str>) -> Result<&'static ProviderRow, VideoError> {
    match registry().choose(flag, &ProcessEnv)? {
        Choice::Fallback(row) => {
            let needs: Vec<String> = registry()
                .rows()
                .iter()
                .filter(|row| row.paid)
                .map(|row| format!("{} needs {}", row.name, row.credentials().join(" or ")))
                .collect();
            err!(
                "notice: no provider is configured ({}); using --provider {}",
                needs.join("; "),
                row.name
            );
            Ok(row)
        }
        choice => Ok(choice.row()),
    }
}

/// The provider (the model `--model` names, a catalog model's through this provider, or
/// `model` from a journal entry) and the policy
/// to wait for its tasks with, adjusted by the wait options and `VIDEO_POLL_MS`.
pub(crate) fn build(
    row: &ProviderRow,
    cli: &Cli,
    model: Option<&str>,
    wait: &WaitArgs,
) -> Result<(Arc<dyn VideoProvider>, PollPolicy), VideoError> {
    let asked = crate::routes::model_for(row, cli);
    let settings = Settings::new(&ProcessEnv)
        .model(asked.as_deref().or(model))
        .allow_insecure_http(cli.allow_insecure_http);
    let built = row.built(&settings).map_err(in_cli_terms)?;
    let mut policy = built.policy.with_long_wait(wait.stream);
    if let Some(interval) = env_millis(ENV_POLL_MS) {
        policy = policy
            .with_first_delay(interval)
            .with_interval(interval, 1.0, interval);
        policy.submit_retry = policy.submit_retry.with_delays(interval, interval * 4);
        policy.download_retry = policy.download_retry.with_delays(interval, interval * 4);
    }
    if let Some(seconds) = wait.timeout {
        policy = policy
            .with_deadline(Duration::from_secs(seconds))
            .with_cancel_on_deadline(wait.cancel_on_timeout);
    }
    Ok((built.provider, policy))
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

/// A duration in milliseconds from an environment variable.
pub(crate) fn env_millis(name: &str) -> Option<Duration> {
    let millis = std::env::var(name).ok()?.trim().parse().ok()?;
    Some(Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_errors_name_the_commands_options() {
        let missing = in_cli_terms(VideoError::MissingCredentials {
            provider: "p".into(),
            env: vec!["P_KEY".into()],
        });
        assert!(
            missing.to_string().contains("set P_KEY") && missing.to_string().contains("--provider")
        );
        let insecure = in_cli_terms(VideoError::InsecureHttp {
            host: "relay.example".into(),
            env: Some("P_ALLOW_INSECURE_HTTP".into()),
        });
        let text = insecure.to_string();
        assert!(
            text.contains("--allow-insecure-http") && text.contains("P_ALLOW_INSECURE_HTTP=1"),
            "{text}"
        );
        assert!(!registry().rows().is_empty());
    }
}
