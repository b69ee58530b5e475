//! [`Scrubber`]: removes echoes of secrets from everything read off the network, before it
//! can reach an error, a log, a journal or a terminal.
//!
//! A server can echo a secret in more than one form: the raw bytes, the same text with JSON
//! `\u` escapes (valid JSON for the same string), or a JWT cut into its segments. So a body
//! is scrubbed twice: first its raw bytes, then — when it has escapes and is JSON — every
//! decoded string and key, the body written out again only when something was removed. Each
//! segment of a JWT-shaped secret is a secret of its own.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, MatchKind};
use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::scrub_probe::{MAX_NESTING, NeedleChars, has_echo, is_nested_json};

/// What an echoed secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// JWT segments shorter than this are not treated as secrets of their own (too likely to
/// occur by chance; a real segment is far longer).
const MIN_SEGMENT: usize = 12;

/// Replaces every occurrence of a set of secrets (API keys, tokens, the segments of each
/// token) in bodies and texts, in one pass over the input whatever the number of secrets.
#[derive(Default)]
pub struct Scrubber {
    needles: Option<AhoCorasick>,
    chars: NeedleChars,
    count: usize,
    /// The one needle, when there is only one: a plain substring search answers "is there an
    /// echo" with less code than the automaton (the common case: one API key).
    single: Option<memchr::memmem::Finder<'static>>,
}

impl Scrubber {
    /// A scrubber for `secrets` (empty ones are ignored; a JWT-shaped secret also adds each
    /// of its three segments).
    pub fn new(secrets: impl IntoIterator<Item = SecretString>) -> Self {
        let mut needles: Vec<String> = Vec::new();
        for secret in secrets {
            add_needles(&mut needles, secret.expose_secret());
        }
        needles.sort_unstable();
        needles.dedup();
        let count = needles.len();
        let chars = NeedleChars::of(needles.iter().map(String::as_str));
        let single = match needles.as_slice() {
            [one] => Some(memchr::memmem::Finder::new(one.as_bytes()).into_owned()),
            _ => None,
        };
        let needles = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&needles)
            .ok()
            .filter(|_| count > 0);
        Self {
            needles,
            chars,
            count,
            single,
        }
    }

    /// Whether `bytes` holds a raw echo of a needle.
    fn finds(&self, needles: &AhoCorasick, bytes: &[u8]) -> bool {
        match &self.single {
            Some(finder) => finder.find(bytes).is_some(),
            None => needles.is_match(bytes),
        }
    }

    /// Whether `bytes` may hold an echo of a secret, raw or JSON-escaped (a cheap check
    /// before [`bytes`](Self::bytes) copies anything).
    pub fn may_hold_secret(&self, bytes: &[u8]) -> bool {
        self.needles.as_ref().is_some_and(|needles| {
            self.finds(needles, bytes) || self.chars.escape_could_hide(bytes)
        })
    }

    /// `body` with every echo of a secret replaced, in raw or JSON-escaped form; the same
    /// buffer when there is none.
    pub fn bytes(&self, body: Bytes) -> Bytes {
        let Some(needles) = &self.needles else {
            return body;
        };
        let body = if self.finds(needles, body.as_ref()) {
            let mut clean = Vec::with_capacity(body.len());
            needles.replace_all_with_bytes(&body, &mut clean, |_, _, out| {
                out.extend_from_slice(REDACTED.as_bytes());
                true
            });
            Bytes::from(clean)
        } else {
            body
        };
        if !self.chars.escape_could_hide(&body) || !has_echo(needles, &self.chars, &body) {
            return body;
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
            return body;
        };
        if self.scrub_value(&mut value) {
            serde_json::to_vec(&value).map_or(body, Bytes::from)
        } else {
            body
        }
    }

    /// `text` with every echo of a secret replaced.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.needles {
            Some(needles) if needles.is_match(text) => {
                let mut clean = String::with_capacity(text.len());
                needles.replace_all_with(text, &mut clean, |_, _, out| {
                    out.push_str(REDACTED);
                    true
                });
                Cow::Owned(clean)
            }
            _ => Cow::Borrowed(text),
        }
    }

    /// `text` that may be JSON (an event's data) scrubbed as [`bytes`](Self::bytes) does:
    /// raw echoes, then escaped ones in decoded strings.
    pub fn json_text(&self, text: &str) -> String {
        let clean = self.bytes(Bytes::copy_from_slice(text.as_bytes()));
        String::from_utf8_lossy(&clean).into_owned()
    }

    /// Scrubs every string and key in `value`; whether anything was replaced.
    fn scrub_value(&self, value: &mut Value) -> bool {
        self.scrub_value_at(value, 0)
    }

    fn scrub_value_at(&self, value: &mut Value, depth: u8) -> bool {
        match value {
            Value::String(text) => self.scrub_nested(text, depth),
            Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
                self.scrub_value_at(item, depth) | changed
            }),
            Value::Object(map) => {
                let mut changed = false;
                let old = std::mem::take(map);
                for (mut key, mut item) in old {
                    changed |= self.scrub_nested(&mut key, depth);
                    changed |= self.scrub_value_at(&mut item, depth);
                    map.insert(key, item);
                }
                changed
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// Scrubs `text`, and — when it is JSON of its own (a relay's envelope text) — the
    /// strings decoded from it, written back in place; whether anything was replaced.
    fn scrub_nested(&self, text: &mut String, depth: u8) -> bool {
        let mut changed = false;
        if let Cow::Owned(clean) = self.text(text) {
            *text = clean;
            changed = true;
        }
        if depth < MAX_NESTING
            && is_nested_json(text)
            && let Ok(mut inner) = serde_json::from_str::<Value>(text)
            && self.scrub_value_at(&mut inner, depth + 1)
        {
            *text = inner.to_string();
            changed = true;
        }
        changed
    }
}

/// `secret` and, when it is shaped like a JWT, each of its segments.
fn add_needles(needles: &mut Vec<String>, secret: &str) {
    if secret.is_empty() {
        return;
    }
    needles.push(secret.to_owned());
    let bare = secret.strip_prefix("Bearer ").unwrap_or(secret);
    let segments: Vec<&str> = bare.split('.').collect();
    if segments.len() == 3 {
        needles.extend(
            segments
                .into_iter()
                .filter(|segment| segment.len() >= MIN_SEGMENT)
                .map(str::to_owned),
        );
    }
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("secrets", &self.count)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJBSy0xMjMifQ.c2lnbmF0dXJlLWJ5dGVz";

    fn scrubber() -> Scrubber {
        Scrubber::new([
            SecretString::from("sk-SECRET".to_owned()),
            SecretString::from("tok-2".to_owned()),
            SecretString::from(JWT.to_owned()),
            SecretString::from(String::new()),
        ])
    }

    fn escaped(text: &str) -> String {
        text.chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect()
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
    fn escaped_echoes_are_found_after_decoding_in_values_and_keys() {
        let body = format!(
            r#"{{"message":"bad token Bearer {}","{}":1,"n":850000000000000000}}"#,
            escaped(JWT),
            escaped("sk-SECRET")
        );
        let clean = scrubber().bytes(Bytes::from(body));
        let value: Value = serde_json::from_slice(&clean).unwrap();
        assert_eq!(value["message"], "bad token Bearer [redacted]");
        assert_eq!(value["[redacted]"], 1);
        assert_eq!(value["n"], 850_000_000_000_000_000_u64, "numbers kept");
    }

    #[test]
    fn the_segments_of_a_token_are_secrets_of_their_own() {
        let parts: Vec<&str> = JWT.split('.').collect();
        let body = format!(
            r#"{{"payload":"{}","signature":"{}"}}"#,
            parts[1],
            escaped(parts[2])
        );
        let clean = scrubber().bytes(Bytes::from(body));
        let text = String::from_utf8_lossy(&clean);
        assert!(
            !text.contains(parts[1]) && !text.contains(parts[2]),
            "{text}"
        );
        assert!(!text.contains("\\u"), "{text}");
    }

    #[test]
    fn an_echo_inside_json_carried_as_text_is_found_at_every_level() {
        // A relay envelope: the upstream's JSON as a string, its own escapes inside.
        let inner = format!(
            r#"{{"message":"bad key {}","url":"a\u0026b"}}"#,
            escaped("sk-SECRET")
        );
        let body = serde_json::json!({"output": [{"content": [{"text": inner}]}]}).to_string();
        let clean = scrubber().bytes(Bytes::from(body));
        let outer: Value = serde_json::from_slice(&clean).unwrap();
        let text = outer["output"][0]["content"][0]["text"].as_str().unwrap();
        let inner: Value = serde_json::from_str(text).unwrap();
        assert_eq!(inner["message"], "bad key [redacted]");
        assert_eq!(inner["url"], "a&b", "the rest of the inner JSON is kept");
        let clean_envelope =
            serde_json::json!({"output": [{"content": [{"text": r#"{"a":"x\u0026y"}"#}]}]});
        let body = Bytes::from(clean_envelope.to_string());
        assert_eq!(
            scrubber().bytes(body.clone()),
            body,
            "a clean envelope is not rewritten"
        );
    }

    #[test]
    fn bodies_without_secrets_are_untouched() {
        let body = Bytes::from_static(br#"{"message":"caf\u00e9"}"#);
        assert_eq!(scrubber().bytes(body.clone()), body, "not rewritten");
        let html = Bytes::from_static(b"<p>a \\ b sk-SECRET</p>");
        assert_eq!(
            scrubber().bytes(html),
            Bytes::from_static(b"<p>a \\ b [redacted]</p>")
        );
    }

    #[test]
    fn one_key_is_found_raw_escaped_and_in_headers() {
        let one = Scrubber::new([SecretString::from("sk-ONLY-KEY".to_owned())]);
        assert_eq!(
            one.bytes(Bytes::from_static(br#"{"echo":"sk-ONLY-KEY","n":1}"#)),
            Bytes::from_static(br#"{"echo":"[redacted]","n":1}"#)
        );
        let escaped = one.bytes(Bytes::from_static(br#"{"echo":"sk-ONLY-KEY"}"#));
        assert!(
            !String::from_utf8_lossy(&escaped).contains("KEY"),
            "{escaped:?}"
        );
        assert!(one.may_hold_secret(b"Bearer sk-ONLY-KEY"));
        assert!(!one.may_hold_secret(b"application/json"));
        assert!(!format!("{one:?}").contains("ONLY"));
    }

    #[test]
    fn no_secrets_scrub_nothing() {
        let empty = Scrubber::default();
        assert_eq!(empty.text("sk-SECRET"), "sk-SECRET");
        assert_eq!(
            empty.bytes(Bytes::from_static(b"sk-SECRET")),
            Bytes::from_static(b"sk-SECRET")
        );
        assert!(!format!("{:?}", scrubber()).contains("SECRET"));
    }
}
