//! # video-journal
//!
//! [`SqliteJournal`], a [`video_core::journal::TaskStore`] in a SQLite file (WAL mode, full sync):
//! each write is on disk before the call returns, so an entry written before a paid submission
//! survives a crash, and `video resume` (or your app) can finish the task later.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), video_core::VideoError> {
//! use video_core::journal::{JournalEntry, TaskStore};
//! use video_core::VideoRequest;
//! use video_journal::SqliteJournal;
//!
//! let dir = tempfile::tempdir().map_err(|e| video_core::VideoError::Io { path: ".".into(), source: e })?;
//! let journal = SqliteJournal::open(&dir.path().join("journal.sqlite3"))?;
//! let draft = JournalEntry::new(0, "mock", &VideoRequest::new("a fox"), None);
//! let id = journal.begin(&draft).await?;
//! assert_eq!(journal.entries().await?.entries[0].id, id);
//! # Ok(()) }
//! ```

mod budget;
mod claims;
mod requests;
mod schema;
mod store;

pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use store::{JournalOptions, SqliteJournal};
