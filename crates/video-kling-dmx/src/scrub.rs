//! [`Scrubber`]: removes echoes of the API key from everything read off the network, before
//! it can reach an error, a log, the journal or a terminal.

use std::borrow::Cow;

use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};

/// What an echoed key is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// Replaces every occurrence of a secret in bodies and texts.
pub(crate) struct Scrubber {
    secret: SecretString,
}

impl Scrubber {
    /// A scrubber for `secret` (an empty secret scrubs nothing).
    pub(crate) fn new(secret: SecretString) -> Self {
        Self { secret }
    }

    fn key(&self) -> &[u8] {
        self.secret.expose_secret().as_bytes()
    }

    /// `body` with every echo of the secret replaced; the same buffer when there is none.
    pub(crate) fn bytes(&self, body: Bytes) -> Bytes {
        let key = self.key();
        if key.is_empty() || !contains(&body, key) {
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

    /// `text` with every echo of the secret replaced.
    pub(crate) fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let key = self.secret.expose_secret();
        if key.is_empty() || !text.contains(key) {
            return Cow::Borrowed(text);
        }
        Cow::Owned(text.replace(key, REDACTED))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber() -> Scrubber {
        Scrubber::new(SecretString::from("sk-SECRET".to_owned()))
    }

    #[test]
    fn every_echo_is_replaced_in_bytes_and_text() {
        let body = Bytes::from_static(b"a sk-SECRET b sk-SECRETsk-SECRET c");
        assert_eq!(
            scrubber().bytes(body),
            Bytes::from_static(b"a [redacted] b [redacted][redacted] c")
        );
        assert_eq!(scrubber().text("key=sk-SECRET"), "key=[redacted]");
        assert!(matches!(scrubber().text("clean"), Cow::Borrowed("clean")));
    }

    #[test]
    fn an_empty_secret_scrubs_nothing() {
        let empty = Scrubber::new(SecretString::from(String::new()));
        assert_eq!(empty.text("sk-SECRET"), "sk-SECRET");
        assert_eq!(
            empty.bytes(Bytes::from_static(b"x")),
            Bytes::from_static(b"x")
        );
    }
}
