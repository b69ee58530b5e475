//! The providers a worker can serve: every provider of `video-providers`' registry,
//! configured from the same environment as the `video` command. Nothing here names a
//! provider: a new one is a registry row.

use std::sync::Arc;

use video_core::{PollPolicy, VideoError, VideoProvider};
use video_providers::{ProcessEnv, Registry, Settings};

/// The names the worker knows (the registry's).
pub fn provider_names() -> Vec<&'static str> {
    Registry::builtin().names()
}

/// The provider called `name`, configured from the process environment, and the policy its
/// tasks are waited with by default.
///
/// # Errors
/// [`VideoError::InvalidRequest`] for an unknown name; the provider's configuration error
/// ([`VideoError::MissingCredentials`], [`VideoError::InsecureHttp`]...).
pub fn provider_from_env(
    name: &str,
    allow_insecure_http: bool,
) -> Result<(Arc<dyn VideoProvider>, PollPolicy), VideoError> {
    provider_from(&Registry::builtin(), name, None, allow_insecure_http)
}

/// The provider called `name` (its `model`, or the row's default) from `registry`,
/// configured from the process environment, and its default policy.
///
/// # Errors
/// As [`provider_from_env`].
pub fn provider_from(
    registry: &Registry,
    name: &str,
    model: Option<&str>,
    allow_insecure_http: bool,
) -> Result<(Arc<dyn VideoProvider>, PollPolicy), VideoError> {
    let settings = Settings::new(&ProcessEnv)
        .model(model)
        .allow_insecure_http(allow_insecure_http);
    let built = registry.build(name, &settings)?;
    Ok((built.provider, built.policy))
}
