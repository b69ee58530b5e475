//! [`Scrubber`]: removes echoes of secrets from everything read off the network, before it
//! can reach an error, a log, a journal or a terminal.

use std::borrow::Cow;

use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};

/// What an echoed secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Replaces every occurrence of a set of secrets (API keys, tokens) in bodies and texts.
#[derive(Default)]
pub struct Scrubber {
    secrets: Vec<SecretString>,
}

impl Scrubber {
    /// A scrubber for `secrets` (empty ones are ignored).
    pub fn new(secrets: impl IntoIterator<Item = SecretString>) -> Self {
        Self {
            secrets: secrets
                .into_iter()
                .filter(|secret| !secret.expose_secret().is_empty())
                .collect(),
        }
    }

    /// `body` with every echo of a secret replaced; the same buffer when there is none.
    pub fn bytes(&self, mut body: Bytes) -> Bytes {
        for secret in &self.secrets {
            body = replace_bytes(body, secret.expose_secret().as_bytes());
        }
        body
    }

    /// `text` with every echo of a secret replaced.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.secrets {
            let secret = secret.expose_secret();
            if text.contains(secret) {
                text = Cow::Owned(text.replace(secret, REDACTED));
            }
        }
        text
    }
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

fn replace_bytes(body: Bytes, key: &[u8]) -> Bytes {
    if key.is_empty() || find(&body, key).is_none() {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest: &[u8] = &body;
    while let Some(at) = find(rest, key) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(REDACTED.as_bytes());
        rest = &rest[at + key.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber() -> Scrubber {
        Scrubber::new([
            SecretString::from("sk-SECRET".to_owned()),
            SecretString::from("tok-2".to_owned()),
            SecretString::from(String::new()),
        ])
    }

    #[test]
    fn every_echo_of_every_secret_is_replaced() {
        let body = Bytes::from_static(b"a sk-SECRET b sk-SECRETsk-SECRET c tok-2");
        assert_eq!(
            scrubber().bytes(body),
            Bytes::from_static(b"a [redacted] b [redacted][redacted] c [redacted]")
        );
        assert_eq!(scrubber().text("key=sk-SECRET"), "key=[redacted]");
        assert!(matches!(scrubber().text("clean"), Cow::Borrowed("clean")));
    }

    #[test]
    fn no_secrets_scrub_nothing() {
        let empty = Scrubber::default();
        assert_eq!(empty.text("sk-SECRET"), "sk-SECRET");
        assert!(!format!("{:?}", scrubber()).contains("SECRET"));
    }
}
