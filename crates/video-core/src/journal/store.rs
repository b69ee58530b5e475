//! [`TaskStore`]: where journal entries are kept.

use async_trait::async_trait;

use super::entry::{EntryId, JournalEntry, Listing};
use crate::cost::{Budget, Estimate};
use crate::error::VideoError;
use crate::task::TaskId;

/// Where journal entries are kept. Implementations must make each write durable before
/// returning: `begin` is called before a paid submission is sent.
#[async_trait]
pub trait TaskStore: Send + Sync + std::fmt::Debug {
    /// Writes `entry` (a fresh `submitting` one; its `id` is ignored) and returns the id it
    /// is stored under. Stores with claims claim it for this process.
    async fn begin(&self, entry: &JournalEntry) -> Result<EntryId, VideoError>;

    /// Writes `entry` as [`begin`](Self::begin) does, but only when `budget` admits
    /// `estimate` ([`Budget::admit`]): the entry records the budget and what it reserved.
    /// Nothing is written when the budget refuses.
    ///
    /// The default reads every entry and then writes: correct for a store used by one
    /// process at a time. A store shared by several processes must check and write in one
    /// transaction (the SQLite journal does), or two could both fit under the limit.
    ///
    /// # Errors
    /// [`VideoError::OverBudget`], or the store's own errors.
    async fn begin_within(
        &self,
        entry: &JournalEntry,
        budget: &Budget,
        estimate: &Estimate,
    ) -> Result<EntryId, VideoError> {
        let listing = self.entries().await?;
        let admitted = budget.reserve(entry, &budget.spent(&listing.entries), estimate)?;
        self.begin(&admitted).await
    }

    /// Reads an entry.
    async fn entry(&self, id: EntryId) -> Result<Option<JournalEntry>, VideoError>;

    /// Replaces an entry (read it, apply a change, save it).
    async fn save(&self, entry: &JournalEntry) -> Result<(), VideoError>;

    /// The newest entry for a task id.
    async fn find_task(&self, task_id: &TaskId) -> Result<Option<JournalEntry>, VideoError>;

    /// Every entry, newest first, with the rows that could not be read reported beside
    /// them (one bad row never hides the others).
    async fn entries(&self) -> Result<Listing, VideoError>;

    /// Claims entry `id` for this process, so that no other process works on it (waits for
    /// or downloads its task) at the same time. True when the entry is now this process's
    /// (or already was); false when another process that is still running holds it. A
    /// store's `begin` claims the entry it writes. Stores shared by one process only need
    /// not implement it: the default always grants the claim.
    async fn claim(&self, id: EntryId) -> Result<bool, VideoError> {
        let _ = id;
        Ok(true)
    }

    /// Gives up this process's claim on entry `id` (nothing if it holds none).
    async fn release(&self, id: EntryId) -> Result<(), VideoError> {
        let _ = id;
        Ok(())
    }
}

/// Reads entry `id`, applies `change` and saves it.
pub async fn update_entry(
    store: &dyn TaskStore,
    id: EntryId,
    change: impl FnOnce(&mut JournalEntry) + Send,
) -> Result<JournalEntry, VideoError> {
    let mut entry = store.entry(id).await?.ok_or_else(|| VideoError::Journal {
        message: format!("journal entry {id} does not exist"),
        source: None,
    })?;
    change(&mut entry);
    store.save(&entry).await?;
    Ok(entry)
}
