//! Retrying, decided in one place: [`Retrying`] wraps any provider; `generate` uses the same
//! rules. A query or download is retried on [`VideoError::is_retryable`]; a submission only on
//! [`VideoError::is_unaccepted_submission`], so a paid task is never created twice.

use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use backon::{ExponentialBuilder, Retryable};

use crate::error::{RateLimitScope, SubmissionAttempt, VideoError};
use crate::image::Mode;
use crate::policy::{Jitter, RetryPolicy};
use crate::provider::VideoStream;
use crate::provider::{Capabilities, VideoProvider};
use crate::request::VideoRequest;
use crate::task::{Task, TaskId, Video};

/// Runs `call` until it succeeds, fails with an error `should_retry` refuses, or the policy's
/// retries are spent. `notify` hears each error that will be retried and the pause before it.
pub(crate) async fn retry_call<T, Call, Fut>(
    policy: &RetryPolicy,
    call: Call,
    should_retry: fn(&VideoError) -> bool,
    notify: impl FnMut(&VideoError, Duration),
) -> Result<T, VideoError>
where
    Call: FnMut() -> Fut,
    Fut: Future<Output = Result<T, VideoError>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_factor(2.0)
        .with_max_times(policy.max_retries as usize);
    let mut jitter = policy.jitter();
    call.retry(backoff)
        .sleep(tokio::time::sleep)
        .when(should_retry)
        .adjust(move |error, base| {
            base.and_then(|base| pause_for(error, base, policy, &mut jitter))
        })
        .notify(notify)
        .await
}

/// The pause before retrying after `error`: the backoff (raised to the concurrency floor after
/// a concurrency limit), jittered, and never shorter than the provider's `retry_after`.
fn pause_for(
    error: &VideoError,
    base: Duration,
    policy: &RetryPolicy,
    jitter: &mut Jitter,
) -> Option<Duration> {
    let asked = error.retry_after().unwrap_or_default();
    if asked > policy.max_retry_after {
        return None;
    }
    let mut pause = base;
    if matches!(
        error,
        VideoError::RateLimited {
            scope: RateLimitScope::Concurrency,
            ..
        }
    ) {
        pause = pause.max(policy.concurrency_delay);
    }
    Some(jitter.apply(pause).max(asked))
}

/// Submits, retrying only while the error proves no task was created. A final error that
/// does not prove it (see [`VideoError::is_refused_submission`]) comes back as
/// [`VideoError::UnknownOutcome`], so callers, journals and exit codes agree on it.
pub(crate) async fn submit_with_retries(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &RetryPolicy,
    notify: impl FnMut(&VideoError, Duration),
) -> Result<Task, VideoError> {
    retry_call(
        policy,
        || provider.submit(request),
        VideoError::is_unaccepted_submission,
        notify,
    )
    .await
    .map_err(|error| settle_submission_error(provider.name(), request, error))
}

/// A submission error that does not prove the task absent, as `UnknownOutcome`.
fn settle_submission_error(
    provider: &str,
    request: &VideoRequest,
    error: VideoError,
) -> VideoError {
    if error.is_refused_submission() || matches!(error, VideoError::UnknownOutcome { .. }) {
        return error;
    }
    VideoError::UnknownOutcome {
        attempt: Box::new(SubmissionAttempt::new(provider, request.clone())),
        source: Box::new(error),
    }
}

/// A provider wrapper that retries direct calls by core's rules: `task` and `download` on
/// retryable errors, `submit` only when the error proves no task was created.
///
/// ```
/// # async fn demo(provider: impl video_core::VideoProvider) -> Result<(), video_core::VideoError> {
/// use video_core::{Retrying, RetryPolicy, VideoProvider, VideoRequest};
///
/// let provider = Retrying::with_policy(provider, RetryPolicy::default().with_max_retries(3));
/// let task = provider.submit(&VideoRequest::new("a fox in snow")).await?;
/// println!("submitted {}", task.id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Retrying<P> {
    inner: P,
    policy: RetryPolicy,
}

impl<P: VideoProvider> Retrying<P> {
    /// Wraps `inner` with the default [`RetryPolicy`].
    pub fn new(inner: P) -> Self {
        Self::with_policy(inner, RetryPolicy::default())
    }

    /// Wraps `inner` with `policy`.
    pub fn with_policy(inner: P, policy: RetryPolicy) -> Self {
        Self { inner, policy }
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// The retry policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    fn log_retry(&self, call: &'static str) -> impl FnMut(&VideoError, Duration) + '_ {
        move |error, pause| {
            tracing::info!(provider = self.inner.name(), call, %error, ?pause, "retrying");
        }
    }
}

#[async_trait]
impl<P: VideoProvider> VideoProvider for Retrying<P> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        submit_with_retries(&self.inner, request, &self.policy, self.log_retry("submit")).await
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let call = || self.inner.task(id);
        retry_call(
            &self.policy,
            call,
            VideoError::is_retryable,
            self.log_retry("task"),
        )
        .await
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        let call = || self.inner.download(video);
        let log = self.log_retry("download");
        retry_call(&self.policy, call, VideoError::is_retryable, log).await
    }

    async fn long_wait(&self, id: &TaskId, timeout: Duration) -> Result<Option<Task>, VideoError> {
        self.inner.long_wait(id, timeout).await
    }

    async fn find_by_reference(
        &self,
        reference: &str,
        mode: Mode,
    ) -> Result<Option<Task>, VideoError> {
        let call = || self.inner.find_by_reference(reference, mode);
        let log = self.log_retry("find_by_reference");
        retry_call(&self.policy, call, VideoError::is_retryable, log).await
    }

    fn failure_error(&self, task: &Task) -> VideoError {
        self.inner.failure_error(task)
    }
}
