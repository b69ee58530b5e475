//! Tolerant field readers for `#[serde(deserialize_with = ...)]`: Kling (and relays in front
//! of it) send ids and numbers as strings or numbers, `null` for absent fields, and add
//! fields over time. Each reader accepts every shape a field has been seen in and turns the
//! rest into "absent" rather than failing the whole reply.

use serde::de::DeserializeOwned;
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

/// An optional string that may come as a number (kept as its text).
///
/// # Errors
/// Only when the input is not JSON at all.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.and_then(value_to_string))
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
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(number)) => number.as_i64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    })
}

/// A non-negative integer given as a number (a float is truncated) or as text.
///
/// # Errors
/// As [`string`].
pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(number)) => number
            .as_u64()
            .or_else(|| number.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    })
}

/// An object of type `T` when it is one and parses; anything else (`null`, a list, a
/// malformed object) is `None`.
///
/// # Errors
/// As [`string`].
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Option::<Value>::deserialize(d)? {
        Some(value @ Value::Object(_)) => T::deserialize(value).ok(),
        _ => None,
    })
}

/// A list; `null` or a non-list is empty; items that do not parse are skipped.
///
/// # Errors
/// As [`string`].
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| T::deserialize(item).ok())
            .collect(),
        _ => Vec::new(),
    })
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
        items: Vec<u8>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn every_seen_shape_is_read() {
        let p = probe(
            r#"{"id": 866889456698785798, "code": "1303", "at": 1.7e12, "items": [1, "x", 2]}"#,
        );
        assert_eq!(p.id.as_deref(), Some("866889456698785798"));
        assert_eq!(p.code, Some(1303));
        assert_eq!(p.at, Some(1_700_000_000_000));
        assert_eq!(p.items, [1, 2]);
        let p = probe(r#"{"id": null, "code": [], "at": -1, "items": {}}"#);
        assert_eq!((p.id, p.code, p.at), (None, None, None));
        assert!(p.items.is_empty());
    }
}
