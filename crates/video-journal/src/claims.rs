//! Claims: which process works on an entry. A claim names its owner (host, process id and a
//! random tag) and expires unless renewed; a claim whose process is gone (same host) or whose
//! lease ran out is free to take.

use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, params};
use video_core::journal::EntryId;
use video_core::provider::unix_millis;

/// Who this process is, as written in the claims it takes.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    /// `host:pid:tag`, unique per journal handle.
    pub(crate) id: String,
    pub(crate) host: String,
    pub(crate) pid: u32,
}

impl Owner {
    pub(crate) fn current() -> Self {
        let host = hostname();
        let pid = std::process::id();
        let tag = fastrand::u64(..);
        Self {
            id: format!("{host}:{pid}:{tag:016x}"),
            host,
            pid,
        }
    }
}

/// This machine's name (Linux), else `localhost`: used only to tell whether a claim's
/// process can be checked here.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Whether process `pid` on this host is gone (only knowable with `/proc`).
fn process_gone(pid: u32) -> bool {
    std::path::Path::new("/proc/self").exists()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

fn millis(time: SystemTime) -> i64 {
    i64::try_from(unix_millis::to_millis(time)).unwrap_or(i64::MAX)
}

/// Takes entry `id` for `owner` unless a live claim of another owner holds it.
pub(crate) fn claim(
    conn: &mut Connection,
    id: EntryId,
    owner: &Owner,
    lease: Duration,
) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let held: Option<(String, String, u32, i64)> = tx
        .query_row(
            "SELECT owner, host, pid, expires_at FROM claims WHERE entry_id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let now = SystemTime::now();
    if let Some((holder, host, pid, expires_at)) = held {
        let expired = expires_at <= millis(now);
        let gone = host == owner.host && process_gone(pid);
        if holder != owner.id && !expired && !gone {
            return Ok(false);
        }
    }
    write_claim(&tx, id, owner, now + lease)?;
    tx.commit()?;
    Ok(true)
}

/// Records `owner`'s claim on `id` until `until` (inside the caller's transaction).
pub(crate) fn write_claim(
    conn: &Connection,
    id: EntryId,
    owner: &Owner,
    until: SystemTime,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO claims (entry_id, owner, host, pid, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (entry_id) DO UPDATE SET owner = ?2, host = ?3, pid = ?4, expires_at = ?5",
        params![id, owner.id, owner.host, owner.pid, millis(until)],
    )?;
    Ok(())
}

/// Drops `owner`'s claim on `id`.
pub(crate) fn release(conn: &Connection, id: EntryId, owner: &Owner) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM claims WHERE entry_id = ?1 AND owner = ?2",
        params![id, owner.id],
    )?;
    Ok(())
}

/// Drops every claim of `owner`.
pub(crate) fn release_all(conn: &Connection, owner: &Owner) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM claims WHERE owner = ?1", [&owner.id])?;
    Ok(())
}

/// Extends every claim of `owner` to `lease` from now; returns how many there are.
pub(crate) fn renew(conn: &Connection, owner: &Owner, lease: Duration) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE claims SET expires_at = ?2 WHERE owner = ?1",
        params![owner.id, millis(SystemTime::now() + lease)],
    )
}
