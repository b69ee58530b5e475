//! Budget reservations: one row per entry admitted under a budget, read and written in the
//! transaction that writes the entry, so processes sharing the journal share the cap.

use rusqlite::{Connection, params};
use video_core::cost::{Budget, Money, holds_reservation};
use video_core::journal::{EntryState, JournalEntry};

/// Version 5: what each entry reserved under which budget.
pub(crate) const CREATE_V5: &str = "
CREATE TABLE IF NOT EXISTS reservations (
    entry_id    INTEGER PRIMARY KEY,
    budget      TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    micros      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reservations_budget ON reservations (budget);
";

fn to_sql_error(message: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(message.into())
}

/// What `budget` holds now: the reservations in its currency of entries that may have
/// created a task (the rule is core's [`holds_reservation`]).
pub(crate) fn spent(conn: &Connection, budget: &Budget) -> rusqlite::Result<Money> {
    let currency = budget.limit().currency();
    let mut statement = conn.prepare(
        "SELECT r.micros, e.state FROM reservations r JOIN entries e ON e.id = r.entry_id \
         WHERE r.budget = ?1 AND r.currency = ?2",
    )?;
    let rows = statement.query_map(params![budget.name(), currency], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut total: i64 = 0;
    for row in rows {
        let (micros, state) = row?;
        // A state this version does not know is counted: the safe side of a cap.
        let state = serde_json::from_value::<EntryState>(serde_json::Value::String(state));
        if state.map_or(true, holds_reservation) {
            total = total.saturating_add(micros.max(0));
        }
    }
    Money::from_micros(total, currency).map_err(|e| to_sql_error(e.to_string()))
}

/// Records what `entry` (already written, with its id) reserved.
pub(crate) fn record(conn: &Connection, entry: &JournalEntry) -> rusqlite::Result<()> {
    let (Some(budget), Some(reserved)) = (&entry.budget, &entry.reserved) else {
        return Ok(());
    };
    conn.execute(
        "INSERT OR REPLACE INTO reservations (entry_id, budget, currency, micros) VALUES (?1, ?2, ?3, ?4)",
        params![entry.id, budget, reserved.currency(), reserved.micros()],
    )?;
    Ok(())
}
