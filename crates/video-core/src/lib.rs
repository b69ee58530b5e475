//! # video-core
//!
//! The provider-agnostic contract of the video SDK and its one pipeline: the
//! [`VideoProvider`] trait, the types it speaks ([`VideoRequest`], [`Task`], [`Video`]), one
//! error type ([`VideoError`]), and everything that works the same for every provider:
//! [`validate`], waiting ([`wait`], [`watch`]), the [`Pipeline`] (submit → wait → save, with
//! an optional journal and observer) and its shortcuts [`generate`] and [`generate_all`],
//! retries ([`Retrying`]) and saving videos ([`save_to_file`], [`download_to_file`]). It has
//! no HTTP client and knows no provider.
//!
//! ```
//! use std::sync::Arc;
//! use video_core::{Capabilities, VideoProvider, VideoRequest, validate};
//!
//! fn check(provider: &Arc<dyn VideoProvider>, prompt: &str) -> bool {
//!     let request = VideoRequest::builder(prompt).duration_secs(5).build();
//!     validate(&request, provider.capabilities()).is_ok()
//! }
//! ```
//!
//! Two namespaces hold the rest: [`journal`] (the task journal and `resume`) and
//! [`provider`] (what an implementor uses: `VideoStream`, error and time helpers, a sample
//! MP4, and the conformance suite with the `testkit` feature).

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cost;
mod download;
mod error;
mod ext;
mod image;
pub mod journal;
mod pipeline;
mod policy;
pub mod provider;
mod request;
mod resolution;
mod retry;
mod save;
mod task;
mod validate;
mod wait;

pub use error::{ErrorDetails, RateLimitScope, Rule, SubmissionAttempt, VideoError};
pub use ext::VideoProviderExt;
pub use image::{DEFAULT_MAX_IMAGE_BYTES, Image, Mode, VideoInput};
pub use pipeline::{
    DEFAULT_MAX_DOWNLOADING, DEFAULT_MAX_QUERYING, DEFAULT_MAX_SUBMITTING, Destination, Event,
    Generated, Job, Observer, Pipeline, Submitted, generate, generate_all,
};
pub use policy::{PollDelays, PollPolicy, RetryPolicy};
pub use provider::{Capabilities, Durations, ImageCapabilities, VideoProvider};
pub use request::{
    AspectRatio, ExtraOptions, Quality, Sound, VideoRequest, VideoRequestBuilder,
    new_client_reference,
};
pub use resolution::Resolution;
pub use retry::Retrying;
pub use save::{
    DownloadProgress, IfExists, SaveOptions, SavedVideo, check_output_path, download_to_file,
    save_to_file,
};
pub use task::{Locator, Task, TaskId, TaskStatus, Usage, Video, redact_url};
pub use validate::validate;
pub use wait::{wait, watch};
