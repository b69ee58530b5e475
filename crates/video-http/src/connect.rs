//! [`Connect`]: what every provider's builder reads and checks before it builds a client —
//! its variables (blank counts as unset), a key that is set, a base URL that is a host root,
//! plain http only where allowed — written once.

use secrecy::{ExposeSecret, SecretString};
use url::Url;
use video_core::VideoError;

use crate::{Auth, HttpClient, HttpOptions, UrlPolicy};

/// Where a provider's credentials and base URL come from, for its error messages.
#[derive(Debug, Clone, Copy)]
pub struct Connect<'a> {
    /// The provider's name (e.g. `openai`).
    pub provider: &'a str,
    /// The variable that holds its key (named when the key is missing).
    pub key_env: &'a str,
    /// The variable that holds its base URL.
    pub base_env: &'a str,
    /// The variable that allows plain http to a non-loopback host.
    pub insecure_env: &'a str,
}

/// A provider's three variables, as [`Connect::read`] found them (`Debug` shows no key).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ConnectEnv {
    /// The key, when set and not blank.
    pub key: Option<SecretString>,
    /// The base URL, when set and not blank.
    pub base_url: Option<String>,
    /// Whether plain http to a non-loopback host is allowed.
    pub allow_insecure_http: bool,
}

impl Connect<'_> {
    /// The key, base URL and insecure switch among the variables `lookup` returns.
    pub fn read(&self, lookup: &impl Fn(&str) -> Option<String>) -> ConnectEnv {
        ConnectEnv {
            key: env_value(lookup, self.key_env).map(SecretString::from),
            base_url: env_value(lookup, self.base_env),
            allow_insecure_http: is_on(env_value(lookup, self.insecure_env).as_deref()),
        }
    }

    /// Whether the variables `lookup` returns hold a key (the provider is configured).
    pub fn configured_in(&self, lookup: impl Fn(&str) -> Option<String>) -> bool {
        env_value(&lookup, self.key_env).is_some()
    }

    /// `key` when it is set and not blank.
    ///
    /// # Errors
    /// [`VideoError::MissingCredentials`] naming [`key_env`](Self::key_env).
    pub fn key(&self, key: Option<SecretString>) -> Result<SecretString, VideoError> {
        key.filter(|key| !key.expose_secret().trim().is_empty())
            .ok_or_else(|| VideoError::MissingCredentials {
                provider: self.provider.to_owned(),
                env: vec![self.key_env.to_owned()],
            })
    }

    /// `base` as a host root (see [`crate::wire::host_root`]; `api_suffixes` are dropped),
    /// checked against the options' URL policy.
    ///
    /// # Errors
    /// [`VideoError::Configuration`] for a value that is not an http(s) URL;
    /// [`VideoError::InsecureHttp`] for plain http to a non-loopback host not allowed.
    pub fn base(
        &self,
        base: &str,
        api_suffixes: &[&str],
        http: &HttpOptions,
    ) -> Result<Url, VideoError> {
        let root = crate::wire::host_root(base, api_suffixes)?;
        let policy = UrlPolicy {
            allow_insecure_http: http.allow_insecure_http,
        };
        if policy.check(&root, "base_url").is_err() {
            return Err(VideoError::InsecureHttp {
                host: crate::host_of(&root),
                env: Some(self.insecure_env.to_owned()),
            });
        }
        Ok(root)
    }

    /// The client and checked base in one step.
    ///
    /// # Errors
    /// As [`base`](Self::base), and a bad HTTP option.
    pub fn client(
        &self,
        auth: Auth,
        base: &str,
        api_suffixes: &[&str],
        http: HttpOptions,
    ) -> Result<(HttpClient, Url), VideoError> {
        let root = self.base(base, api_suffixes, &http)?;
        Ok((HttpClient::new(http, auth)?, root))
    }
}

/// Variable `name` as `lookup` returns it, when set and not blank.
pub fn env_value(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).filter(|value| !value.trim().is_empty())
}

/// Whether a variable's value turns a switch on (`1`, `true` or `yes`).
pub fn is_on(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECT: Connect<'static> = Connect {
        provider: "p",
        key_env: "P_KEY",
        base_env: "P_BASE",
        insecure_env: "P_INSECURE",
    };

    #[test]
    fn variables_are_read_with_blank_as_unset() {
        let lookup = |name: &str| match name {
            "P_KEY" => Some("k-1".to_owned()),
            "P_BASE" => Some("  ".to_owned()),
            "P_INSECURE" => Some("yes".to_owned()),
            _ => None,
        };
        let env = CONNECT.read(&lookup);
        assert!(env.key.is_some() && env.base_url.is_none() && env.allow_insecure_http);
        assert!(CONNECT.configured_in(lookup));
        assert!(!CONNECT.configured_in(|_| Some(" ".to_owned())));
    }

    #[test]
    fn blank_keys_and_plain_http_are_refused_with_their_variables() {
        let missing = CONNECT.key(Some(SecretString::from(" "))).unwrap_err();
        assert!(matches!(missing, VideoError::MissingCredentials { env, .. } if env == ["P_KEY"]));
        let options = HttpOptions::new("t");
        let insecure = CONNECT
            .base("http://api.example/v1", &[], &options)
            .unwrap_err();
        assert!(
            matches!(insecure, VideoError::InsecureHttp { env: Some(env), .. } if env == "P_INSECURE")
        );
        let local = CONNECT
            .base("http://127.0.0.1:9/v1", &[], &options)
            .unwrap();
        assert_eq!(local.as_str(), "http://127.0.0.1:9/v1/");
        assert!(is_on(Some(" TRUE ")) && !is_on(Some("0")) && !is_on(None));
    }
}
