//! What a provider implementor uses: the [`VideoProvider`] trait and its [`Capabilities`]
//! (both also at the crate root), [`VideoStream`], the error helpers ([`BoxError`],
//! [`excerpt`]), time conversions ([`unix_millis`]), a sample MP4 for fakes ([`sample`]) and
//! the conformance suite (module `testkit`, with the `testkit` feature).

mod capabilities;
pub mod sample;
#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;

pub use capabilities::{Capabilities, Durations, ImageCapabilities};

pub use crate::download::VideoStream;
pub use crate::error::{BoxError, EXCERPT_CHARS, excerpt};
pub use crate::task::unix_millis;
/// Re-exported so providers implement the trait with the same macro version.
pub use async_trait::async_trait;

use std::sync::Arc;
use std::time::Duration;

use crate::error::VideoError;
use crate::image::Mode;
use crate::request::VideoRequest;
use crate::task::{Task, TaskId};

/// A video generation backend.
///
/// Object safe: apps hold an `Arc<dyn VideoProvider>` and choose the backend at run time.
/// Everything that is the same for every provider (validation, waiting, retries, saving files)
/// lives once in this crate and works through this trait.
///
/// # The contract an implementor keeps
/// - **`submit` validates first**: it calls [`validate`](Self::validate) and returns
///   [`VideoError::InvalidRequest`] before anything is sent. The pipeline calls `validate`
///   too, before it writes the journal entry, so a request the provider would refuse
///   locally never leaves a journal row.
/// - **One attempt per call.** A provider never retries on its own; it classifies each
///   failure precisely so core can (see [`VideoError::is_retryable`]). Above all, a failed
///   `submit` says whether the request may have reached the server: `Transport {
///   reached_server: false }` or `RateLimited` only when no task can exist, and
///   [`VideoError::UnknownOutcome`] once the body may have been sent but no reply was read.
/// - `task` is idempotent and returns [`VideoError::NotFound`] for an unknown id; an
///   unrecognised status is [`crate::TaskStatus::Unknown`], not an error. Statuses beyond
///   the core set map onto it with the raw one kept in [`Task::raw_status`] (queued and
///   throttled are `Submitted`, cancelled is `Failed`); [`Task::progress`] is set when the
///   API reports one. A task that finished with every output filtered (a content policy
///   removed the videos) is `Failed`, and [`failure_error`](Self::failure_error) makes it
///   [`VideoError::ContentRejected`]: never `Succeeded` without videos.
/// - A finished task's videos are [`crate::Locator`]s in the provider's own terms (a signed
///   URL, a content endpoint, a file id), with `expires_at` when the API says; `download`
///   resolves one into bytes at that moment (minting a fresh link where the API works that
///   way), so a locator journaled or queued never goes stale. It streams without buffering
///   the whole video, reporting its length when known. A link that no longer works is
///   [`VideoError::LinkExpired`]: the pipeline then queries the task once more and retries
///   that video with the fresh locator. A refusal of the credentials sent is an auth error,
///   not `LinkExpired`.
/// - Secrets (API keys, signed URLs' query strings) never appear in `Debug`, errors or logs.
#[async_trait]
pub trait VideoProvider: Send + Sync + std::fmt::Debug {
    /// A short, stable name, e.g. `kling-dmx` or `mock`.
    fn name(&self) -> &str;

    /// What this provider accepts; [`crate::validate`] checks requests against it. A
    /// provider value is one model on one route, so these are that model's.
    fn capabilities(&self) -> &Capabilities;

    /// The model this value serves (e.g. `kling-v2-6`), when the provider has several;
    /// journaled beside [`name`](Self::name) so a later process builds the same one. The
    /// default is `None`.
    fn model(&self) -> Option<&str> {
        None
    }

    /// Every local check of `request`, without sending anything: the default is
    /// [`crate::validate`] against [`capabilities`](Self::capabilities); a provider with
    /// rules across fields ("1080p only at 6 s") or typed options checks those too.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] naming the field and the [`crate::Rule`].
    fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
        crate::validate(request, self.capabilities())
    }

    /// Validates and submits one request, returning the new task (usually `Submitted`).
    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError>;

    /// The task's current state (one query), its status mapped as [`crate::TaskStatus`]
    /// says (the provider's own kept in [`Task::raw_status`]). A task that finished with
    /// every output filtered by a content policy is `Failed`, never `Succeeded` without
    /// videos, and its [`failure_error`](Self::failure_error) a
    /// [`VideoError::ContentRejected`].
    async fn task(&self, id: &TaskId) -> Result<Task, VideoError>;

    /// Opens a finished video as a byte stream.
    async fn download(&self, video: &crate::Video) -> Result<VideoStream, VideoError>;

    /// The long wait: waits for the task in one long request, if the provider can (see
    /// [`Capabilities::long_wait`]; core uses it when [`crate::PollPolicy::long_wait`] is
    /// on). Returns `Ok(None)` when it cannot, and core polls instead; may return a
    /// non-terminal snapshot if the request ended early, and core then goes on polling. The
    /// default cannot.
    async fn long_wait(&self, id: &TaskId, timeout: Duration) -> Result<Option<Task>, VideoError> {
        let _ = (id, timeout);
        Ok(None)
    }

    /// The task submitted with client reference `reference` (see
    /// [`crate::VideoRequest::client_reference`]) in `mode`, or `Ok(None)` when the provider
    /// has none. Called only when [`Capabilities::lookup_by_reference`] is set; core uses it
    /// to settle a submission whose reply was lost, so `Ok(None)` must mean "provably no
    /// such task" and anything uncertain an error. The default is a
    /// [`VideoError::Configuration`] error.
    async fn find_by_reference(
        &self,
        reference: &str,
        mode: Mode,
    ) -> Result<Option<Task>, VideoError> {
        let _ = (reference, mode);
        Err(VideoError::configuration(format!(
            "{} cannot find tasks by client reference",
            self.name()
        )))
    }

    /// Stops task `id` where the API allows it (see [`Capabilities::cancel`]), so it stops
    /// rendering and, where the API says so, billing. Returns once the provider accepted the
    /// cancellation; a task already finished may be refused ([`VideoError::InvalidRequest`]
    /// or the provider's error). The default says the provider cannot.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] (field `task`) when the provider cannot cancel; the
    /// provider's errors otherwise.
    async fn cancel(&self, id: &TaskId) -> Result<(), VideoError> {
        let _ = id;
        Err(cannot_cancel(self.name()))
    }

    /// The one task that matches `request`, submitted between `window.0` and `window.1`,
    /// for an API without client references (see [`Capabilities::lookup_by_match`]):
    /// `Ok(Some)` only when exactly one recent task matches everything the request says;
    /// `Ok(None)` when none or several do (which proves nothing: core leaves the entry
    /// unresolved). Core never adopts a task another journal entry already holds. The default
    /// is a [`VideoError::Configuration`] error.
    async fn find_submitted(
        &self,
        request: &VideoRequest,
        window: (std::time::SystemTime, std::time::SystemTime),
    ) -> Result<Option<Task>, VideoError> {
        let _ = (request, window);
        Err(VideoError::configuration(format!(
            "{} cannot recognise lost submissions",
            self.name()
        )))
    }

    /// The error a `Failed` task turns into when waited for. The default is
    /// [`VideoError::TaskFailed`]; a provider that can tell a content-policy rejection from
    /// its message returns [`VideoError::ContentRejected`] (with the task id).
    fn failure_error(&self, task: &Task) -> VideoError {
        failed_task_error(task)
    }
}

/// The error a failed `task` turns into: [`VideoError::ContentRejected`] when
/// `is_content_failure` reads its message as a content-policy refusal (the provider's own
/// codes or phrases), else [`VideoError::TaskFailed`]; both name the task.
///
/// ```
/// use video_core::{Task, TaskStatus, VideoError};
/// let mut task = Task::new("42", TaskStatus::Failed);
/// task.status_message = Some("SAFETY.INPUT.TEXT: blocked".into());
/// let error = video_core::provider::failure_of(&task, |m| m.starts_with("SAFETY."));
/// assert!(matches!(error, VideoError::ContentRejected { .. }));
/// ```
pub fn failure_of(task: &Task, is_content_failure: impl FnOnce(&str) -> bool) -> VideoError {
    let message = task.status_message.as_deref().unwrap_or_default();
    if !is_content_failure(message) {
        return failed_task_error(task);
    }
    VideoError::ContentRejected {
        message: message.to_owned(),
        task_id: Some(task.id.clone()),
        details: crate::error::ErrorDetails::none(),
    }
}

/// The error [`VideoProvider::cancel`] returns by default: `provider` cannot cancel tasks.
pub fn cannot_cancel(provider: &str) -> VideoError {
    VideoError::invalid_by(
        "task",
        crate::Rule::Unsupported,
        format!("{provider} cannot cancel a task (its API has no cancel)"),
    )
}

/// What [`VideoProvider::failure_error`] returns by default: [`VideoError::TaskFailed`] with
/// the task's id and message (for implementations and mocks that keep the default).
pub fn failed_task_error(task: &Task) -> VideoError {
    VideoError::task_failed(
        task.id.clone(),
        task.status_message.clone().unwrap_or_default(),
        crate::error::ErrorDetails::none(),
    )
}

macro_rules! forward_provider {
    ($wrapper:ty) => {
        #[async_trait]
        impl<P: VideoProvider + ?Sized> VideoProvider for $wrapper {
            fn name(&self) -> &str {
                (**self).name()
            }
            fn capabilities(&self) -> &Capabilities {
                (**self).capabilities()
            }
            fn model(&self) -> Option<&str> {
                (**self).model()
            }
            fn validate(&self, request: &VideoRequest) -> Result<(), VideoError> {
                (**self).validate(request)
            }
            async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
                (**self).submit(request).await
            }
            async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
                (**self).task(id).await
            }
            async fn download(&self, video: &crate::Video) -> Result<VideoStream, VideoError> {
                (**self).download(video).await
            }
            async fn long_wait(
                &self,
                id: &TaskId,
                timeout: Duration,
            ) -> Result<Option<Task>, VideoError> {
                (**self).long_wait(id, timeout).await
            }
            async fn find_by_reference(
                &self,
                reference: &str,
                mode: Mode,
            ) -> Result<Option<Task>, VideoError> {
                (**self).find_by_reference(reference, mode).await
            }
            async fn find_submitted(
                &self,
                request: &VideoRequest,
                window: (std::time::SystemTime, std::time::SystemTime),
            ) -> Result<Option<Task>, VideoError> {
                (**self).find_submitted(request, window).await
            }
            async fn cancel(&self, id: &TaskId) -> Result<(), VideoError> {
                (**self).cancel(id).await
            }
            fn failure_error(&self, task: &Task) -> VideoError {
                (**self).failure_error(task)
            }
        }
    };
}

forward_provider!(Arc<P>);
forward_provider!(Box<P>);

/// Compile-time proof that the trait stays object safe and shareable.
const _: () = {
    fn _object_safe(_: &dyn VideoProvider) {}
    fn _shareable<T: Send + Sync + 'static>() {}
    fn _arc_dyn_is_a_provider() {
        _shareable::<Arc<dyn VideoProvider>>();
        fn takes<P: VideoProvider>() {}
        takes::<Arc<dyn VideoProvider>>();
        takes::<Box<dyn VideoProvider>>();
    }
};
