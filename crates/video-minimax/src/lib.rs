//! # video-minimax
//!
//! MiniMax Hailuo's own video API (v1) as a [`video_core::VideoProvider`], and MiniMax's
//! protocol knowledge ([`protocol`]: statuses, `base_resp` codes, per-model rules) that the
//! relay's Hailuo family in `video-dmx` shares.
//!
//! - **Three steps**: `POST /v1/video_generation`, `GET /v1/query/video_generation`, then —
//!   inside `download`, at that moment — `GET /v1/files/retrieve` for a pre-signed link that
//!   lives minutes. The locator journaled is the file id, never the link; an expired link is
//!   `LinkExpired`, and the pipeline queries once more and mints again.
//! - **Errors by body**: `base_resp` codes (1002 rate limit, 1004 auth — answered with HTTP
//!   200 —, 1008 balance, 1026/1027 content, 2013 parameters) before the HTTP status.
//! - **Rules before sending**: 1080P only at 6 s, 2.3-Fast image-only, 512P only for 02 from
//!   a first frame, no aspect ratio.
//! - **Callbacks**: [`parse_callback`] reads the challenge (answer with
//!   [`challenge_reply`] within 3 s) and status deliveries.
//!
//! ```no_run
//! use video_core::{Destination, Pipeline, VideoRequest};
//! use video_minimax::MiniMaxClient;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // MINIMAX_API_KEY (and MINIMAX_BASE_URL=https://api.minimaxi.com for mainland keys).
//! let client = MiniMaxClient::from_env()?;
//! let request = VideoRequest::builder("a paper boat on a rainy street").duration_secs(6).build();
//! let done = Pipeline::new(&client)
//!     .save(Destination::file("boat.mp4"))
//!     .generate(&request)
//!     .await?;
//! println!("task {} saved to {}", done.task.id, done.saved[0].path.display());
//! # Ok(()) }
//! ```
//!
//! Configuration, the code table, what was confirmed and what was assumed:
//! `docs/providers/minimax.md`.

mod callback;
mod client;
mod config;
mod convert;
pub mod protocol;
mod wire;

pub use callback::{Callback, challenge_reply, parse_callback};
pub use client::MiniMaxClient;
pub use config::{
    DEFAULT_BASE_URL, DEFAULT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY, ENV_BASE_URL,
    MAINLAND_BASE_URL, MiniMaxBuilder, PROVIDER_NAME, configured_in,
};

/// Every v1 model with what it accepts (for `video models`).
pub fn models() -> Vec<(&'static str, video_core::Capabilities)> {
    protocol::MODELS
        .iter()
        .map(|model| (*model, protocol::capabilities(model)))
        .collect()
}
