//! # video-kling-dmx
//!
//! Kling v2.6 text-to-video and image-to-video through the DMXAPI relay, as a
//! [`video_core::VideoProvider`].
//!
//! [`KlingDmxClient`] speaks the relay's protocol over HTTPS (rustls, through `video-http`):
//! a submission and a query, both `POST <base>/v1/responses` with the raw key in
//! `Authorization`; the query as one JSON request, or (the long wait, when the policy asks
//! for it) as a server-sent-events request held open until the video is ready. Every call
//! makes one attempt and classifies its failure (above all: may a failed submission have
//! created a paid task?); waiting and retrying are `video-core`'s job.
//!
//! ```no_run
//! use std::time::Duration;
//! use video_core::{Destination, Event, Pipeline, PollPolicy, VideoRequest};
//! use video_kling_dmx::KlingDmxClient;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // DMXAPI_API_KEY (and optionally DMXAPI_BASE_URL) from the environment.
//! let client = KlingDmxClient::from_env()?;
//! let request = VideoRequest::builder("a red fox running through fresh snow")
//!     .duration_secs(5)
//!     .build();
//! let done = Pipeline::new(&client)
//!     .policy(PollPolicy::default())
//!     .save(Destination::file("fox.mp4"))
//!     .on_event(|event| {
//!         if let Event::Submitted(task) = event {
//!             println!("task id: {}", task.id); // store it: the task is paid for
//!         }
//!     })
//!     .generate(&request)
//!     .await?;
//! println!("saved {}", done.saved[0].path.display());
//! # Ok(()) }
//! ```
//!
//! Options, environment variables and the error table: `docs/providers/kling-dmx.md`.

mod client;
mod config;
mod convert;
mod sse;
mod wire;

pub use client::{KlingDmxClient, MODEL, PROVIDER_NAME, capabilities};
pub use config::{
    DEFAULT_BASE_URL, DEFAULT_IMAGE_QUERY_MODEL, DEFAULT_IMAGE_SUBMIT_MODEL, DEFAULT_QUERY_MODEL,
    DEFAULT_SUBMIT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_BASE_URL,
    KlingDmxClientBuilder, QueryForm, configured_in, configured_in_env,
};
pub use video_http::DEFAULT_MAX_REPLY_BYTES;
/// Parses a callback body (the relay forwards Kling's; see [`video_kling_protocol::parse_callback`]).
pub use video_kling_protocol::parse_callback;
