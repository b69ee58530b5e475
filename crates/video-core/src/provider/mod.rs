//! What a provider implementor uses: the [`VideoProvider`] trait and its [`Capabilities`]
//! (both also at the crate root), [`VideoStream`], the error helpers ([`BoxError`],
//! [`excerpt`]), time conversions ([`unix_millis`]), a sample MP4 for fakes ([`sample`]) and
//! the conformance suite ([`testkit`], feature `testkit`).

pub mod sample;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use crate::download::VideoStream;
pub use crate::error::{BoxError, EXCERPT_CHARS, excerpt};
pub use crate::task::unix_millis;
/// Re-exported so providers implement the trait with the same macro version.
pub use async_trait::async_trait;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::VideoError;
use crate::request::{AspectRatio, Quality, VideoRequest};
use crate::task::{Task, TaskId};

/// A video generation backend.
///
/// Object safe: apps hold an `Arc<dyn VideoProvider>` and choose the backend at run time.
/// Everything that is the same for every provider (validation, waiting, retries, saving files)
/// lives once in this crate and works through this trait.
///
/// # The contract an implementor keeps
/// - **`submit` validates first**: it calls [`crate::validate`] with its own capabilities and
///   returns [`VideoError::InvalidRequest`] before anything is sent.
/// - **One attempt per call.** A provider never retries on its own; it classifies each
///   failure precisely so core can (see [`VideoError::is_retryable`]). Above all, a failed
///   `submit` says whether the request may have reached the server: `Transport {
///   reached_server: false }` or `RateLimited` only when no task can exist, and
///   [`VideoError::UnknownOutcome`] once the body may have been sent but no reply was read.
/// - `task` is idempotent and returns [`VideoError::NotFound`] for an unknown id; an
///   unrecognised status is [`crate::TaskStatus::Unknown`], not an error.
/// - `download` streams a finished video without buffering it whole, reporting its length
///   when known; an expired link is [`VideoError::LinkExpired`].
/// - Secrets (API keys, signed URLs' query strings) never appear in `Debug`, errors or logs.
#[async_trait]
pub trait VideoProvider: Send + Sync + std::fmt::Debug {
    /// A short, stable name, e.g. `kling-dmx` or `mock`.
    fn name(&self) -> &str;

    /// What this provider accepts; [`crate::validate`] checks requests against it.
    fn capabilities(&self) -> &Capabilities;

    /// Validates and submits one request, returning the new task (usually `Submitted`).
    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError>;

    /// The task's current state (one query).
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

    /// The error a `Failed` task turns into when waited for. The default is
    /// [`VideoError::TaskFailed`]; a provider that can tell a content-policy rejection from
    /// its message returns [`VideoError::ContentRejected`] (with the task id).
    fn failure_error(&self, task: &Task) -> VideoError {
        failed_task_error(task)
    }
}

/// What [`VideoProvider::failure_error`] returns by default: [`VideoError::TaskFailed`] with
/// the task's id and message (for implementations and mocks that keep the default).
pub fn failed_task_error(task: &Task) -> VideoError {
    VideoError::TaskFailed {
        task_id: task.id.clone(),
        message: task.status_message.clone().unwrap_or_default(),
    }
}

/// What a provider accepts. Construct with [`Capabilities::new`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Accepted durations in whole seconds; empty means any.
    pub durations_secs: Vec<u32>,
    /// Accepted aspect ratios; empty means any.
    pub aspect_ratios: Vec<AspectRatio>,
    /// Accepted quality tiers; empty means the option is not supported.
    pub qualities: Vec<Quality>,
    /// Whether the sound option is supported.
    pub sound: bool,
    /// Whether `callback_url` is supported.
    pub callbacks: bool,
    /// What image-to-video accepts; `None` when the provider does only text-to-video.
    pub image_to_video: Option<ImageCapabilities>,
    /// Longest prompt, in characters (not bytes).
    pub max_prompt_chars: usize,
    /// Longest negative prompt, in characters; 0 means negative prompts are not supported.
    pub max_negative_prompt_chars: usize,
    /// Whether [`VideoProvider::long_wait`] is implemented.
    pub long_wait: bool,
}

impl Capabilities {
    /// Capabilities accepting a prompt of up to `max_prompt_chars` characters and no options.
    pub fn new(max_prompt_chars: usize) -> Self {
        Self {
            durations_secs: Vec::new(),
            aspect_ratios: Vec::new(),
            qualities: Vec::new(),
            sound: false,
            callbacks: false,
            image_to_video: None,
            max_prompt_chars,
            max_negative_prompt_chars: 0,
            long_wait: false,
        }
    }

    /// Sets the accepted durations.
    #[must_use]
    pub fn with_durations(mut self, seconds: impl IntoIterator<Item = u32>) -> Self {
        self.durations_secs = seconds.into_iter().collect();
        self
    }

    /// Sets the accepted aspect ratios.
    #[must_use]
    pub fn with_aspect_ratios(mut self, ratios: impl IntoIterator<Item = AspectRatio>) -> Self {
        self.aspect_ratios = ratios.into_iter().collect();
        self
    }

    /// Sets the accepted quality tiers.
    #[must_use]
    pub fn with_qualities(mut self, qualities: impl IntoIterator<Item = Quality>) -> Self {
        self.qualities = qualities.into_iter().collect();
        self
    }

    /// Allows a negative prompt of up to `max_chars` characters.
    #[must_use]
    pub fn with_negative_prompt(mut self, max_chars: usize) -> Self {
        self.max_negative_prompt_chars = max_chars;
        self
    }

    /// Sets whether the sound option is supported.
    #[must_use]
    pub fn with_sound(mut self, supported: bool) -> Self {
        self.sound = supported;
        self
    }

    /// Sets whether callback URLs are supported.
    #[must_use]
    pub fn with_callbacks(mut self, supported: bool) -> Self {
        self.callbacks = supported;
        self
    }

    /// Offers image-to-video with these limits.
    #[must_use]
    pub fn with_image_to_video(mut self, image: ImageCapabilities) -> Self {
        self.image_to_video = Some(image);
        self
    }

    /// Sets whether the provider can wait for a task in one request.
    #[must_use]
    pub fn with_long_wait(mut self, supported: bool) -> Self {
        self.long_wait = supported;
        self
    }
}

/// What a provider's image-to-video accepts: which image forms, a last frame, and the
/// limits it documents. Construct with [`ImageCapabilities::urls`] or
/// [`ImageCapabilities::inline`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageCapabilities {
    /// Images given as `http(s)` URLs the provider fetches.
    pub urls: bool,
    /// Images given as bytes (sent inline).
    pub inline: bool,
    /// A last frame besides the first.
    pub last_frame: bool,
    /// Accepted media types of inline images (e.g. `image/png`); empty means any image.
    pub media_types: Vec<String>,
    /// The largest inline image, in bytes.
    pub max_bytes: Option<u64>,
    /// The shortest side an inline image may have, in pixels.
    pub min_side_px: Option<u64>,
    /// The most elongated inline image accepted: long side over short side (e.g. 2.5).
    pub max_aspect_ratio: Option<f64>,
    /// The quality tiers image-to-video accepts; empty means the same as text-to-video.
    pub qualities: Vec<Quality>,
}

impl ImageCapabilities {
    /// Images as URLs only.
    pub fn urls() -> Self {
        Self {
            urls: true,
            inline: false,
            last_frame: false,
            media_types: Vec::new(),
            max_bytes: None,
            min_side_px: None,
            max_aspect_ratio: None,
            qualities: Vec::new(),
        }
    }

    /// Images as URLs or inline bytes.
    pub fn urls_and_inline() -> Self {
        Self {
            inline: true,
            ..Self::urls()
        }
    }

    /// Sets whether a last frame is accepted.
    #[must_use]
    pub fn with_last_frame(mut self, supported: bool) -> Self {
        self.last_frame = supported;
        self
    }

    /// Sets the accepted media types of inline images.
    #[must_use]
    pub fn with_media_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.media_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the size and shape limits of inline images.
    #[must_use]
    pub fn with_limits(mut self, max_bytes: u64, min_side_px: u64, max_aspect_ratio: f64) -> Self {
        self.max_bytes = Some(max_bytes);
        self.min_side_px = Some(min_side_px);
        self.max_aspect_ratio = Some(max_aspect_ratio);
        self
    }

    /// Sets the quality tiers image-to-video accepts.
    #[must_use]
    pub fn with_qualities(mut self, qualities: impl IntoIterator<Item = Quality>) -> Self {
        self.qualities = qualities.into_iter().collect();
        self
    }
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
