//! A walk over a JSON body's decoded strings and keys that builds nothing: does any of them
//! hold an echo of a secret? Run before the rewrite (which builds the whole tree and writes
//! it out again), so a clean body with escapes — every relay envelope carrying JSON as text
//! — costs one allocation-free pass. A string that is itself JSON (an envelope's text) is
//! walked too, its own escapes decoded, a few levels deep.

use std::fmt;

use aho_corasick::AhoCorasick;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// How many levels of JSON-inside-a-string are decoded (each level doubles the escapes, so
/// a capped reply cannot nest much deeper anyway).
pub(crate) const MAX_NESTING: u8 = 4;

/// The characters the secrets are made of: an escape that decodes to none of them cannot
/// hide an echo (every character of an echo would then be written plainly, and the plain
/// pass finds it).
#[derive(Debug, Clone)]
pub(crate) struct NeedleChars {
    ascii: [bool; 128],
    other: bool,
}

impl Default for NeedleChars {
    fn default() -> Self {
        Self::of([])
    }
}

impl NeedleChars {
    pub(crate) fn of<'a>(needles: impl IntoIterator<Item = &'a str>) -> Self {
        let mut chars = Self {
            ascii: [false; 128],
            other: false,
        };
        for c in needles.into_iter().flat_map(str::chars) {
            match usize::try_from(u32::from(c)) {
                Ok(index) if index < 128 => chars.ascii[index] = true,
                _ => chars.other = true,
            }
        }
        chars
    }

    fn holds(&self, code: u32) -> bool {
        usize::try_from(code)
            .ok()
            .and_then(|index| self.ascii.get(index))
            .copied()
            .unwrap_or(self.other)
    }

    /// Whether one of `text`'s JSON escapes decodes to a secret's character, looking one
    /// level down too: an escaped backslash followed by `uXXXX` (or another escape) is an
    /// escape of the JSON carried inside a string (a relay's envelope text), decoded the
    /// same way; anything deeper counts as able to hide one.
    pub(crate) fn escape_could_hide(&self, text: &[u8]) -> bool {
        let mut rest = text;
        while let Some(at) = memchr::memchr(b'\\', rest) {
            let Some((code, used)) = escape_at(&rest[at..]) else {
                return true;
            };
            let mut next = at + used;
            if code == u32::from(b'\\') {
                // An escaped backslash: it starts an escape one level down.
                match escape_below(&rest[next..]) {
                    Some((code, used)) if code != u32::from(b'\\') && !self.holds(code) => {
                        next += used;
                    }
                    Some(_) => return true,
                    // A literal backslash in the inner text, followed by plain text.
                    None => {}
                }
            } else if self.holds(code) {
                return true;
            }
            rest = rest.get(next..).unwrap_or_default();
        }
        false
    }
}

/// The code an escape at the start of `text` (a backslash) decodes to, and its length.
fn escape_at(text: &[u8]) -> Option<(u32, usize)> {
    match text.get(1)? {
        b'u' => {
            let hex = std::str::from_utf8(text.get(2..6)?).ok()?;
            Some((u32::from_str_radix(hex, 16).ok()?, 6))
        }
        b'b' => Some((8, 2)),
        b'f' => Some((12, 2)),
        b'n' => Some((u32::from(b'\n'), 2)),
        b'r' => Some((u32::from(b'\r'), 2)),
        b't' => Some((u32::from(b'\t'), 2)),
        &c => Some((u32::from(c), 2)),
    }
}

/// The escape one level down that starts right after an escaped backslash: its letter is
/// written plainly (`u0026`, `n`) or escaped itself (`\"`); `None` when what follows is no
/// escape letter (the inner text held a lone backslash, which JSON would not allow).
fn escape_below(text: &[u8]) -> Option<(u32, usize)> {
    match text.first()? {
        b'\\' => {
            let (letter, used) = escape_at(text)?;
            let letter = u8::try_from(letter).ok()?;
            Some((u32::from(letter), used))
        }
        b'u' => {
            let hex = std::str::from_utf8(text.get(1..5)?).ok()?;
            Some((u32::from_str_radix(hex, 16).ok()?, 5))
        }
        b'b' | b'f' | b'n' | b'r' | b't' | b'/' | b'"' => {
            let shifted = [b'\\', text[0]];
            escape_at(&shifted).map(|(code, _)| (code, 1))
        }
        _ => None,
    }
}

/// Whether a decoded string or key of the JSON `body` holds one of `needles`; a body that
/// is not JSON counts as clean (its raw bytes were scrubbed already).
pub(crate) fn has_echo(needles: &AhoCorasick, chars: &NeedleChars, body: &[u8]) -> bool {
    let mut json = serde_json::Deserializer::from_slice(body);
    Probe {
        needles,
        chars,
        depth: 0,
    }
    .deserialize(&mut json)
    .unwrap_or(false)
}

/// Whether `text` is worth decoding as JSON of its own: escaped, and shaped like an object or
/// a list.
pub(crate) fn is_nested_json(text: &str) -> bool {
    let trimmed = text.trim_start();
    text.contains('\\') && (trimmed.starts_with('{') || trimmed.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_escapes_of_secret_characters_or_backslashes_could_hide_an_echo() {
        let chars = NeedleChars::of(["sk-SECRET"]);
        assert!(!chars.escape_could_hide(br#"{"a":"x\u0026y \" \n"}"#));
        assert!(
            chars.escape_could_hide(br#"{"a":"\u0073k"}"#),
            "an escaped s"
        );
        assert!(
            chars.escape_could_hide(br#"{"a":"{\"b\":\"\\u0073\"}"}"#),
            "one level down"
        );
        let envelope = br#"{"text":"{\"url\":\"a\\u0026b\",\"n\":\"x\\ny\"}"}"#;
        assert!(
            !chars.escape_could_hide(envelope),
            "an envelope's own escapes"
        );
        assert!(
            chars.escape_could_hide(br#""\\\\u0073""#),
            "two levels down counts"
        );
        assert!(
            chars.escape_could_hide(br#"{"a":"\u00"}"#),
            "a broken escape counts"
        );
        assert!(!chars.escape_could_hide(b"no escapes"));
        let wide = NeedleChars::of(["ключ"]);
        assert!(wide.escape_could_hide(br#""\u043a""#));
    }
}

#[derive(Clone, Copy)]
struct Probe<'n> {
    needles: &'n AhoCorasick,
    chars: &'n NeedleChars,
    depth: u8,
}

impl Probe<'_> {
    fn found_in(self, text: &str) -> bool {
        if self.needles.is_match(text) {
            return true;
        }
        let deeper_escapes = || self.chars.escape_could_hide(text.as_bytes());
        if self.depth < MAX_NESTING && is_nested_json(text) && deeper_escapes() {
            let mut json = serde_json::Deserializer::from_str(text);
            let deeper = Probe {
                depth: self.depth + 1,
                ..self
            };
            return deeper.deserialize(&mut json).unwrap_or(false);
        }
        false
    }
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<bool, E> {
        Ok(self.found_in(text))
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(item) = items.next_element_seed(self)? {
            found |= item;
        }
        Ok(found)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key_seed(self)? {
            found |= key;
            found |= map.next_value_seed(self)?;
        }
        Ok(found)
    }
}
