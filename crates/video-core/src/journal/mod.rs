//! A journal of submissions, so a task that was paid for is never lost: [`TaskStore`], the
//! [`JournalEntry`] it keeps, an in-memory [`MemoryStore`], and [`resume`], which finishes
//! what an interrupted process left. The pipeline ([`crate::Pipeline::journal`]) writes the
//! entry *before* the submission is sent and completes it as answers arrive.
//!
//! The trait lives in core so any app (not only the `video` command) gets the same safety
//! with a store of its choice; `video-journal` provides the SQLite one.

mod entry;
mod memory;
mod store;

pub use crate::pipeline::resume::{
    DEFAULT_LOOKUP_GRACE, Providers, Resume, ResumeReport, Resumed, resume,
};
pub use entry::{DownloadRecord, EntryId, EntryState, JournalEntry, Listing, UnreadableEntry};
pub use memory::MemoryStore;
pub use store::{TaskStore, update_entry};
