//! Generating, submitting and waiting with every step journaled.

use std::path::Path;

use super::entry::{EntryId, JournalEntry};
use super::store::{TaskStore, update_entry};
use crate::error::VideoError;
use crate::generate::{ChangeReporter, Event, Observer};
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::request::VideoRequest;
use crate::retry::submit_with_retries;
use crate::task::{Task, TaskId};
use crate::validate::validate;
use crate::wait::{Poller, Start, outcome};

/// Like [`crate::generate`], with every step journaled in `store`: the entry is written before
/// the submission is sent, completed with the task id (or marked `unknown-outcome`), and
/// updated at each status change. Returns the entry id with the result, so the caller can
/// record the download. A journal write failing after the task was created does not hide the
/// task: it is logged and the wait goes on.
pub async fn generate_journaled(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
    store: &dyn TaskStore,
    output: Option<&Path>,
    observer: &dyn Observer,
) -> (Option<EntryId>, Result<Task, VideoError>) {
    let (entry, submitted) =
        submit_journaled(provider, request, policy, store, output, observer).await;
    let result = match (entry, submitted) {
        (Some(entry), Ok(task)) => {
            let id = task.id.clone();
            wait_journaled(provider, &id, Some(task), policy, store, entry, observer).await
        }
        (_, Err(error)) => Err(error),
        (None, Ok(task)) => Ok(task),
    };
    (entry, result)
}

/// Validates, journals and submits (retrying only provably unaccepted submissions), then
/// reports [`Event::Submitted`]. The entry id is `None` only when nothing was sent.
pub async fn submit_journaled(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
    store: &dyn TaskStore,
    output: Option<&Path>,
    observer: &dyn Observer,
) -> (Option<EntryId>, Result<Task, VideoError>) {
    if let Err(error) = validate(request, provider.capabilities()) {
        return (None, Err(error));
    }
    let entry = match store.begin(provider.name(), request, output).await {
        Ok(entry) => entry,
        Err(error) => return (None, Err(error)),
    };
    let notify =
        |error: &VideoError, pause| observer.on_event(&Event::SubmitRetry { error, pause });
    match submit_with_retries(provider, request, &policy.submit_retry, notify).await {
        Ok(task) => {
            record(store, entry, observer, |e| e.apply_submitted(&task)).await;
            observer.on_event(&Event::Submitted(&task));
            (Some(entry), Ok(task))
        }
        Err(error) => {
            record(store, entry, observer, |e| e.apply_submit_error(&error)).await;
            (Some(entry), Err(error))
        }
    }
}

/// Waits for task `id`, recording each status change in entry `entry`. Pass the snapshot
/// `submit` returned as `submitted` for a task just submitted (the first query then waits the
/// policy's first delay); `None` queries at once.
pub async fn wait_journaled(
    provider: &dyn VideoProvider,
    id: &TaskId,
    submitted: Option<Task>,
    policy: &PollPolicy,
    store: &dyn TaskStore,
    entry: EntryId,
    observer: &dyn Observer,
) -> Result<Task, VideoError> {
    let just_submitted = submitted.is_some();
    let start = submitted.map_or(Start::Existing, |task| Start::Submitted(Box::new(task)));
    let mut poller = Poller::new(provider, id.clone(), policy, start);
    let mut reporter = ChangeReporter::new(observer, just_submitted);
    while let Some(item) = poller.next_change().await {
        let task = item?;
        reporter.report(&task);
        record(store, entry, observer, |e| e.apply_task(&task)).await;
        if let Some(result) = outcome(provider, task) {
            return result;
        }
    }
    Err(poller.timeout())
}

/// Applies a change; a failure is reported to the observer and logged, not returned, so it
/// never hides a task that exists.
async fn record(
    store: &dyn TaskStore,
    entry: EntryId,
    observer: &dyn Observer,
    change: impl FnOnce(&mut JournalEntry) + Send,
) {
    if let Err(error) = update_entry(store, entry, change).await {
        tracing::error!(entry, %error, "journal write failed");
        observer.on_event(&Event::JournalWriteFailed {
            entry,
            error: &error,
        });
    }
}
