//! [`connect`]: what every provider's builder checks before it builds a client — a key that
//! is set and not blank, a base URL that is a host root, plain http only where allowed —
//! written once.

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
    /// The variable that allows plain http to a non-loopback host.
    pub insecure_env: &'a str,
}

impl Connect<'_> {
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
        insecure_env: "P_INSECURE",
    };

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
