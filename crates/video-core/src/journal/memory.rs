//! [`MemoryStore`]: a [`TaskStore`] in memory.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::entry::{EntryId, JournalEntry, Listing};
use super::store::TaskStore;
use crate::cost::{Budget, Estimate};
use crate::error::VideoError;
use crate::task::TaskId;

/// A [`TaskStore`] in memory, for tests and short-lived apps.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<EntryId, JournalEntry>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<EntryId, JournalEntry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Stores `entry` under the next id.
fn insert(entries: &mut BTreeMap<EntryId, JournalEntry>, mut entry: JournalEntry) -> EntryId {
    let id = entries.keys().next_back().map_or(1, |last| last + 1);
    entry.id = id;
    entries.insert(id, entry);
    id
}

#[async_trait]
impl TaskStore for MemoryStore {
    async fn begin(&self, entry: &JournalEntry) -> Result<EntryId, VideoError> {
        Ok(insert(&mut self.lock(), entry.clone()))
    }

    /// Checks the budget and writes under one lock.
    async fn begin_within(
        &self,
        entry: &JournalEntry,
        budget: &Budget,
        estimate: &Estimate,
    ) -> Result<EntryId, VideoError> {
        let mut entries = self.lock();
        let admitted = budget.reserve(entry, &budget.spent(entries.values()), estimate)?;
        Ok(insert(&mut entries, admitted))
    }

    async fn entry(&self, id: EntryId) -> Result<Option<JournalEntry>, VideoError> {
        Ok(self.lock().get(&id).cloned())
    }

    async fn save(&self, entry: &JournalEntry) -> Result<(), VideoError> {
        self.lock().insert(entry.id, entry.clone());
        Ok(())
    }

    async fn find_task(&self, task_id: &TaskId) -> Result<Option<JournalEntry>, VideoError> {
        let entries = self.lock();
        let found = entries
            .values()
            .rev()
            .find(|e| e.task_id.as_ref() == Some(task_id));
        Ok(found.cloned())
    }

    async fn entries(&self) -> Result<Listing, VideoError> {
        Ok(Listing::new(self.lock().values().rev().cloned().collect()))
    }
}
