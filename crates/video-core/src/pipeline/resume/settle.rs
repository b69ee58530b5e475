//! Settling the entries whose submission's outcome is unknown, through their client
//! reference: found → adopted and finished; provably absent after the grace period → not
//! created (and resubmitted only when asked); otherwise reported as unresolved.

use std::time::SystemTime;

use super::{Resume, Resumed};
use crate::error::VideoError;
use crate::journal::{EntryState, JournalEntry, update_entry};
use crate::pipeline::Pipeline;

impl Resume<'_> {
    /// Settles one entry that needs attention, if its provider can look tasks up.
    pub(super) async fn settle(&self, entry: JournalEntry) -> Result<Option<Resumed>, VideoError> {
        let lookup = self
            .providers
            .get(&entry.provider, entry.model.as_deref())
            .filter(|(provider, _)| {
                let capabilities = provider.capabilities();
                (capabilities.lookup_by_reference || capabilities.lookup_by_match)
                    && entry.request.client_reference.is_some()
            });
        let Some((provider, policy)) = lookup else {
            return Ok(Some(Resumed::Unresolved(Box::new(entry))));
        };
        if entry.state == EntryState::NotCreated && !self.resubmit_unsent {
            return Ok(Some(Resumed::NotCreated(Box::new(entry))));
        }
        if !self.store.claim(entry.id).await? {
            return Ok(Some(Resumed::Busy(Box::new(entry))));
        }
        let fresh = match self.store.entry(entry.id).await? {
            Some(fresh) if fresh.state.needs_attention() => self.with_options(&fresh),
            _ => {
                // Settled by another process meanwhile.
                self.store.release(entry.id).await?;
                return Ok(None);
            }
        };
        let pipeline = self.pipeline(provider.as_ref(), policy, fresh.id);
        let settled = self.settle_claimed(&pipeline, fresh).await;
        self.store.release(entry.id).await?;
        Ok(Some(settled))
    }

    async fn settle_claimed(&self, pipeline: &Pipeline<'_>, entry: JournalEntry) -> Resumed {
        let found = match pipeline.look_up(&entry).await {
            Ok(found) => found,
            Err(error) => {
                return Resumed::Failed {
                    entry: Box::new(entry),
                    error,
                };
            }
        };
        if let Some(task) = &found
            && let Some(holder) = self.held_elsewhere(&entry, task).await
        {
            let mut entry = entry;
            entry.message = Some(format!(
                "the task found for it ({}) is already journal entry {holder}'s: settle it by \
                 hand (`video resolve`)",
                task.id
            ));
            return Resumed::Unresolved(Box::new(entry));
        }
        let by_match = !pipeline.provider().capabilities().lookup_by_reference;
        if found.is_none() && by_match {
            let mut entry = entry;
            entry.message = Some(
                "no single recent task matches this submission (none, or several alike): \
                 settle it by hand (`video resolve`)"
                    .to_owned(),
            );
            return Resumed::Unresolved(Box::new(entry));
        }
        if let Some(task) = found {
            tracing::info!(entry = entry.id, task_id = %task.id, "found the task by its client reference");
            let result = pipeline.adopt(task, &entry).await;
            return self.finished(entry, result).await;
        }
        if entry.state.is_unsettled() && !self.grace_passed(&entry) {
            let mut entry = entry;
            entry.message = Some(format!(
                "no task found yet under client reference {}; it counts as not created {} s \
                 after the attempt: resume again then",
                entry
                    .request
                    .client_reference
                    .as_deref()
                    .unwrap_or_default(),
                self.lookup_grace.as_secs()
            ));
            return Resumed::Unresolved(Box::new(entry));
        }
        let entry = match update_entry(self.store, entry.id, JournalEntry::apply_not_created).await
        {
            Ok(entry) => self.with_options(&entry),
            Err(error) => {
                return Resumed::Failed {
                    entry: Box::new(entry),
                    error,
                };
            }
        };
        if !self.resubmit_unsent {
            return Resumed::NotCreated(Box::new(entry));
        }
        let result = pipeline.resubmit(&entry).await;
        self.finished(entry, result).await
    }

    /// The other journal entry that already holds `task`, if one does.
    async fn held_elsewhere(&self, entry: &JournalEntry, task: &crate::Task) -> Option<i64> {
        match self.store.find_task(&task.id).await {
            Ok(Some(other)) if other.id != entry.id => Some(other.id),
            _ => None,
        }
    }

    /// Whether the grace period since the entry's last change (its attempt) has passed.
    fn grace_passed(&self, entry: &JournalEntry) -> bool {
        SystemTime::now()
            .duration_since(entry.updated_at)
            .is_ok_and(|age| age >= self.lookup_grace)
    }

    /// The report of a settled entry, re-read after its pipeline ran.
    async fn finished(
        &self,
        entry: JournalEntry,
        result: Result<crate::pipeline::Generated, VideoError>,
    ) -> Resumed {
        let now = self
            .store
            .entry(entry.id)
            .await
            .ok()
            .flatten()
            .unwrap_or(entry);
        Resumed::of(now, result)
    }
}
