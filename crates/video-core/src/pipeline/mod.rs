//! The one pipeline: validate → journal entry → submit → record the task id → wait →
//! download each video (SHA-256) → record the files. Journaling, saving and observing are
//! optional parts of the same flow; [`generate`], [`generate_all`], batches, the CLI and
//! [`crate::journal::resume`] all run it.
//!
//! ```
//! # async fn demo(provider: &dyn video_core::VideoProvider) -> Result<(), video_core::VideoError> {
//! use video_core::{Destination, Event, Pipeline, PollPolicy, VideoRequest};
//!
//! let request = VideoRequest::builder("a red fox in snow").duration_secs(5).build();
//! let done = Pipeline::new(provider)
//!     .policy(PollPolicy::default())
//!     .save(Destination::file("fox.mp4"))
//!     .on_event(|event| {
//!         if let Event::Submitted(task) = event {
//!             println!("task id: {}", task.id); // store it: the task is paid for
//!         }
//!     })
//!     .generate(&request)
//!     .await?;
//! println!("saved {} ({} bytes)", done.saved[0].path.display(), done.saved[0].bytes);
//! # Ok(()) }
//! ```

mod batch;
mod destination;
mod events;
mod flow;
mod recover;
pub(crate) mod resume;
mod slots;

use std::sync::Arc;

use futures::{Stream, StreamExt};

pub use destination::Destination;
pub use events::{Event, Observer};

use crate::cost::{Budget, Pricer};
use crate::error::VideoError;
use crate::journal::{EntryId, JournalEntry, TaskStore};
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::request::VideoRequest;
use crate::save::SavedVideo;
use crate::task::{Task, TaskId};
use flow::Flow;

/// What a finished job produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Generated {
    /// The finished task.
    pub task: Task,
    /// The saved videos, in the task's order (empty when the pipeline does not save).
    pub saved: Vec<SavedVideo>,
    /// The journal entry, when the pipeline journals.
    pub entry: Option<EntryId>,
}

impl Generated {
    /// Carries the submission's client reference onto the final snapshot (which a provider
    /// may not echo it in).
    fn with_reference(mut self: Box<Self>, reference: Option<String>) -> Self {
        if self.task.client_reference.is_none() {
            self.task.client_reference = reference;
        }
        *self
    }
}

/// A task the provider accepted, as [`Pipeline::submit`] returns it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Submitted {
    /// The task as the submission's reply described it.
    pub task: Task,
    /// The journal entry, when the pipeline journals.
    pub entry: Option<EntryId>,
}

/// One job of a batch: a request, and where its videos go when not the pipeline's
/// destination.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Job {
    /// What to generate.
    pub request: VideoRequest,
    /// Where to save its videos (the pipeline's destination when `None`).
    pub destination: Option<Destination>,
}

impl Job {
    /// A job saving where the pipeline saves.
    pub fn new(request: VideoRequest) -> Self {
        Self {
            request,
            destination: None,
        }
    }

    /// Saves this job's videos to `destination`.
    #[must_use]
    pub fn save(mut self, destination: Destination) -> Self {
        self.destination = Some(destination);
        self
    }
}

impl From<VideoRequest> for Job {
    fn from(request: VideoRequest) -> Self {
        Self::new(request)
    }
}

type BoxedObserver<'a> = Box<dyn Fn(usize, &Event<'_>) + Send + Sync + 'a>;

/// The pipeline, configured: which provider, how to wait, and the optional parts (journal,
/// where to save, who hears events). Build it once and run any number of jobs with it.
#[must_use]
pub struct Pipeline<'a> {
    provider: &'a dyn VideoProvider,
    policy: PollPolicy,
    journal: Option<&'a dyn TaskStore>,
    destination: Option<Destination>,
    observer: Option<BoxedObserver<'a>>,
    submitting: usize,
    /// Prices every journaled request (its estimate is recorded in the entry).
    pricer: Option<&'a dyn Pricer>,
    /// The cap submissions are reserved under, and whether it was reached in this run.
    budget: Option<(Budget, std::sync::atomic::AtomicBool)>,
    /// Queries in flight at once, over all of this pipeline's jobs.
    querying: tokio::sync::Semaphore,
    /// Downloads in flight at once, over all of this pipeline's jobs.
    downloading: slots::DownloadSlots,
}

/// How many jobs of a batch submit at once unless told otherwise
/// ([`Pipeline::max_submitting`]).
pub const DEFAULT_MAX_SUBMITTING: usize = 64;

/// How many status queries a pipeline has in flight at once unless told otherwise
/// ([`Pipeline::max_querying`]).
pub const DEFAULT_MAX_QUERYING: usize = 64;

/// How many videos a pipeline downloads at once unless told otherwise
/// ([`Pipeline::max_downloading`]). Each open download holds up to about 0.8 MiB of
/// buffers; four connections fill most links (a CDN serves one at tens of MB/s), and on
/// loopback eight were no faster than four. Raise it for a very fast link.
pub const DEFAULT_MAX_DOWNLOADING: usize = 4;

impl<'a> Pipeline<'a> {
    /// A pipeline for `provider` with the default [`PollPolicy`], no journal, no saving and
    /// nobody listening.
    pub fn new(provider: &'a dyn VideoProvider) -> Self {
        Self {
            provider,
            policy: PollPolicy::default(),
            journal: None,
            destination: None,
            observer: None,
            submitting: DEFAULT_MAX_SUBMITTING,
            pricer: None,
            budget: None,
            querying: tokio::sync::Semaphore::new(DEFAULT_MAX_QUERYING),
            downloading: slots::DownloadSlots::new(DEFAULT_MAX_DOWNLOADING),
        }
    }

    /// Sets how to wait (and how to retry submissions and downloads).
    pub fn policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Journals every job in `store`: an entry is written before the submission is sent and
    /// completed as answers arrive, so a task that was paid for is never lost.
    pub fn journal(mut self, store: &'a dyn TaskStore) -> Self {
        self.journal = Some(store);
        self
    }

    /// Prices each request with `pricer` before it is sent: the estimate is recorded in its
    /// journal entry, and a [`budget`](Self::budget) reserves it.
    pub fn pricing(mut self, pricer: &'a dyn Pricer) -> Self {
        self.pricer = Some(pricer);
        self
    }

    /// Caps spending: before each submission is sent, its estimate (from the
    /// [`pricing`](Self::pricing)) is reserved in the journal under `budget`, in the same
    /// write as its entry; a request that does not fit is refused with
    /// [`VideoError::OverBudget`] and nothing is sent. Once one is refused, the rest of this
    /// pipeline's jobs are refused too (a batch stops submitting). Needs a
    /// [`journal`](Self::journal): the budget lives there, shared by every process using it.
    ///
    /// ```
    /// # async fn demo(provider: &dyn video_core::VideoProvider,
    /// #   journal: &dyn video_core::journal::TaskStore,
    /// #   catalog: &dyn video_core::cost::Pricer) -> Result<(), video_core::VideoError> {
    /// use video_core::{Pipeline, VideoRequest, cost::Budget};
    /// let budget = Budget::new("launch", "2.50USD".parse()?);
    /// let pipeline = Pipeline::new(provider).journal(journal).pricing(catalog).budget(budget);
    /// pipeline.generate(&VideoRequest::new("a fox")).await?;
    /// # Ok(()) }
    /// ```
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = Some((budget, std::sync::atomic::AtomicBool::new(false)));
        self
    }

    /// Saves each finished task's videos to `destination` (for a batch: a folder).
    pub fn save(mut self, destination: Destination) -> Self {
        self.destination = Some(destination);
        self
    }

    /// Calls `observer` with each event of each job (a closure needs no type annotation).
    pub fn on_event(mut self, observer: impl Fn(&Event<'_>) + Send + Sync + 'a) -> Self {
        self.observer = Some(Box::new(move |_, event| observer(event)));
        self
    }

    /// Calls `observer` with each event and the index of the job it belongs to (its position
    /// in a batch; 0 for a single job).
    pub fn on_job_event(mut self, observer: impl Fn(usize, &Event<'_>) + Send + Sync + 'a) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// Reports events to an [`Observer`].
    pub fn observer(self, observer: &'a dyn Observer) -> Self {
        self.on_event(move |event| observer.on_event(event))
    }

    /// At most `jobs` of a batch submit at once (default [`DEFAULT_MAX_SUBMITTING`]); a new
    /// job is created only when a submission is settled, so a large batch does not hold
    /// thousands of pending submissions at once.
    pub fn max_submitting(mut self, jobs: usize) -> Self {
        self.submitting = jobs.max(1);
        self
    }

    /// At most `queries` status queries in flight at once over all jobs (default
    /// [`DEFAULT_MAX_QUERYING`]). A due query past the limit waits for a slot before it is
    /// built, so 100,000 waiting jobs hold 100,000 small waits, not 100,000 pending calls.
    pub fn max_querying(mut self, queries: usize) -> Self {
        self.querying = tokio::sync::Semaphore::new(queries.max(1));
        self
    }

    /// At most `downloads` videos downloading at once over all jobs (default
    /// [`DEFAULT_MAX_DOWNLOADING`]). A finished job waits for a slot before it opens the
    /// video, so many tasks finishing together hold small waits, not open downloads and
    /// their buffers. A batch also stops admitting jobs while more than eight per slot are
    /// queued, so a batch that finishes tasks faster than it downloads them does not pile
    /// them up ([`generate_all`](Self::generate_all)).
    pub fn max_downloading(mut self, downloads: usize) -> Self {
        self.downloading = slots::DownloadSlots::new(downloads);
        self
    }

    /// The provider.
    pub fn provider(&self) -> &'a dyn VideoProvider {
        self.provider
    }

    /// Runs the whole job: validate, journal, submit (retrying only what provably created
    /// no task), wait, save. Every error after the task was accepted names it
    /// ([`VideoError::task_id`]).
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] before anything is sent (the request, or a destination
    /// that cannot be written); a refusal or [`VideoError::UnknownOutcome`] from the
    /// submission; then the task's failure, the wait's timeout, or a download or journal
    /// error, each naming the task.
    pub async fn generate(&self, request: &VideoRequest) -> Result<Generated, VideoError> {
        Flow::new(self, 0).generate(request).await
    }

    /// Submits (validate, journal, submit, record the task id and, when saving, where its
    /// videos will go) and returns without waiting.
    ///
    /// # Errors
    /// As [`generate`](Self::generate) up to the submission.
    pub async fn submit(&self, request: &VideoRequest) -> Result<Submitted, VideoError> {
        Flow::new(self, 0)
            .submit(request)
            .await
            .map(|(submitted, _)| submitted)
    }

    /// Waits for an existing task (recording each change in journal `entry`, if given)
    /// without saving anything.
    ///
    /// # Errors
    /// As [`generate`](Self::generate) while waiting.
    pub async fn wait(
        &self,
        id: &TaskId,
        entry: Option<&JournalEntry>,
    ) -> Result<Task, VideoError> {
        Flow::new(self, 0).wait_only(id, entry).await
    }

    /// Like [`generate`](Self::generate), saving to `destination` instead of the pipeline's.
    ///
    /// # Errors
    /// As [`generate`](Self::generate).
    pub async fn generate_to(
        &self,
        request: &VideoRequest,
        destination: Destination,
    ) -> Result<Generated, VideoError> {
        Flow::new(self, 0)
            .with_destination(Some(destination))
            .generate(request)
            .await
    }

    /// Waits for an existing task and saves its videos (when saving): the second half of
    /// [`generate`](Self::generate), for a task submitted earlier or by another process.
    /// With a journal `entry`, each step is recorded in it and its recorded destination is
    /// used (the pipeline's destination otherwise).
    ///
    /// # Errors
    /// As [`generate`](Self::generate) after the submission.
    pub async fn finish(
        &self,
        id: &TaskId,
        entry: Option<&JournalEntry>,
    ) -> Result<Generated, VideoError> {
        Flow::new(self, 0).finish(id, entry).await
    }

    /// Saves the videos of a finished `task` (recording them in journal `entry`, if given)
    /// to the pipeline's destination, or the entry's.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] when there is nowhere to save; download and file
    /// errors, naming the task.
    pub async fn save_videos(
        &self,
        task: &Task,
        entry: Option<&JournalEntry>,
    ) -> Result<Vec<SavedVideo>, VideoError> {
        Flow::new(self, 0).save_finished(task, entry).await
    }

    /// Cancels task `id` at the provider and, with a journal, records its entry (when it has
    /// one) as `cancelled`.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] when the provider cannot cancel
    /// ([`crate::Capabilities::cancel`]); the provider's error when it refused (a task
    /// already finished, an unknown id); journal errors, naming the task.
    pub async fn cancel(&self, id: &TaskId) -> Result<(), VideoError> {
        self.provider.cancel(id).await.map_err(|e| e.in_task(id))?;
        let Some(store) = self.journal else {
            return Ok(());
        };
        if let Some(entry) = store.find_task(id).await.map_err(|e| e.in_task(id))? {
            crate::journal::update_entry(store, entry.id, JournalEntry::apply_cancelled)
                .await
                .map_err(|e| e.in_task(id))?;
        }
        Ok(())
    }

    /// The task the provider holds under journal `entry`'s client reference, if any.
    pub(crate) async fn look_up(&self, entry: &JournalEntry) -> Result<Option<Task>, VideoError> {
        Flow::new(self, 0).look_up(entry).await
    }

    /// Adopts `task`, found under journal `entry`'s client reference, and finishes it.
    pub(crate) async fn adopt(
        &self,
        task: Task,
        entry: &JournalEntry,
    ) -> Result<Generated, VideoError> {
        Flow::new(self, 0).adopt(task, entry).await
    }

    /// Submits journal `entry`'s request again (same client reference) and finishes it.
    pub(crate) async fn resubmit(&self, entry: &JournalEntry) -> Result<Generated, VideoError> {
        Flow::new(self, 0).resubmit(entry).await
    }

    /// Runs one job per request (or [`Job`], to give each its own destination), at most
    /// `concurrency` at once, yielding each result with its index as it finishes (in
    /// completion order). One failure does not stop the others; events name their job's
    /// index ([`on_job_event`](Self::on_job_event)), so every task id is heard, failed ones
    /// included. Jobs are started as capacity frees.
    ///
    /// `jobs` may be any iterator (a `Vec`, or a lazy `(0..n).map(...)`: then a request is
    /// built only when its job is admitted). At most [`max_submitting`](Self::max_submitting)
    /// jobs submit at once; the next job is created when a submission is settled. When the
    /// pipeline saves, a job is also admitted only while fewer than eight finished jobs per
    /// download slot ([`max_downloading`](Self::max_downloading)) wait for one: submitting
    /// faster than videos can be downloaded would only pile up finished tasks.
    pub fn generate_all<'s, I>(
        &'s self,
        jobs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<Generated, VideoError>)> + Send + 's
    where
        I: IntoIterator,
        I::Item: Into<Job> + 's,
        I::IntoIter: Send + 's,
    {
        batch::run(self, jobs.into_iter().map(Into::into), concurrency)
    }

    fn emit(&self, index: usize, event: &Event<'_>) {
        if let Some(observer) = &self.observer {
            observer(index, event);
        }
    }
}

impl std::fmt::Debug for Pipeline<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("provider", &self.provider.name())
            .field("policy", &self.policy)
            .field("journal", &self.journal.is_some())
            .field("destination", &self.destination)
            .field("observer", &self.observer.is_some())
            .field("submitting", &self.submitting)
            .field("pricer", &self.pricer.is_some())
            .field("budget", &self.budget.as_ref().map(|(budget, _)| budget))
            .field("querying", &self.querying.available_permits())
            .field("downloading", &self.downloading.available())
            .finish()
    }
}

/// Validates, submits (retrying only what provably created no task) and waits: the whole
/// job with nothing optional. See [`Pipeline`] to journal, save or observe.
///
/// ```
/// # async fn demo(provider: &dyn video_core::VideoProvider) -> Result<(), video_core::VideoError> {
/// use video_core::{generate, PollPolicy, VideoRequest};
///
/// let request = VideoRequest::builder("a red fox in snow").duration_secs(5).build();
/// let task = generate(provider, &request, &PollPolicy::default()).await?;
/// println!("video at {}", task.videos[0].url_for_logs());
/// # Ok(()) }
/// ```
///
/// # Errors
/// As [`Pipeline::generate`].
pub async fn generate(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
) -> Result<Task, VideoError> {
    Pipeline::new(provider)
        .policy(policy.clone())
        .generate(request)
        .await
        .map(|done| done.task)
}

/// Generates many videos with at most `concurrency` in progress at once, yielding each result
/// with its index in `requests` as it finishes. See [`Pipeline::generate_all`] to journal,
/// save or hear each task's id.
///
/// `requests` may be any iterator; as with [`Pipeline::generate_all`], at most
/// [`DEFAULT_MAX_SUBMITTING`] submit at once and a request is taken only when its job is
/// admitted.
pub fn generate_all<'a, I>(
    provider: &'a dyn VideoProvider,
    requests: I,
    policy: &'a PollPolicy,
    concurrency: usize,
) -> impl Stream<Item = (usize, Result<Task, VideoError>)> + Send + 'a
where
    I: IntoIterator<Item = VideoRequest>,
    I::IntoIter: Send + 'a,
{
    let pipeline = Arc::new(Pipeline::new(provider).policy(policy.clone()));
    let jobs = requests.into_iter().map(Job::new);
    batch::run(pipeline, jobs, concurrency)
        .map(|(index, result)| (index, result.map(|done| done.task)))
}
