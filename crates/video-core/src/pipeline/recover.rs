//! Settling a journaled submission whose outcome is unknown, through its client reference:
//! adopt the task found under it, or submit again a request provably never created.

use std::time::{Duration, SystemTime};

use super::flow::{Flow, recorded_target};
use super::{Event, Generated};
use crate::error::VideoError;
use crate::journal::JournalEntry;
use crate::retry::submit_with_retries;
use crate::task::Task;
use crate::wait::Start;

/// How far a provider's clock may be from ours when matching a lost submission by time.
const CLOCK_SKEW: Duration = Duration::from_secs(120);

/// When the entry's submission can have been created: from its journaling to its last
/// change (the attempt), widened by [`CLOCK_SKEW`] on each side.
fn submission_window(entry: &JournalEntry) -> (SystemTime, SystemTime) {
    let from = entry
        .created_at
        .checked_sub(CLOCK_SKEW)
        .unwrap_or(entry.created_at);
    (from, entry.updated_at + CLOCK_SKEW)
}

impl Flow<'_, '_> {
    /// The task the provider holds under the entry's client reference, if any. Retryable
    /// failures are retried with the policy's submission retries (the lookup settles a
    /// submission; unlike one, it is always safe to repeat).
    pub(super) async fn look_up(&self, entry: &JournalEntry) -> Result<Option<Task>, VideoError> {
        let provider = self.provider();
        let Some(reference) = entry.request.client_reference.as_deref() else {
            return Err(VideoError::Journal {
                message: format!("entry {} has no client reference to look up", entry.id),
                source: None,
            });
        };
        let capabilities = provider.capabilities();
        let policy = &self.policy().submit_retry;
        let notify = |error: &VideoError, pause| self.emit(&Event::QueryRetry { error, pause });
        if capabilities.lookup_by_reference {
            let mode = entry.request.mode();
            let call = || provider.find_by_reference(reference, mode);
            return crate::retry::retry_call(policy, call, VideoError::is_retryable, notify).await;
        }
        if capabilities.lookup_by_match {
            let window = submission_window(entry);
            let call = || provider.find_submitted(&entry.request, window);
            return crate::retry::retry_call(policy, call, VideoError::is_retryable, notify).await;
        }
        Err(VideoError::configuration(format!(
            "{} cannot find lost submissions",
            provider.name()
        )))
    }

    /// Records `task` (found under the entry's reference) as the entry's task, then waits
    /// for it and saves its videos to the recorded destination.
    pub(super) async fn adopt(
        &self,
        mut task: Task,
        entry: &JournalEntry,
    ) -> Result<Generated, VideoError> {
        if task.client_reference.is_none() {
            task.client_reference
                .clone_from(&entry.request.client_reference);
        }
        let entry_id = self.claim(Some(entry), &task.id).await?;
        self.record(entry_id, |e| e.apply_submitted(&task)).await;
        self.emit(&Event::Submitted(&task));
        let id = task.id.clone();
        let reference = task.client_reference.clone();
        let target = recorded_target(entry);
        let result = self
            .follow(
                Start::Submitted(Box::new(task)),
                id.clone(),
                entry_id,
                target,
            )
            .await;
        self.release(entry_id).await;
        result.map(|generated| Box::new(generated).with_reference(reference))
    }

    /// Submits the entry's request again (same client reference), then waits and saves. A
    /// refusal is looked up once more: a provider that refuses a duplicate reference has
    /// the task after all, and it is adopted instead.
    pub(super) async fn resubmit(&self, entry: &JournalEntry) -> Result<Generated, VideoError> {
        let provider = self.provider();
        let entry_id = Some(entry.id);
        self.record(entry_id, JournalEntry::apply_resubmitting)
            .await;
        let notify = |error: &VideoError, pause| self.emit(&Event::SubmitRetry { error, pause });
        let retry = &self.policy().submit_retry;
        match submit_with_retries(provider, &entry.request, retry, notify).await {
            Ok(task) => self.adopt(task, entry).await,
            Err(error) => {
                if error.is_refused_submission()
                    && let Ok(Some(task)) = self.look_up(entry).await
                {
                    return self.adopt(task, entry).await;
                }
                self.record(entry_id, |e| e.apply_submit_error(&error))
                    .await;
                Err(error)
            }
        }
    }
}
