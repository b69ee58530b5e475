//! # video-kling-dmx
//!
//! Kling v2.6 text-to-video through the DMXAPI relay, as a [`video_core::VideoProvider`].
//!
//! [`KlingDmxClient`] speaks the relay's protocol over HTTPS (rustls): a submission and a
//! query, both `POST <base>/v1/responses` with the raw key in `Authorization`; the query as
//! one JSON request ([`QueryMode::Json`], the default) or, with [`QueryMode::Stream`], as a
//! long server-sent-events request that ends when the video is ready. Every call makes one
//! attempt and classifies its failure (above all: may a failed submission have created a
//! paid task?); waiting and retrying are `video-core`'s job.
//!
//! ```no_run
//! use std::time::Duration;
//! use video_core::{Event, PollPolicy, SaveOptions, VideoRequest, download_to_file, generate};
//! use video_kling_dmx::KlingDmxClient;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // DMXAPI_API_KEY (and optionally DMXAPI_BASE_URL) from the environment.
//! let client = KlingDmxClient::from_env()?;
//! let request = VideoRequest::builder("a red fox running through fresh snow")
//!     .duration_secs(5)
//!     .build();
//! let task = generate(&client, &request, &PollPolicy::default(), &|event: &Event<'_>| {
//!     if let Event::Submitted(task) = event {
//!         println!("task id: {}", task.id); // store it: the task is paid for
//!     }
//! })
//! .await?;
//! let path = std::path::Path::new("fox.mp4");
//! download_to_file(&client, &task.videos[0], path, SaveOptions::new()).await?;
//! # Ok(()) }
//! ```
//!
//! Options, environment variables and the error table: `docs/providers/kling-dmx.md`.

mod body;
mod callback;
mod client;
mod config;
mod convert;
mod download;
#[cfg(feature = "fake-server")]
pub mod fake;
mod scrub;
mod sse;
mod wire;

pub use callback::parse_callback;
pub use client::{KlingDmxClient, PROVIDER_NAME};
pub use config::{
    DEFAULT_BASE_URL, DEFAULT_MAX_REPLY_BYTES, DEFAULT_QUERY_MODEL, DEFAULT_SUBMIT_MODEL,
    ENV_API_KEY, ENV_BASE_URL, KlingDmxClientBuilder, QueryMode,
};
