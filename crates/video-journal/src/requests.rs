//! The request of an entry, stored once: written when the entry begins (never again on a
//! status change), in its own table, with each inline image's bytes moved to `blobs` under
//! their SHA-256 (stored once however many entries send the same frame) and the request
//! keeping only `{"media_type", "sha256"}` in their place.

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use video_core::VideoRequest;
use video_core::journal::{EntryId, JournalEntry};

/// The tables (schema version 4).
pub(crate) const CREATE_V4: &str = "
CREATE TABLE IF NOT EXISTS requests (
    entry_id    INTEGER PRIMARY KEY,
    request     TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256      TEXT    PRIMARY KEY,
    bytes       BLOB    NOT NULL
);
";

fn to_sql_error(error: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(error))
}

/// The entry as stored in `entries.entry`: everything but its request.
pub(crate) fn entry_json(entry: &JournalEntry) -> rusqlite::Result<String> {
    let mut value = serde_json::to_value(entry).map_err(to_sql_error)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("request");
    }
    serde_json::to_string(&value).map_err(to_sql_error)
}

/// Stores `request` for entry `id`, its inline images' bytes in `blobs`.
pub(crate) fn store(
    conn: &Connection,
    id: EntryId,
    request: &VideoRequest,
) -> rusqlite::Result<()> {
    let mut value = serde_json::to_value(request).map_err(to_sql_error)?;
    if let Some(input) = value.get_mut("input") {
        move_images_out(conn, input)?;
    }
    let text = serde_json::to_string(&value).map_err(to_sql_error)?;
    conn.execute(
        "INSERT OR REPLACE INTO requests (entry_id, request) VALUES (?1, ?2)",
        params![id, text],
    )?;
    Ok(())
}

/// Calls `visit` on every inline image (the map inside `{"inline": {...}}`) under `value`.
fn each_inline<E>(
    value: &mut Value,
    visit: &mut impl FnMut(&mut Map<String, Value>) -> Result<(), E>,
) -> Result<(), E> {
    match value {
        Value::Object(map) => match map.get_mut("inline") {
            Some(Value::Object(inline)) => visit(inline),
            _ => map
                .values_mut()
                .try_for_each(|item| each_inline(item, visit)),
        },
        Value::Array(items) => items
            .iter_mut()
            .try_for_each(|item| each_inline(item, visit)),
        _ => Ok(()),
    }
}

/// Replaces every inline image's base64 `bytes` under `value` by its digest, the bytes going
/// to `blobs`.
fn move_images_out(conn: &Connection, value: &mut Value) -> rusqlite::Result<()> {
    each_inline(value, &mut |inline| {
        let Some(Value::String(encoded)) = inline.get("bytes") else {
            return Ok(());
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(to_sql_error)?;
        let digest = hex(&Sha256::digest(&bytes));
        conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, bytes) VALUES (?1, ?2)",
            params![digest, bytes],
        )?;
        inline.remove("bytes");
        inline.insert("sha256".to_owned(), Value::String(digest));
        Ok(())
    })
}

/// Puts the bytes of every image stored by digest back under `value`.
fn bring_images_back(conn: &Connection, value: &mut Value) -> Result<(), String> {
    each_inline(value, &mut |inline| match inline.remove("sha256") {
        Some(Value::String(digest)) => restore(conn, inline, &digest),
        _ => Ok(()),
    })
}

fn restore(conn: &Connection, inline: &mut Map<String, Value>, digest: &str) -> Result<(), String> {
    let bytes: Option<Vec<u8>> = conn
        .query_row(
            "SELECT bytes FROM blobs WHERE sha256 = ?1",
            [digest],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    let bytes = bytes.ok_or_else(|| format!("the image {digest} is missing from the journal"))?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    inline.insert("bytes".to_owned(), Value::String(encoded));
    Ok(())
}

/// An entry from its row: the entry's JSON, and its stored request (a row of an older
/// schema left unreadable by the migration still carries its request inline).
pub(crate) fn assemble(
    conn: &Connection,
    id: EntryId,
    entry: &str,
    request: Option<&str>,
) -> Result<JournalEntry, String> {
    let mut value: Value = serde_json::from_str(entry).map_err(|e| e.to_string())?;
    if let (Some(request), Some(object)) = (request, value.as_object_mut()) {
        let mut request: Value = serde_json::from_str(request).map_err(|e| e.to_string())?;
        if let Some(input) = request.get_mut("input") {
            bring_images_back(conn, input)?;
        }
        object.insert("request".to_owned(), request);
    }
    let mut entry: JournalEntry = serde_json::from_value(value).map_err(|e| e.to_string())?;
    entry.id = id;
    Ok(entry)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
