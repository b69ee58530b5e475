//! # video-core
//!
//! The provider-agnostic contract of the video SDK: the [`VideoProvider`] trait, the types
//! it speaks ([`VideoRequest`], [`Task`], [`Video`]), one error type ([`VideoError`]) and
//! everything that works the same for every provider: [`validate`], waiting ([`wait`],
//! [`watch`]), [`generate`] and [`generate_all`], retries ([`Retrying`]) and saving a video
//! to a file ([`save_to_file`]). It has no HTTP client and knows no provider.
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
//! Enable the `testkit` feature for the conformance suite every provider runs.

mod download;
mod error;
mod generate;
mod journal;
mod policy;
mod provider;
mod request;
mod retry;
pub mod sample;
mod save;
mod task;
#[cfg(feature = "testkit")]
pub mod testkit;
mod validate;
mod wait;

pub use download::VideoStream;
pub use error::{BoxError, EXCERPT_CHARS, RateLimitScope, SubmissionAttempt, VideoError, excerpt};
pub use generate::{Event, Observer, generate, generate_all};
pub use journal::{
    DownloadRecord, EntryId, EntryState, JournalEntry, Listing, MemoryStore, TaskStore,
    UnreadableEntry, generate_journaled, submit_journaled, update_entry, wait_journaled,
};
pub use policy::{PollDelays, PollPolicy, RetryPolicy};
pub use provider::{Capabilities, VideoProvider};
pub use request::{
    AspectRatio, ExtraOptions, ImageInput, Quality, Sound, VideoRequest, VideoRequestBuilder,
};
pub use retry::Retrying;
pub use save::{
    DownloadProgress, IfExists, SaveOptions, SavedVideo, check_output_path, download_to_file,
    remove_stale_parts, save_to_file,
};
pub use task::{Task, TaskId, TaskStatus, Usage, Video, redact_url, unix_millis};
pub use validate::validate;
pub use wait::{wait, watch, watch_submitted};

/// Re-exported so providers implement the trait with the same macro version.
pub use async_trait::async_trait;
