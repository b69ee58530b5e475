//! From prompt to finished task: [`generate`], [`generate_all`] and the [`Observer`] that
//! hears about progress.

use std::time::Duration;

use futures::{Stream, StreamExt};

use crate::error::VideoError;
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::request::VideoRequest;
use crate::retry::submit_with_retries;
use crate::task::Task;
use crate::validate::validate;
use crate::wait::{Poller, Start, finish};

/// Something that happened while generating, reported to an [`Observer`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A submission was refused without creating a task; it is sent again after `pause`.
    SubmitRetry {
        /// Why it was refused.
        error: &'a VideoError,
        /// How long until the next attempt.
        pause: Duration,
    },
    /// The provider accepted the request: the task id is known. Reported before any waiting,
    /// so an app can store the id first.
    Submitted(&'a Task),
    /// The task's status changed.
    StatusChanged(&'a Task),
    /// The task finished (succeeded or failed).
    Finished(&'a Task),
    /// A journal write failed (journaled flows only); the task goes on, but the journal may
    /// be missing what the task id or status says. Tell the user.
    JournalWriteFailed {
        /// The journal entry.
        entry: crate::EntryId,
        /// What went wrong.
        error: &'a VideoError,
    },
}

/// Hears [`Event`]s. Any `Fn(&Event)` closure is an observer; `()` ignores everything.
pub trait Observer: Send + Sync {
    /// Called for each event, in order.
    fn on_event(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>) + Send + Sync> Observer for F {
    fn on_event(&self, event: &Event<'_>) {
        self(event);
    }
}

impl Observer for () {
    fn on_event(&self, _event: &Event<'_>) {}
}

/// Validates, submits and waits: the whole job in one call.
///
/// The submission is retried only when the error proves no task was created (connect failure
/// before sending, rate or concurrency limit), per `policy.submit_retry`. Once accepted, the
/// observer hears [`Event::Submitted`] with the task id before any waiting, then each status
/// change, then [`Event::Finished`].
///
/// ```
/// # async fn demo(provider: &dyn video_core::VideoProvider) -> Result<(), video_core::VideoError> {
/// use video_core::{generate, Event, PollPolicy, VideoRequest};
///
/// let request = VideoRequest::builder("a red fox in snow").duration_secs(5).build();
/// let task = generate(provider, &request, &PollPolicy::default(), &|event: &Event<'_>| {
///     if let Event::Submitted(task) = event {
///         println!("task id: {}", task.id);
///     }
/// })
/// .await?;
/// println!("video at {}", task.videos[0].url_for_logs());
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`VideoError::InvalidRequest`] before anything is sent; the submission's error once
/// retries are spent or when retrying could create a second task; then as [`crate::wait`].
pub async fn generate(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
    observer: &dyn Observer,
) -> Result<Task, VideoError> {
    validate(request, provider.capabilities())?;
    let notify = |error: &VideoError, pause: Duration| {
        observer.on_event(&Event::SubmitRetry { error, pause });
    };
    let submitted = submit_with_retries(provider, request, &policy.submit_retry, notify).await?;
    observer.on_event(&Event::Submitted(&submitted));
    let id = submitted.id.clone();
    let mut poller = Poller::new(provider, id, policy, Start::Submitted(Box::new(submitted)));
    let mut reporter = ChangeReporter::new(observer, true);
    finish(provider, &mut poller, |task| reporter.report(task)).await
}

/// Reports each status change as `StatusChanged` (skipping the first snapshot when it is the
/// submitted one, already reported as `Submitted`), and `Finished` for the terminal one.
#[derive(Debug)]
pub(crate) struct ChangeReporter<'a> {
    observer: &'a dyn Observer,
    first: bool,
}

impl std::fmt::Debug for dyn Observer + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

impl<'a> ChangeReporter<'a> {
    pub(crate) fn new(observer: &'a dyn Observer, skip_first: bool) -> Self {
        Self {
            observer,
            first: skip_first,
        }
    }

    pub(crate) fn report(&mut self, task: &Task) {
        if !std::mem::take(&mut self.first) {
            self.observer.on_event(&Event::StatusChanged(task));
        }
        if task.is_terminal() {
            self.observer.on_event(&Event::Finished(task));
        }
    }
}

/// Generates many videos with at most `concurrency` in progress at once, yielding each result
/// with its index in `requests` as it finishes (in completion order). One failure does not
/// stop the others.
pub fn generate_all<'a>(
    provider: &'a dyn VideoProvider,
    requests: Vec<VideoRequest>,
    policy: &'a PollPolicy,
    concurrency: usize,
) -> impl Stream<Item = (usize, Result<Task, VideoError>)> + Send + 'a {
    futures::stream::iter(requests.into_iter().enumerate())
        .map(move |(index, request)| async move {
            (index, generate(provider, &request, policy, &()).await)
        })
        .buffer_unordered(concurrency.max(1))
}
