//! The steps of one job, in order. Everything the pipeline does is here once; saving the
//! videos is in [`saving`].

mod saving;

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use super::destination::Target;
use super::{Destination, Event, Generated, Pipeline, Submitted};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cost::{Budget, Estimate};
use crate::error::VideoError;
use crate::journal::{EntryId, JournalEntry, update_entry};
use crate::request::{VideoRequest, new_client_reference};
use crate::retry::submit_with_retries;
use crate::save::SavedVideo;
use crate::task::{Task, TaskId};
use crate::wait::{Poller, Start, outcome};

/// One job of a pipeline; `index` is its position in a batch (0 alone).
pub(super) struct Flow<'p, 'a> {
    pipeline: &'p Pipeline<'a>,
    index: usize,
    /// Where this job saves, when not the pipeline's destination.
    destination: Option<Destination>,
    /// A batch's admission: held while submitting, released once the submission is settled
    /// (so the next job is admitted while this one waits).
    admission: std::sync::Mutex<Option<tokio::sync::OwnedSemaphorePermit>>,
}

impl<'p, 'a> Flow<'p, 'a> {
    pub(super) fn new(pipeline: &'p Pipeline<'a>, index: usize) -> Self {
        Self {
            pipeline,
            index,
            destination: None,
            admission: std::sync::Mutex::new(None),
        }
    }

    /// Holds `permit` until the submission is settled.
    pub(super) fn with_admission(self, permit: Option<tokio::sync::OwnedSemaphorePermit>) -> Self {
        *self
            .admission
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = permit;
        self
    }

    /// Lets the batch admit its next job.
    fn release_admission(&self) {
        self.admission
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }

    /// This job saves to `destination` (when given) instead of the pipeline's.
    pub(super) fn with_destination(mut self, destination: Option<Destination>) -> Self {
        self.destination = destination;
        self
    }

    pub(super) fn provider(&self) -> &'a dyn crate::provider::VideoProvider {
        self.pipeline.provider
    }

    pub(super) fn policy(&self) -> &crate::policy::PollPolicy {
        &self.pipeline.policy
    }

    fn destination(&self) -> Option<&Destination> {
        self.destination
            .as_ref()
            .or(self.pipeline.destination.as_ref())
    }

    pub(super) fn emit(&self, event: &Event<'_>) {
        self.pipeline.emit(self.index, event);
    }

    /// Every step, submission to saved files.
    ///
    /// Each phase is boxed: a job waiting for its task keeps only the waiting state, not the
    /// submission's (what many jobs in flight cost in memory).
    pub(super) async fn generate(&self, request: &VideoRequest) -> Result<Generated, VideoError> {
        let submitted = Box::pin(self.submit_unreleased(request)).await;
        self.after_submission(submitted).await
    }

    /// [`generate`](Self::generate) for a batch job that owns its request: the request is
    /// freed as soon as the submission is settled (a waiting job keeps only what waiting needs).
    pub(super) async fn generate_owned(
        &self,
        request: Box<VideoRequest>,
    ) -> Result<Generated, VideoError> {
        let submitted = Box::pin(self.submit_unreleased(&request)).await;
        drop(request);
        self.after_submission(submitted).await
    }

    /// Once the submission is settled: lets a batch admit its next job, then waits and saves
    /// (boxed, so the caller's future holds a pointer, not the submission's result).
    fn after_submission(
        &self,
        submitted: Result<(Submitted, Option<Target>), VideoError>,
    ) -> Pin<Box<dyn Future<Output = Result<Generated, VideoError>> + Send + '_>> {
        self.release_admission();
        match submitted {
            Ok((Submitted { task, entry }, target)) => {
                Box::pin(self.finish_submitted(Box::new(task), entry, target))
            }
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }

    /// The rest of [`generate`](Self::generate) once the task is accepted. (Arguments and
    /// values held across an await live in the future, and a job keeps this future from
    /// submission to saved files: waiting and saving are boxed apart, so a waiting job holds
    /// the waiting state and a finished one queued for a download slot holds its task.)
    async fn finish_submitted(
        &self,
        task: Box<Task>,
        entry: Option<EntryId>,
        target: Option<Target>,
    ) -> Result<Generated, VideoError> {
        let reference = task.client_reference.clone();
        let id = task.id.clone();
        let following = Box::pin(self.follow(Start::Submitted(task), id, entry, target));
        let result = following.await.map(Box::new);
        self.release(entry).await;
        result.map(|generated| generated.with_reference(reference))
    }

    /// Up to the recorded task id; the journal entry's claim is released.
    pub(super) async fn submit(
        &self,
        request: &VideoRequest,
    ) -> Result<(Submitted, Option<Target>), VideoError> {
        let result = self.submit_unreleased(request).await;
        if let Ok((submitted, _)) = &result {
            self.release(submitted.entry).await;
        }
        result
    }

    /// Validate, check the destination, journal, submit, record.
    async fn submit_unreleased(
        &self,
        request: &VideoRequest,
    ) -> Result<(Submitted, Option<Target>), VideoError> {
        let pipeline = self.pipeline;
        let provider = pipeline.provider;
        let request = &with_client_reference(request);
        provider.validate(request)?;
        let destination = self.destination().map(Destination::absolute).transpose()?;
        if let Some(destination) = &destination {
            destination.check()?;
        }
        let entry = self.begin(request, destination.as_ref()).await?;
        let notify = |error: &VideoError, pause| self.emit(&Event::SubmitRetry { error, pause });
        let submitted =
            submit_with_retries(provider, request, &pipeline.policy.submit_retry, notify).await;
        let mut task = match submitted {
            Ok(task) => task,
            Err(error) => {
                self.record(entry, |e| e.apply_submit_error(&error)).await;
                self.release(entry).await;
                return Err(error);
            }
        };
        if task.client_reference.is_none() {
            task.client_reference.clone_from(&request.client_reference);
        }
        let target = destination.map(|d| d.target(&task));
        self.record(entry, |e| {
            e.apply_submitted(&task);
            if let Some(target) = &target {
                e.output = Some(target.path.clone());
                e.if_exists = target.if_exists;
            }
        })
        .await;
        self.emit(&Event::Submitted(&task));
        Ok((Submitted { task, entry }, target))
    }

    /// Writes the journal entry before anything is sent.
    async fn begin(
        &self,
        request: &VideoRequest,
        destination: Option<&Destination>,
    ) -> Result<Option<EntryId>, VideoError> {
        let pipeline = self.pipeline;
        let Some(store) = pipeline.journal else {
            return match pipeline.budget {
                Some(_) => Err(VideoError::configuration(
                    "a budget is kept in a journal: give the pipeline one",
                )),
                None => Ok(None),
            };
        };
        let provider = pipeline.provider;
        let mut draft = JournalEntry::new(0, provider.name(), request, None);
        draft.model = provider.model().map(str::to_owned);
        if let Some(Destination::File { path, if_exists }) = destination {
            draft.output = Some(path.clone());
            draft.if_exists = *if_exists;
        }
        let estimate = pipeline
            .pricer
            .map(|pricer| pricer.estimate(provider.name(), provider.model(), request));
        draft.estimate = estimate.as_ref().and_then(|e| e.cost.clone());
        let entry = match &pipeline.budget {
            None => store.begin(&draft).await?,
            Some((budget, reached)) => {
                let estimate = estimate.unwrap_or_else(|| Estimate::unknown("no pricer is set"));
                reserve(store, &draft, budget, reached, &estimate).await?
            }
        };
        self.emit(&Event::Journaled(entry));
        Ok(Some(entry))
    }

    /// Waits for an existing task and saves its videos: the entry's destination, else the
    /// pipeline's.
    pub(super) async fn finish(
        &self,
        id: &TaskId,
        entry: Option<&JournalEntry>,
    ) -> Result<Generated, VideoError> {
        let entry_id = self.claim(entry, id).await?;
        let target = entry.and_then(recorded_target);
        let result = self
            .follow(Start::Existing, id.clone(), entry_id, target)
            .await;
        self.release(entry_id).await;
        result
    }

    /// Waits for an existing task, recording each change; saves nothing.
    pub(super) async fn wait_only(
        &self,
        id: &TaskId,
        entry: Option<&JournalEntry>,
    ) -> Result<Task, VideoError> {
        let entry_id = entry.map(|e| e.id);
        self.wait(Start::Existing, id.clone(), entry_id).await
    }

    /// Saves a finished task's videos.
    pub(super) async fn save_finished(
        &self,
        task: &Task,
        entry: Option<&JournalEntry>,
    ) -> Result<Vec<SavedVideo>, VideoError> {
        let entry_id = self.claim(entry, &task.id).await?;
        let target = entry
            .and_then(recorded_target)
            .or_else(|| self.default_target(task).ok().flatten());
        let result = match target {
            Some(target) => self.save(task, &target, entry_id).await,
            None => Err(
                VideoError::invalid("destination", "nowhere to save the videos").in_task(&task.id),
            ),
        };
        self.release(entry_id).await;
        result
    }

    /// The job's (or pipeline's) destination for `task`, with absolute paths.
    fn default_target(&self, task: &Task) -> Result<Option<Target>, VideoError> {
        let Some(destination) = self.destination() else {
            return Ok(None);
        };
        Ok(Some(destination.absolute()?.target(task)))
    }

    /// Wait (reporting and recording each change), then save when there is a target.
    pub(super) async fn follow(
        &self,
        start: Start,
        id: TaskId,
        entry: Option<EntryId>,
        target: Option<Target>,
    ) -> Result<Generated, VideoError> {
        // Each half boxed on its own: a waiting job holds the waiting state only, and a
        // finished one (queued for a download slot) holds its task only.
        let waiting = Box::pin(self.wait(start, id, entry));
        let task = waiting.await?;
        let saving = Box::pin(self.save_finished_task(Box::new(task), entry, target));
        saving.await
    }

    /// The saving half of [`follow`](Self::follow).
    async fn save_finished_task(
        &self,
        task: Box<Task>,
        entry: Option<EntryId>,
        target: Option<Target>,
    ) -> Result<Generated, VideoError> {
        let target = match target {
            Some(target) => Some(target),
            None => self
                .default_target(&task)
                .map_err(|e| e.in_task(&task.id))?,
        };
        let saved = match &target {
            Some(target) => {
                // A slot first: jobs waiting to download hold a small wait, not a download.
                let _slot = self.pipeline.downloading.acquire().await;
                let saving = Box::pin(self.save(&task, target, entry));
                saving.await?
            }
            None => Vec::new(),
        };
        Ok(Generated {
            task: *task,
            saved,
            entry,
        })
    }

    /// Waits for task `id` (the poller owns the id: one copy per waiting job).
    async fn wait(
        &self,
        start: Start,
        id: TaskId,
        entry: Option<EntryId>,
    ) -> Result<Task, VideoError> {
        let pipeline = self.pipeline;
        let hook = |error: &VideoError, pause| self.emit(&Event::QueryRetry { error, pause });
        let mut skip_first = matches!(start, Start::Submitted(_));
        let mut poller = Poller::new(pipeline.provider, id, &pipeline.policy, start)
            .on_retry(&hook)
            .gated(&pipeline.querying);
        loop {
            // Scoped so the snapshot's storage is not held across the next await.
            let task = {
                let Some(item) = poller.next_change().await else {
                    break;
                };
                match item {
                    Ok(task) => task,
                    Err(error) => return Err(self.gave_up(error, poller.id(), entry).await),
                }
            };
            let first = std::mem::take(&mut skip_first);
            let change = match (first, poller.status_changed()) {
                (true, _) => Change::Known,
                (false, true) => Change::Status,
                (false, false) => Change::Progress,
            };
            // Boxed (and bound first, so no temporary outlives the statement): the waiting
            // state, held by every waiting job, stays the poller's.
            let observing = Box::pin(self.observed(task, entry, change));
            let outcome = observing.await;
            if let Some(result) = outcome {
                return result.map_err(|error| error.in_task(poller.id()));
            }
        }
        Err(self.gave_up(poller.timeout(), poller.id(), entry).await)
    }

    /// The wait's error, naming the task; at the deadline with
    /// [`cancel_on_deadline`](crate::PollPolicy::cancel_on_deadline), the task is cancelled
    /// first.
    async fn gave_up(&self, error: VideoError, id: &TaskId, entry: Option<EntryId>) -> VideoError {
        let deadline = matches!(error.root(), VideoError::WaitTimeout { .. });
        if deadline && self.pipeline.policy.cancel_on_deadline {
            self.cancel_at_deadline(id, entry).await;
        }
        error.in_task(id)
    }

    /// Cancels a task the wait gave up on, recording it; a failed cancel is reported, and
    /// the task goes on.
    async fn cancel_at_deadline(&self, id: &TaskId, entry: Option<EntryId>) {
        let cancelled = self.pipeline.provider.cancel(id).await;
        match &cancelled {
            Ok(()) => self.record(entry, JournalEntry::apply_cancelled).await,
            Err(error) => tracing::warn!(task_id = %id, %error, "cancel at the deadline failed"),
        }
        self.emit(&Event::CancelledAtDeadline {
            task_id: id,
            error: cancelled.as_ref().err(),
        });
    }

    /// Reports and records a changed snapshot; the job's outcome once the task ended.
    async fn observed(
        &self,
        task: Task,
        entry: Option<EntryId>,
        change: Change,
    ) -> Option<Result<Task, VideoError>> {
        match change {
            Change::Known => {}
            Change::Status => {
                self.emit(&Event::StatusChanged(&task));
                self.record(entry, |e| e.apply_task(&task)).await;
            }
            // Progress is reported, not journaled: a journal write per percent buys nothing.
            Change::Progress => self.emit(&Event::Progress(&task)),
        }
        if task.is_terminal() {
            self.emit(&Event::Finished(&task));
        }
        outcome(self.pipeline.provider, task)
    }

    /// Applies a change to the entry; a failure is reported and logged, not returned, so it
    /// never hides a task that exists.
    pub(super) async fn record(
        &self,
        entry: Option<EntryId>,
        change: impl FnOnce(&mut JournalEntry) + Send,
    ) {
        let (Some(store), Some(entry)) = (self.pipeline.journal, entry) else {
            return;
        };
        if let Err(error) = update_entry(store, entry, change).await {
            tracing::error!(entry, %error, "journal write failed");
            self.emit(&Event::JournalWriteFailed {
                entry,
                error: &error,
            });
        }
    }

    /// Claims `entry` for this process, or fails naming the task when another holds it.
    pub(super) async fn claim(
        &self,
        entry: Option<&JournalEntry>,
        id: &TaskId,
    ) -> Result<Option<EntryId>, VideoError> {
        let (Some(store), Some(entry)) = (self.pipeline.journal, entry) else {
            return Ok(None);
        };
        if store.claim(entry.id).await.map_err(|e| e.in_task(id))? {
            return Ok(Some(entry.id));
        }
        Err(VideoError::Journal {
            message: format!(
                "journal entry {} is being finished by another running process",
                entry.id
            ),
            source: None,
        }
        .in_task(id))
    }

    pub(super) async fn release(&self, entry: Option<EntryId>) {
        let (Some(store), Some(entry)) = (self.pipeline.journal, entry) else {
            return;
        };
        if let Err(error) = store.release(entry).await {
            tracing::warn!(entry, %error, "could not release the journal claim");
        }
    }
}

/// What a snapshot the wait returned brings.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// The snapshot of the submission's reply, already reported as `Submitted`.
    Known,
    /// A new status.
    Status,
    /// The same status, further along.
    Progress,
}

/// `request` with a client reference: its own, else a fresh one.
fn with_client_reference(request: &VideoRequest) -> Cow<'_, VideoRequest> {
    if request.client_reference.is_some() {
        return Cow::Borrowed(request);
    }
    let mut owned = request.clone();
    owned.client_reference = Some(new_client_reference());
    Cow::Owned(owned)
}

/// The destination a journal entry recorded.
pub(super) fn recorded_target(entry: &JournalEntry) -> Option<Target> {
    entry.output.as_ref().map(|path| Target {
        path: path.clone(),
        if_exists: entry.if_exists,
    })
}

/// Writes the entry under `budget`; once the budget refuses one request, `reached` refuses
/// the rest of the run's (a batch stops submitting rather than squeezing smaller ones in).
async fn reserve(
    store: &dyn crate::journal::TaskStore,
    draft: &JournalEntry,
    budget: &Budget,
    reached: &AtomicBool,
    estimate: &Estimate,
) -> Result<EntryId, VideoError> {
    if reached.load(Ordering::SeqCst) {
        return Err(VideoError::OverBudget {
            budget: budget.name().to_owned(),
            message: format!(
                "the limit of {} was reached by an earlier request of this run; not sent",
                budget.limit()
            ),
        });
    }
    let written = store.begin_within(draft, budget, estimate).await;
    if matches!(written, Err(VideoError::OverBudget { .. })) {
        reached.store(true, Ordering::SeqCst);
    }
    written
}
