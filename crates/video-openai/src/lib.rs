//! # video-openai
//!
//! The OpenAI-compatible `/v1/videos` API as a [`video_core::VideoProvider`]: the shape
//! OpenAI defined for Sora 2 and retired at its own host on 2026-09-24, still served by the
//! LiteLLM proxy, Azure OpenAI and relays. One [`OpenAiClient`] is one model at one base URL.
//!
//! - **Create** as JSON, or as a multipart form when a first frame is uploaded as bytes
//!   (`input_reference` file part; a URL goes as `{"image_url": …}`); `seconds` as a string;
//!   `size` from the resolution and aspect ratio with the model's size table
//!   ([`models::MODELS`]), or the typed option `size` (`1792x1024`).
//! - **Status** `queued` → `in_progress` (with percent progress) → `completed` / `failed`
//!   (`moderation_blocked` is [`video_core::VideoError::ContentRejected`]).
//! - **Download** from the authenticated content endpoint `GET videos/{id}/content`; a
//!   redirect to another origin is followed without the credential; an expired video is
//!   `LinkExpired` (the pipeline queries again).
//! - **Credential** as `Bearer` (default), raw, or Azure's `api-key` header ([`AuthStyle`]).
//! - **Lost replies**: no client reference exists, so resume adopts a task only when exactly
//!   one video of the newest list page matches prompt, model, size, seconds and the
//!   submission's time ([`video_core::VideoProvider::find_submitted`]); [`OpenAiClient::list_recent`]
//!   and [`OpenAiClient::delete`] are there too.
//!
//! ```no_run
//! use video_core::{Destination, Pipeline, VideoRequest};
//! use video_openai::OpenAiClient;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // OPENAI_API_KEY, OPENAI_BASE_URL (a gateway's `…/v1`), OPENAI_AUTH_STYLE.
//! let client = OpenAiClient::from_env()?;
//! let request = VideoRequest::builder("a calico cat playing a piano on stage")
//!     .duration_secs(8)
//!     .build();
//! let done = Pipeline::new(&client)
//!     .save(Destination::file("cat.mp4"))
//!     .generate(&request)
//!     .await?;
//! println!("task {} saved to {}", done.task.id, done.saved[0].path.display());
//! # Ok(()) }
//! ```
//!
//! Configuration, what was confirmed and what was assumed: `docs/providers/openai.md`.

mod client;
mod config;
mod convert;
mod lookup;
pub mod models;
mod wire;

pub use client::OpenAiClient;
pub use config::{
    AuthStyle, DEFAULT_BASE_URL, DEFAULT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY,
    ENV_AUTH_STYLE, ENV_BASE_URL, ENV_MODEL, ENV_ORGANIZATION, ENV_PROJECT, OpenAiBuilder,
    PROVIDER_NAME, configured_in,
};
pub use models::models;
