//! The journal's schema: how a journal file is recognised, created and migrated.

use rusqlite::Connection;

/// The schema version this crate writes (`PRAGMA user_version`). Version 1 (release 0.1)
/// had no claims table and no application id; version 2 stored task ids as plain strings
/// only; version 3 wrote the whole request (inline images included) into every entry on
/// every change, and video URLs where 4 has locators; 4 had no budget reservations. Older
/// journals are migrated when opened; newer ones are refused.
pub const SCHEMA_VERSION: i64 = 5;

/// The SQLite `application_id` that marks a file as a video journal ("VDJL").
pub const APPLICATION_ID: i32 = 0x5644_4A4C;

const CREATE_V1: &str = "
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

/// Version 2: claims, so two processes never work on one entry at once.
const UPGRADE_TO_V2: &str = "
CREATE TABLE IF NOT EXISTS claims (
    entry_id    INTEGER PRIMARY KEY,
    owner       TEXT    NOT NULL,
    host        TEXT    NOT NULL,
    pid         INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
";

/// What a file turned out to be.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// An empty database: a new journal.
    Empty,
    /// A journal (ours by application id, or a release-0.1 journal by its shape) at this
    /// schema version.
    Journal(i64),
    /// Something else: another application's database.
    Foreign,
}

fn kind(conn: &Connection) -> rusqlite::Result<Kind> {
    // One statement, so one snapshot: another process creating the journal at this moment
    // is seen before its transaction or after it, never half-way.
    let (application_id, version, objects): (i32, i64, i64) = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), \
                (SELECT user_version FROM pragma_user_version), \
                (SELECT count(*) FROM sqlite_master)",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    if application_id == APPLICATION_ID {
        return Ok(Kind::Journal(version));
    }
    if application_id != 0 {
        return Ok(Kind::Foreign);
    }
    if objects == 0 && version == 0 {
        return Ok(Kind::Empty);
    }
    // Release 0.1 wrote version 1 and an `entries` table with an `entry` column, and no
    // application id.
    let legacy = version == 1
        && conn
            .prepare("SELECT id, provider, state, task_id, entry FROM entries LIMIT 0")
            .is_ok();
    Ok(if legacy {
        Kind::Journal(1)
    } else {
        Kind::Foreign
    })
}

/// Checks the file is a journal (or empty) before changing anything, then sets the
/// durability pragmas and creates or migrates the schema.
pub(crate) fn prepare(conn: &Connection, busy: std::time::Duration) -> Result<(), String> {
    let text = |e: rusqlite::Error| e.to_string();
    conn.busy_timeout(busy).map_err(text)?;
    let version = match kind(conn).map_err(text)? {
        Kind::Foreign => {
            return Err(
                "not a video journal (another application's database?): it was left \
                        untouched; choose another journal path"
                    .to_owned(),
            );
        }
        Kind::Empty => 0,
        Kind::Journal(version) if version > SCHEMA_VERSION => {
            return Err(format!(
                "journal schema version {version} is newer than this program's \
                 ({SCHEMA_VERSION})"
            ));
        }
        Kind::Journal(version) => version,
    };
    // Switching a new file to WAL takes an exclusive lock without calling the busy handler:
    // a process opening the same new journal at that moment is told "locked" at once.
    let mode: String = when_unlocked(busy, || {
        conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
    })
    .map_err(text)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("could not switch to WAL mode (got {mode})"));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(text)?;
    if version < SCHEMA_VERSION {
        when_unlocked(busy, || migrate(conn)).map_err(text)?;
    }
    Ok(())
}

/// Runs `work` again while another connection holds a lock SQLite does not wait for, for up
/// to `patience`.
fn when_unlocked<T>(
    patience: std::time::Duration,
    mut work: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(2);
    loop {
        match work() {
            Err(error) if is_locked(&error) && started.elapsed() < patience => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(50));
            }
            result => return result,
        }
    }
}

fn is_locked(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Creates or upgrades the schema to [`SCHEMA_VERSION`] in one transaction, rewriting every
/// readable entry in the current format (task handles with their route, provider-neutral
/// usage fields, locators; the request moved to its own table, inline images to `blobs`), so
/// an older program reading it fails on the version, not on a field it does not know.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let created = conn.execute_batch(&format!(
        "{CREATE_V1} {UPGRADE_TO_V2} {} {}",
        crate::requests::CREATE_V4,
        crate::budget::CREATE_V5
    ));
    let rewritten = created.and_then(|()| rewrite_entries(conn)).and_then(|()| {
        conn.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}; \
             COMMIT;"
        ))
    });
    if rewritten.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    rewritten
}

/// Re-serialises each entry that parses; an unreadable row is left as it is (it is reported
/// when listed).
fn rewrite_entries(conn: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String)> = {
        let mut statement = conn.prepare(
            "SELECT id, entry FROM entries WHERE id NOT IN (SELECT entry_id FROM requests)",
        )?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, text) in rows {
        let Ok(entry) = serde_json::from_str::<video_core::journal::JournalEntry>(&text) else {
            continue;
        };
        crate::requests::store(conn, id, &entry.request)?;
        let current = crate::requests::entry_json(&entry)?;
        conn.execute(
            "UPDATE entries SET entry = ?2 WHERE id = ?1",
            rusqlite::params![id, current],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_database_is_refused_untouched() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
        assert_eq!(kind(&conn).unwrap(), Kind::Foreign);
        let error = prepare(&conn, std::time::Duration::from_millis(10)).unwrap_err();
        assert!(error.contains("not a video journal"), "{error}");
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1, "nothing added");
    }

    #[test]
    fn a_release_0_1_journal_is_recognised_and_migrated() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!("{CREATE_V1} PRAGMA user_version = 1;"))
            .unwrap();
        assert_eq!(kind(&conn).unwrap(), Kind::Journal(1));
        // In-memory databases cannot use WAL; the migration itself is tested on files.
        let foreign_v1 = Connection::open_in_memory().unwrap();
        foreign_v1
            .execute_batch("CREATE TABLE entries (x TEXT); PRAGMA user_version = 1;")
            .unwrap();
        assert_eq!(kind(&foreign_v1).unwrap(), Kind::Foreign);
    }
}
