//! [`SqliteJournal`]: the SQLite [`TaskStore`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use video_core::{EntryId, JournalEntry, TaskId, TaskStore, VideoError, VideoRequest, unix_millis};

use crate::schema::prepare;

/// A task journal in a SQLite file. Cheap to clone; safe to share between tasks and between
/// processes (SQLite locking, a 10-second busy timeout).
#[derive(Debug, Clone)]
pub struct SqliteJournal {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl SqliteJournal {
    /// Opens (creating if needed, with its folder) the journal at `path`.
    ///
    /// # Errors
    /// [`VideoError::Journal`] when the file cannot be opened, is not a journal, or was written
    /// by a newer schema.
    pub fn open(path: &Path) -> Result<Self, VideoError> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .map_err(|e| journal_error(path, "cannot create its folder", e))?;
        }
        create_private(path).map_err(|e| journal_error(path, "cannot create", e))?;
        let conn = Connection::open(path).map_err(|e| journal_error(path, "cannot open", e))?;
        prepare(&conn).map_err(|message| VideoError::Journal {
            message: format!("{}: {message}", path.display()),
            source: None,
        })?;
        Ok(Self {
            path: path.to_owned(),
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the connection on a blocking thread.
    async fn with_conn<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, VideoError> {
        let conn = Arc::clone(&self.conn);
        let path = self.path.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut conn)
        })
        .await;
        match joined {
            Ok(result) => result.map_err(|e| journal_error(&path, "query failed", e)),
            Err(join) => Err(journal_error(&path, "journal thread failed", join)),
        }
    }
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

fn to_json(entry: &JournalEntry) -> rusqlite::Result<String> {
    serde_json::to_string(entry).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<JournalEntry> {
    let id: EntryId = row.get(0)?;
    let text: String = row.get(1)?;
    let mut entry: JournalEntry = serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
    })?;
    entry.id = id;
    Ok(entry)
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
            to_json(entry)?,
        ],
    )
}

#[async_trait]
impl TaskStore for SqliteJournal {
    async fn begin(
        &self,
        provider: &str,
        request: &VideoRequest,
        output: Option<&Path>,
    ) -> Result<EntryId, VideoError> {
        let mut entry = JournalEntry::new(0, provider, request, output);
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO entries (provider, state, created_at, updated_at, entry) VALUES (?1, ?2, ?3, ?3, '{}')",
                params![entry.provider, entry.state.as_str(), millis(entry.created_at)],
            )?;
            entry.id = tx.last_insert_rowid();
            save_entry(&tx, &entry)?;
            tx.commit()?;
            Ok(entry.id)
        })
        .await
    }

    async fn entry(&self, id: EntryId) -> Result<Option<JournalEntry>, VideoError> {
        self.with_conn(move |conn| {
            conn.query_row(
                "SELECT id, entry FROM entries WHERE id = ?1",
                [id],
                from_row,
            )
            .optional()
        })
        .await
    }

    async fn save(&self, entry: &JournalEntry) -> Result<(), VideoError> {
        let entry = entry.clone();
        let id = entry.id;
        let updated = self.with_conn(move |conn| save_entry(conn, &entry)).await?;
        if updated == 0 {
            return Err(VideoError::Journal {
                message: format!("{}: entry {id} does not exist", self.path.display()),
                source: None,
            });
        }
        Ok(())
    }

    async fn find_task(&self, task_id: &TaskId) -> Result<Option<JournalEntry>, VideoError> {
        let task_id = task_id.as_str().to_owned();
        self.with_conn(move |conn| {
            conn.query_row(
                "SELECT id, entry FROM entries WHERE task_id = ?1 ORDER BY id DESC LIMIT 1",
                [task_id],
                from_row,
            )
            .optional()
        })
        .await
    }

    async fn entries(&self) -> Result<Vec<JournalEntry>, VideoError> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare("SELECT id, entry FROM entries ORDER BY id DESC")?;
            let rows = statement.query_map([], from_row)?;
            rows.collect()
        })
        .await
    }
}
