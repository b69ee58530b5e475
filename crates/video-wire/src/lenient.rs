//! Tolerant field readers for `#[serde(deserialize_with = ...)]`: providers (and relays in
//! front of them) send ids and numbers as strings or numbers, `null` for absent fields, and
//! add fields over time. Each reader accepts every shape a field has been seen in and turns
//! the rest into "absent" rather than failing the whole reply.

use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, or a number/bool written as text; `null` and anything else is `None`.
pub fn value_to_string(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// What a scalar field may hold, read without building a `serde_json::Value` (a reply is
/// read for every query, so the common fields take the direct path).
enum Scalar {
    Text(String),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Flag(bool),
    /// `null`, absent, or a list/object (skipped): treated as absent.
    Nothing,
}

struct ScalarVisitor;

impl<'de> serde::de::Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }
    fn visit_string<E>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(text))
    }
    fn visit_u64<E>(self, number: u64) -> Result<Scalar, E> {
        Ok(Scalar::Unsigned(number))
    }
    fn visit_i64<E>(self, number: i64) -> Result<Scalar, E> {
        Ok(Scalar::Signed(number))
    }
    fn visit_f64<E>(self, number: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(number))
    }
    fn visit_bool<E>(self, flag: bool) -> Result<Scalar, E> {
        Ok(Scalar::Flag(flag))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Nothing)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Nothing)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Scalar, D::Error> {
        inner.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Nothing)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Scalar::Nothing)
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

/// An optional string that may come as a number (kept as its text).
///
/// # Errors
/// Only when the input is not JSON at all.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Text(text) => Some(text),
        Scalar::Unsigned(number) => Some(number.to_string()),
        Scalar::Signed(number) => Some(number.to_string()),
        Scalar::Float(number) => Some(
            serde_json::Number::from_f64(number)
                .map_or_else(|| number.to_string(), |number| number.to_string()),
        ),
        Scalar::Flag(flag) => Some(flag.to_string()),
        Scalar::Nothing => None,
    })
}

/// [`string`], with absent as `""`.
///
/// # Errors
/// As [`string`].
pub fn string_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(string(d)?.unwrap_or_default())
}

/// An integer given as a number or as text.
///
/// # Errors
/// As [`string`].
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Unsigned(number) => i64::try_from(number).ok(),
        Scalar::Signed(number) => Some(number),
        Scalar::Text(text) => text.trim().parse().ok(),
        _ => None,
    })
}

/// A number given as a number or as text (`0.42`, `"42"`); anything else is absent.
///
/// # Errors
/// As [`string`].
pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Unsigned(number) => Some(number as f64),
        Scalar::Signed(number) => Some(number as f64),
        Scalar::Float(number) => Some(number),
        Scalar::Text(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|number: &f64| number.is_finite()))
}

/// A non-negative integer given as a number (a float is truncated) or as text.
///
/// # Errors
/// As [`string`].
pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Unsigned(number) => Some(number),
        Scalar::Signed(number) => u64::try_from(number).ok(),
        Scalar::Float(number) if number >= 0.0 => Some(number as u64),
        Scalar::Text(text) => text.trim().parse().ok(),
        _ => None,
    })
}

/// The `visit_*` methods for `null` and every scalar, each reading as `$absent` (what the
/// object and list readers do with anything that is not their shape).
macro_rules! scalars_are_absent {
    ($value:ty, $absent:expr) => {
        fn visit_none<E>(self) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_unit<E>(self) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_bool<E>(self, _: bool) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_i64<E>(self, _: i64) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_u64<E>(self, _: u64) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_f64<E>(self, _: f64) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_str<E>(self, _: &str) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_bytes<E>(self, _: &[u8]) -> Result<$value, E> {
            Ok($absent)
        }
    };
}

/// Reads a `T` from a JSON object, and "absent" from anything else (skipped unread), without
/// building a `serde_json::Value` first.
struct ObjectOrNothing<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOrNothing<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object (anything else is read as absent)")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Option<T>, D::Error> {
        inner.deserialize_any(self)
    }
    scalars_are_absent!(Option<T>, None);
}

/// A list item that is an object (read as `T`), or something else (skipped).
struct ItemObject<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ItemObject<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjectOrNothing(PhantomData))
            .map(ItemObject)
    }
}

/// Reads the objects of a JSON list; a non-list is empty.
struct ObjectList<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectList<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of objects (anything else is read as empty)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(ItemObject(item)) = seq.next_element::<ItemObject<T>>()? {
            items.extend(item);
        }
        Ok(items)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Vec<T>, D::Error> {
        inner.deserialize_any(self)
    }
    scalars_are_absent!(Vec<T>, Vec::new());
}

/// An object of type `T` when it is one; anything else (`null`, a list, a scalar) is `None`.
///
/// Read in one pass, without an intermediate `serde_json::Value` (every query reply goes
/// through here). `T`'s own fields should be lenient too: an object that does not parse as
/// `T` fails the whole reply (a typed decode error), it is not dropped.
///
/// # Errors
/// When the input is not JSON, or an object does not parse as `T`.
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(ObjectOrNothing(PhantomData))
}

/// The objects of a list, each read as `T`; `null` or a non-list is empty, and items that
/// are not objects are skipped. Read in one pass, as [`object`].
///
/// # Errors
/// As [`object`].
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(ObjectList(PhantomData))
}

/// Why a reply body did not become the typed envelope.
#[derive(Debug)]
pub enum BodyError {
    /// Not a JSON object at all (an HTML error page, a bare string, truncated JSON).
    NotJson,
    /// A JSON object that does not match the envelope.
    Mismatch(serde_json::Error),
}

/// A reply body that must be a JSON object, parsed straight into `T` (no intermediate
/// `serde_json::Value`: this runs for every query).
///
/// # Errors
/// [`BodyError::NotJson`] for anything but a JSON object, [`BodyError::Mismatch`] for an
/// object `T` rejects.
pub fn object_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, BodyError> {
    let starts_as_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !starts_as_object {
        return Err(BodyError::NotJson);
    }
    serde_json::from_slice(body).map_err(|error| {
        // Only on failure: is it JSON at all?
        if serde_json::from_slice::<IgnoredAny>(body).is_ok() {
            BodyError::Mismatch(error)
        } else {
            BodyError::NotJson
        }
    })
}

impl BodyError {
    /// The [`VideoError`](video_core::VideoError) for this body, answered with HTTP
    /// `status`: [`BodyError::NotJson`] as `not_json` says (each provider knows what its
    /// gateways send), a mismatch as a decode error naming where the body failed — never
    /// what the server wrote there in the reason (serde's message quotes it, unbounded); the
    /// body shows only in the error's excerpt, which is bounded and redacted.
    pub fn into_error(
        self,
        status: u16,
        body: &[u8],
        not_json: impl FnOnce() -> video_core::VideoError,
    ) -> video_core::VideoError {
        match self {
            Self::NotJson => not_json(),
            Self::Mismatch(error) => video_core::VideoError::decode(
                Some(status),
                format!(
                    "reply does not match the protocol (line {}, column {})",
                    error.line(),
                    error.column()
                ),
                body,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::string")]
        id: Option<String>,
        #[serde(default, deserialize_with = "super::i64")]
        code: Option<i64>,
        #[serde(default, deserialize_with = "super::u64")]
        at: Option<u64>,
        #[serde(default, deserialize_with = "super::list")]
        items: Vec<Item>,
        #[serde(default, deserialize_with = "super::object")]
        item: Option<Item>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Item {
        #[serde(default, deserialize_with = "super::i64")]
        n: Option<i64>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn every_seen_shape_is_read() {
        let p = probe(
            r#"{"id": 866889456698785798, "code": "1303", "at": 1.7e12,
                "items": [{"n": 1}, "x", [{"n": 9}], null, {"n": "2"}], "item": {"n": 3, "m": {}}}"#,
        );
        assert_eq!(p.id.as_deref(), Some("866889456698785798"));
        assert_eq!(p.code, Some(1303));
        assert_eq!(p.at, Some(1_700_000_000_000));
        assert_eq!(p.items, [Item { n: Some(1) }, Item { n: Some(2) }]);
        assert_eq!(p.item, Some(Item { n: Some(3) }));
        let p =
            probe(r#"{"id": null, "code": [], "at": -1, "items": {"n": 1}, "item": [{"n": 1}]}"#);
        assert_eq!((p.id, p.code, p.at), (None, None, None));
        assert!(p.items.is_empty());
        assert_eq!(p.item, None);
        for absent in ["null", "\"x\"", "1", "true"] {
            let p = probe(&format!(r#"{{"items": {absent}, "item": {absent}}}"#));
            assert!(p.items.is_empty() && p.item.is_none(), "{absent}");
        }
    }

    #[test]
    fn a_body_is_an_object_or_says_why_not() {
        use super::{BodyError, object_body};
        let ok: Item = object_body(br#" {"n": 5}"#).unwrap();
        assert_eq!(ok, Item { n: Some(5) });
        for not_json in [&b"<html>"[..], b"\"x\"", b"{\"n\": 1", b"", b"[1]"] {
            let result = object_body::<Item>(not_json);
            assert!(matches!(result, Err(BodyError::NotJson)), "{not_json:?}");
        }
        let result = object_body::<Item>(br#"{"n": 1, "n": 2}"#);
        assert!(matches!(result, Err(BodyError::Mismatch(_))));
    }

    #[test]
    fn a_mismatch_says_where_not_what_the_server_wrote() {
        use super::{BodyError, object_body};
        #[derive(Debug, Deserialize)]
        struct Strict {
            #[allow(dead_code)]
            n: u64,
        }
        let body = br#"{"n": "sk-echoed-secret-key"}"#;
        let Err(error) = object_body::<Strict>(body) else {
            panic!("a string is not a u64");
        };
        assert!(matches!(error, BodyError::Mismatch(_)));
        // The reason names the place; the body is only in the (bounded, redacted) excerpt.
        let error = error.into_error(200, body, || unreachable!("it is JSON"));
        let video_core::VideoError::Decode { reason, .. } = error else {
            panic!("{error:?}");
        };
        assert!(reason.contains("line 1, column"), "{reason}");
        assert!(!reason.contains("sk-echoed"), "{reason}");
        let not_json = BodyError::NotJson.into_error(502, b"<html>", || {
            video_core::VideoError::decode(Some(502), "a gateway page", b"")
        });
        assert!(not_json.to_string().contains("a gateway page"));
    }

    #[test]
    fn the_same_from_a_value() {
        let value = serde_json::json!({"items": [{"n": 1}, 2], "item": {"n": "4"}});
        let p: Probe = serde_json::from_value(value).unwrap();
        assert_eq!(p.items, [Item { n: Some(1) }]);
        assert_eq!(p.item, Some(Item { n: Some(4) }));
    }
}
