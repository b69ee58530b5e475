//! The journal's schema and its version.

use rusqlite::Connection;

/// The schema version this crate writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS entries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    provider    TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    task_id     TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    entry       TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_task_id ON entries (task_id);
CREATE INDEX IF NOT EXISTS entries_state ON entries (state);
";

/// Sets durability pragmas and creates or checks the schema.
pub(crate) fn prepare(conn: &Connection) -> Result<(), String> {
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(|e| e.to_string())?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("could not switch to WAL mode (got {mode})"));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(|e| e.to_string())?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| e.to_string())?;
    match version {
        0 => conn
            .execute_batch(&format!(
                "BEGIN; {CREATE} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(|e| e.to_string()),
        SCHEMA_VERSION => Ok(()),
        newer => Err(format!(
            "journal schema version {newer} is newer than this program's ({SCHEMA_VERSION})"
        )),
    }
}
