//! A journal of submissions, so a task that was paid for is never lost: [`TaskStore`], the
//! [`JournalEntry`] it keeps, an in-memory [`MemoryStore`], and [`generate_journaled`], which
//! writes the entry *before* the submission is sent and completes it as answers arrive.
//!
//! The trait lives in core so any app (not only the `video` command) gets the same safety
//! with a store of its choice; `video-journal` provides the SQLite one.

mod entry;
mod flow;
mod memory;
mod store;

pub use entry::{DownloadRecord, EntryId, EntryState, JournalEntry, Listing, UnreadableEntry};
pub use flow::{generate_journaled, submit_journaled, wait_journaled};
pub use memory::MemoryStore;
pub use store::{TaskStore, update_entry};
