//! [`SqliteJournal`]: the SQLite [`TaskStore`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use video_core::cost::{Budget, Estimate};
use video_core::journal::{EntryId, JournalEntry, Listing, TaskStore, UnreadableEntry};
use video_core::provider::unix_millis;
use video_core::{TaskId, VideoError};

use crate::budget;
use crate::claims::{self, Owner};
use crate::requests;
use crate::schema::prepare;

/// How many times a write that found the journal locked is tried (each attempt waits up to
/// the busy timeout).
const WRITE_ATTEMPTS: u32 = 3;

/// Options of [`SqliteJournal::open_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalOptions {
    /// How long one attempt waits for another process's lock (default 10 s); a write is
    /// attempted three times before it fails.
    pub busy_timeout: Duration,
    /// How long a claim lasts without renewal (default 60 s); this process renews its claims
    /// every third of it while the journal is open.
    pub claim_lease: Duration,
}

impl Default for JournalOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(10),
            claim_lease: Duration::from_secs(60),
        }
    }
}

impl JournalOptions {
    /// Sets the busy timeout.
    #[must_use]
    pub fn with_busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Sets the claim lease.
    #[must_use]
    pub fn with_claim_lease(mut self, lease: Duration) -> Self {
        self.claim_lease = lease;
        self
    }
}

/// A task journal in a SQLite file. Cheap to clone; safe to share between tasks and between
/// processes (SQLite locking, a busy timeout, and claims so two processes never finish the
/// same entry at once). The claims this handle holds are released when its last clone is
/// dropped.
#[derive(Debug, Clone)]
pub struct SqliteJournal {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    conn: Mutex<Connection>,
    owner: Owner,
    options: JournalOptions,
    renewer: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl SqliteJournal {
    /// Opens (creating if needed, with its folder) the journal at `path`, with the default
    /// options.
    ///
    /// # Errors
    /// [`VideoError::Journal`] when the file cannot be opened, is another application's
    /// database (it is left untouched), or was written by a newer schema.
    pub fn open(path: &Path) -> Result<Self, VideoError> {
        Self::open_with(path, JournalOptions::default())
    }

    /// Opens the journal at `path` with `options`; see [`open`](Self::open).
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_with(path: &Path, options: JournalOptions) -> Result<Self, VideoError> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .map_err(|e| journal_error(path, "cannot create its folder", e))?;
        }
        create_private(path).map_err(|e| journal_error(path, "cannot create", e))?;
        let conn = Connection::open(path).map_err(|e| journal_error(path, "cannot open", e))?;
        prepare(&conn, options.busy_timeout).map_err(|message| VideoError::Journal {
            message: format!("{}: {message}", path.display()),
            source: None,
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                conn: Mutex::new(conn),
                owner: Owner::current(),
                options,
                renewer: Mutex::new(None),
            }),
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `work` on the connection on a blocking thread; a write that finds the journal
    /// locked is tried again, up to [`WRITE_ATTEMPTS`] times.
    async fn with_conn<T: Send + 'static>(
        &self,
        work: impl Fn(&mut Connection) -> rusqlite::Result<T> + Send + Sync + 'static,
    ) -> Result<T, VideoError> {
        let work = Arc::new(work);
        let mut attempt = 1;
        loop {
            let inner = Arc::clone(&self.inner);
            let run = Arc::clone(&work);
            let joined = tokio::task::spawn_blocking(move || {
                let mut conn = inner.conn.lock().unwrap_or_else(PoisonError::into_inner);
                run(&mut conn)
            })
            .await;
            match joined {
                Ok(Err(error)) if is_busy(&error) && attempt < WRITE_ATTEMPTS => {
                    tracing::warn!(attempt, %error, "journal locked; trying again");
                    attempt += 1;
                }
                Ok(result) => {
                    return result.map_err(|e| journal_error(self.path(), "query failed", e));
                }
                Err(join) => return Err(journal_error(self.path(), "journal thread failed", join)),
            }
        }
    }

    /// Starts renewing this handle's claims, once.
    fn keep_claims_alive(&self) {
        let mut renewer = self
            .inner
            .renewer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if renewer.is_some() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let every = (self.inner.options.claim_lease / 3).max(Duration::from_millis(100));
        *renewer = Some(runtime.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else { return };
                let _ = tokio::task::spawn_blocking(move || {
                    let conn = inner.conn.lock().unwrap_or_else(PoisonError::into_inner);
                    claims::renew(&conn, &inner.owner, inner.options.claim_lease)
                })
                .await;
            }
        }));
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(renewer) = self
            .renewer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            renewer.abort();
        }
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = claims::release_all(&conn, &self.owner);
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Creates the file readable by its owner only (it holds signed video URLs and callback URLs,
/// which can carry tokens); an existing file is left as it is.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

fn journal_error(
    path: &Path,
    what: &str,
    source: impl std::error::Error + Send + Sync + 'static,
) -> VideoError {
    VideoError::Journal {
        message: format!("{}: {what}: {source}", path.display()),
        source: Some(Box::new(source)),
    }
}

/// The columns every read selects: the entry and its stored request.
const SELECT: &str =
    "SELECT e.id, e.entry, r.request FROM entries e LEFT JOIN requests r ON r.entry_id = e.id";

/// One row as read: its id, the entry's text, its request's text.
type RawRow = (EntryId, rusqlite::Result<String>, Option<String>);

fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((row.get(0)?, row.get(1), row.get(2)?))
}

/// The one entry `sql` (a [`SELECT`] with a condition on `?1`) finds.
fn one_entry(
    conn: &Connection,
    sql: &str,
    key: &dyn rusqlite::ToSql,
) -> rusqlite::Result<Option<JournalEntry>> {
    let Some((id, entry, request)) = conn.query_row(sql, [key], raw_row).optional()? else {
        return Ok(None);
    };
    requests::assemble(conn, id, &entry?, request.as_deref())
        .map(Some)
        .map_err(|message| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                message.into(),
            )
        })
}

fn millis(time: std::time::SystemTime) -> i64 {
    i64::try_from(unix_millis::to_millis(time)).unwrap_or(i64::MAX)
}

fn save_entry(conn: &Connection, entry: &JournalEntry) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE entries SET provider = ?2, state = ?3, task_id = ?4, updated_at = ?5, entry = ?6 WHERE id = ?1",
        params![
            entry.id,
            entry.provider,
            entry.state.as_str(),
            entry.task_id.as_ref().map(TaskId::as_str),
            millis(entry.updated_at),
            requests::entry_json(entry)?,
        ],
    )
}

/// Writes a new entry (its id set from the row), its request and this process's claim on it.
fn insert(
    conn: &Connection,
    entry: &mut JournalEntry,
    owner: &Owner,
    lease: Duration,
) -> rusqlite::Result<EntryId> {
    conn.execute(
        "INSERT INTO entries (provider, state, created_at, updated_at, entry) VALUES (?1, ?2, ?3, ?3, '{}')",
        params![entry.provider, entry.state.as_str(), millis(entry.created_at)],
    )?;
    entry.id = conn.last_insert_rowid();
    save_entry(conn, entry)?;
    requests::store(conn, entry.id, &entry.request)?;
    claims::write_claim(conn, entry.id, owner, std::time::SystemTime::now() + lease)?;
    Ok(entry.id)
}

/// Every row, newest first, each parsed on its own.
fn list(conn: &Connection) -> rusqlite::Result<Listing> {
    let mut statement = conn.prepare(&format!("{SELECT} ORDER BY e.id DESC"))?;
    let rows: Vec<RawRow> = statement
        .query_map([], raw_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut listing = Listing::default();
    for (id, text, request) in rows {
        match text
            .map_err(|e| e.to_string())
            .and_then(|text| requests::assemble(conn, id, &text, request.as_deref()))
        {
            Ok(entry) => listing.entries.push(entry),
            Err(error) => listing.unreadable.push(UnreadableEntry::new(id, error)),
        }
    }
    Ok(listing)
}

#[async_trait]
impl TaskStore for SqliteJournal {
    /// Writes the entry and claims it for this process, in one transaction.
    async fn begin(&self, entry: &JournalEntry) -> Result<EntryId, VideoError> {
        let entry = entry.clone();
        let owner = self.inner.owner.clone();
        let lease = self.inner.options.claim_lease;
        let id = self
            .with_conn(move |conn| {
                let mut entry = entry.clone();
                let tx = conn.transaction()?;
                let id = insert(&tx, &mut entry, &owner, lease)?;
                tx.commit()?;
                Ok(id)
            })
            .await?;
        self.keep_claims_alive();
        Ok(id)
    }

    /// Checks the budget and writes the entry, its reservation and its claim in one
    /// `IMMEDIATE` transaction: processes sharing the journal take turns, so two can never
    /// both fit under the limit.
    async fn begin_within(
        &self,
        entry: &JournalEntry,
        budget: &Budget,
        estimate: &Estimate,
    ) -> Result<EntryId, VideoError> {
        let (entry, budget, estimate) = (entry.clone(), budget.clone(), estimate.clone());
        let owner = self.inner.owner.clone();
        let lease = self.inner.options.claim_lease;
        let written = self
            .with_conn(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let spent = budget::spent(&tx, &budget)?;
                let mut entry = match budget.reserve(&entry, &spent, &estimate) {
                    Ok(admitted) => admitted,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let id = insert(&tx, &mut entry, &owner, lease)?;
                budget::record(&tx, &entry)?;
                tx.commit()?;
                Ok(Ok(id))
            })
            .await?;
        if written.is_ok() {
            self.keep_claims_alive();
        }
        written
    }

    async fn entry(&self, id: EntryId) -> Result<Option<JournalEntry>, VideoError> {
        self.with_conn(move |conn| one_entry(conn, &format!("{SELECT} WHERE e.id = ?1"), &id))
            .await
    }

    async fn save(&self, entry: &JournalEntry) -> Result<(), VideoError> {
        let entry = entry.clone();
        let id = entry.id;
        let updated = self.with_conn(move |conn| save_entry(conn, &entry)).await?;
        if updated == 0 {
            return Err(VideoError::Journal {
                message: format!("{}: entry {id} does not exist", self.path().display()),
                source: None,
            });
        }
        Ok(())
    }

    async fn find_task(&self, task_id: &TaskId) -> Result<Option<JournalEntry>, VideoError> {
        let task_id = task_id.as_str().to_owned();
        self.with_conn(move |conn| {
            let sql = format!("{SELECT} WHERE e.task_id = ?1 ORDER BY e.id DESC LIMIT 1");
            one_entry(conn, &sql, &task_id)
        })
        .await
    }

    async fn entries(&self) -> Result<Listing, VideoError> {
        self.with_conn(|conn| list(conn)).await
    }

    async fn claim(&self, id: EntryId) -> Result<bool, VideoError> {
        let inner = Arc::clone(&self.inner);
        let claimed = self
            .with_conn(move |conn| claims::claim(conn, id, &inner.owner, inner.options.claim_lease))
            .await?;
        if claimed {
            self.keep_claims_alive();
        }
        Ok(claimed)
    }

    async fn release(&self, id: EntryId) -> Result<(), VideoError> {
        let inner = Arc::clone(&self.inner);
        self.with_conn(move |conn| claims::release(conn, id, &inner.owner))
            .await
    }
}
