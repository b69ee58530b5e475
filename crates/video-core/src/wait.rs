//! Waiting for a task: [`wait`] and [`watch`], generic over any provider.
//!
//! All timing goes through tokio's clock, so tests run under `tokio::time::pause()` and
//! finish instantly. Dropping a returned future or stream cancels the wait; nothing keeps
//! running in the background.

use std::time::Duration;

use futures::Stream;
use tokio::time::Instant;

use crate::error::VideoError;
use crate::policy::{PollDelays, PollPolicy};
use crate::provider::VideoProvider;
use crate::task::{Task, TaskId, TaskStatus};

/// Waits until the task finishes and returns it.
///
/// Queries at once, then on the policy's schedule. Uses the provider's one-request wait first
/// when it offers one and the policy allows it. Retryable query errors are retried inside the
/// deadline (no sooner than their `retry_after`); other errors end the wait.
///
/// # Errors
/// The provider's [`VideoProvider::failure_error`] (usually [`VideoError::TaskFailed`]) when
/// the task failed; [`VideoError::WaitTimeout`] with the last snapshot at the deadline; any
/// non-retryable query error (e.g. [`VideoError::NotFound`]).
pub async fn wait(
    provider: &dyn VideoProvider,
    id: &TaskId,
    policy: &PollPolicy,
) -> Result<Task, VideoError> {
    let mut poller = Poller::new(provider, id.clone(), policy, Start::Existing);
    finish(provider, &mut poller, |_| {}).await
}

/// A stream of snapshots of a task, one each time its status changes or its progress rises
/// (progress never goes backwards), ending after the finished (`Succeeded` or `Failed`)
/// snapshot or an error. Queries at once, then on the
/// policy's schedule; a `Failed` task is yielded as a snapshot, not an error.
pub fn watch<'a>(
    provider: &'a dyn VideoProvider,
    id: &TaskId,
    policy: &PollPolicy,
) -> impl Stream<Item = Result<Task, VideoError>> + Send + 'a {
    Poller::new(provider, id.clone(), policy, Start::Existing).into_stream()
}

/// Runs `poller` to the end, reporting each change, and turns a failed task into an error.
async fn finish(
    provider: &dyn VideoProvider,
    poller: &mut Poller<'_>,
    mut on_change: impl FnMut(&Task),
) -> Result<Task, VideoError> {
    while let Some(item) = poller.next_change().await {
        let task = item?;
        on_change(&task);
        if let Some(outcome) = outcome(provider, task) {
            return outcome;
        }
    }
    Err(poller.timeout())
}

/// The result of waiting for a task in this state: `None` while it is not finished.
pub(crate) fn outcome(
    provider: &dyn VideoProvider,
    task: Task,
) -> Option<Result<Task, VideoError>> {
    match task.status {
        TaskStatus::Succeeded => Some(Ok(task)),
        TaskStatus::Failed => Some(Err(provider.failure_error(&task))),
        _ => None,
    }
}

/// `now + after`, or about thirty years from now when that overflows (`Duration::MAX` means
/// "no deadline").
fn deadline_after(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after)
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 3600))
}

/// Where a wait begins.
#[derive(Debug)]
pub(crate) enum Start {
    /// An id of unknown age: query at once.
    Existing,
    /// A task just submitted: report it, then follow the schedule from `first_delay`.
    Submitted(Box<Task>),
}

/// Hears each query error the wait will retry, with the pause before the next query.
pub(crate) type RetryHook<'a> = &'a (dyn Fn(&VideoError, Duration) + Send + Sync);

/// The polling engine behind [`wait`], [`watch`] and the pipeline.
pub(crate) struct Poller<'a> {
    provider: &'a dyn VideoProvider,
    id: TaskId,
    delays: PollDelays,
    deadline: Instant,
    long_wait: bool,
    pending: Option<Box<Task>>,
    query_now: bool,
    /// The last status seen (not the whole snapshot: every waiting task holds one).
    last: Option<TaskStatus>,
    /// The highest progress seen: reported progress never goes backwards.
    progress: Option<u8>,
    /// Whether the last change returned was a new status (else only progress rose).
    status_changed: bool,
    pause: Option<Duration>,
    done: bool,
    on_retry: Option<RetryHook<'a>>,
    /// Queries start only with a permit: thousands of due tasks wait on this small future
    /// instead of each holding a provider call that is itself waiting for a connection.
    gate: Option<&'a tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Poller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Poller")
            .field("id", &self.id)
            .field("deadline", &self.deadline)
            .field("last", &self.last)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<'a> Poller<'a> {
    pub(crate) fn new(
        provider: &'a dyn VideoProvider,
        id: TaskId,
        policy: &PollPolicy,
        start: Start,
    ) -> Self {
        let (pending, query_now) = match start {
            Start::Existing => (None, true),
            Start::Submitted(task) => (Some(task), false),
        };
        Self {
            provider,
            id,
            delays: policy.delays(),
            deadline: deadline_after(policy.deadline),
            long_wait: policy.long_wait && provider.capabilities().long_wait,
            pending,
            query_now,
            last: None,
            progress: None,
            status_changed: false,
            pause: None,
            done: false,
            on_retry: None,
            gate: None,
        }
    }

    /// The task waited for.
    pub(crate) fn id(&self) -> &TaskId {
        &self.id
    }

    /// Reports each retried query error to `hook`.
    pub(crate) fn on_retry(mut self, hook: RetryHook<'a>) -> Self {
        self.on_retry = Some(hook);
        self
    }

    /// Starts each query only with a permit of `gate`.
    pub(crate) fn gated(mut self, gate: &'a tokio::sync::Semaphore) -> Self {
        self.gate = Some(gate);
        self
    }

    fn into_stream(self) -> impl Stream<Item = Result<Task, VideoError>> + Send + 'a {
        futures::stream::unfold(self, |mut poller| async move {
            poller.next_change().await.map(|item| (item, poller))
        })
    }

    /// The timeout error for this wait, carrying the last snapshot.
    pub(crate) fn timeout(&self) -> VideoError {
        VideoError::WaitTimeout {
            task_id: self.id.clone(),
            last: self.last.clone().map(|status| {
                let task = Task::new(self.id.clone(), status);
                Box::new(task)
            }),
        }
    }

    /// The next snapshot whose status differs from the last one or whose progress rose, or
    /// `None` once finished.
    pub(crate) async fn next_change(&mut self) -> Option<Result<Task, VideoError>> {
        if self.done {
            return None;
        }
        if let Some(task) = self.pending.take()
            && let Some(change) = self.observe(*task)
        {
            return Some(Ok(change));
        }
        if self.long_wait {
            self.long_wait = false;
            if let Some(item) = self.long_wait().await {
                return Some(item);
            }
        }
        loop {
            if !self.sleep_until_next_query().await {
                self.done = true;
                return Some(Err(self.timeout()));
            }
            let _permit = match self.gate {
                Some(gate) => gate.acquire().await.ok(),
                None => None,
            };
            let query = tokio::time::timeout_at(self.deadline, self.provider.task(&self.id));
            let Ok(answer) = query.await else {
                self.done = true;
                return Some(Err(self.timeout()));
            };
            match answer {
                Ok(task) => {
                    if let Some(change) = self.observe(task) {
                        return Some(Ok(change));
                    }
                }
                Err(error) if error.is_retryable() => {
                    // The next scheduled pause, never shorter than what the provider asked.
                    let scheduled = self.delays.next().unwrap_or_default();
                    let pause = scheduled.max(error.retry_after().unwrap_or_default());
                    tracing::debug!(task_id = %self.id, %error, ?pause, "query failed; will retry");
                    if let Some(hook) = self.on_retry {
                        hook(&error, pause);
                    }
                    self.pause = Some(pause);
                }
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
    }

    /// Tries the provider's one-request wait; `None` means "go on polling".
    async fn long_wait(&mut self) -> Option<Result<Task, VideoError>> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        let request = self.provider.long_wait(&self.id, remaining);
        let Ok(answer) = tokio::time::timeout_at(self.deadline, request).await else {
            self.done = true;
            return Some(Err(self.timeout()));
        };
        match answer {
            Ok(Some(task)) => self.observe(task).map(Ok),
            Ok(None) => None,
            Err(error) if error.is_retryable() => {
                tracing::debug!(task_id = %self.id, %error, "long wait failed; polling instead");
                None
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }

    /// Sleeps until the next query is due; false (after sleeping until the deadline) when the
    /// next query would come at or after the deadline. No query starts at or after the
    /// deadline, and none runs past it.
    async fn sleep_until_next_query(&mut self) -> bool {
        let now = Instant::now();
        if now >= self.deadline {
            return false;
        }
        if std::mem::take(&mut self.query_now) {
            return true;
        }
        let delay = match self.pause.take() {
            Some(pause) => pause,
            None => self.delays.next().unwrap_or_default(),
        };
        let due = now.checked_add(delay).unwrap_or(self.deadline);
        if due >= self.deadline {
            tokio::time::sleep_until(self.deadline).await;
            return false;
        }
        tokio::time::sleep_until(due).await;
        true
    }

    /// Whether the last change [`next_change`](Self::next_change) returned was a new status
    /// (false when only the progress rose).
    pub(crate) fn status_changed(&self) -> bool {
        self.status_changed
    }

    /// Records a snapshot; returns it when its status changed (or it is the first one) or its
    /// progress rose. A snapshot's progress is never below the highest seen before.
    fn observe(&mut self, mut task: Task) -> Option<Task> {
        let status_changed = self.last.as_ref() != Some(&task.status);
        if self.progress.is_some() && task.progress < self.progress {
            task.progress = self.progress;
        }
        let progressed = task.progress > self.progress;
        self.progress = task.progress;
        self.done = task.is_terminal();
        if status_changed {
            self.last = Some(task.status.clone());
        }
        self.status_changed = status_changed;
        (status_changed || progressed).then_some(task)
    }
}
