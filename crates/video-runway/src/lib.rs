//! # video-runway
//!
//! Runway's task API as a [`video_core::VideoProvider`]: `POST /v1/text_to_video` or
//! `/v1/image_to_video`, `GET /v1/tasks/{id}`, and cancel by `DELETE /v1/tasks/{id}`, with
//! `X-Runway-Version: 2024-11-06` on every call.
//!
//! - **Statuses**: `PENDING` and `THROTTLED` (accepted, waiting for the organisation's
//!   concurrency) wait, `RUNNING` renders with progress, `SUCCEEDED` names its output URLs,
//!   `FAILED` carries `failureCode` (`SAFETY.*` is
//!   [`video_core::VideoError::ContentRejected`]), `CANCELLED` is failed.
//! - **Cancel**: [`video_core::VideoProvider::cancel`] (and `video cancel`,
//!   `--cancel-on-timeout`) stops a running task.
//! - **Frames**: Runway names a frame by pixels (`1280:720`); the aspect ratio and resolution
//!   asked for map onto each model's list ([`models::MODELS`]).
//! - **Downloads**: output URLs are pre-signed and keyless; an expired one is refreshed by a
//!   query.
//!
//! ```no_run
//! use video_core::{Destination, Pipeline, VideoRequest};
//! use video_runway::RunwayClient;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // RUNWAYML_API_SECRET from the environment.
//! let client = RunwayClient::from_env()?;
//! let request = VideoRequest::builder("a lighthouse in a storm").duration_secs(5).build();
//! let done = Pipeline::new(&client)
//!     .save(Destination::file("lighthouse.mp4"))
//!     .generate(&request)
//!     .await?;
//! println!("task {} saved to {}", done.task.id, done.saved[0].path.display());
//! # Ok(()) }
//! ```
//!
//! Configuration, the failure codes, what was confirmed and what was assumed:
//! `docs/providers/runway.md`.

mod client;
mod config;
mod convert;
pub mod models;
mod wire;

pub use client::RunwayClient;
pub use config::{
    API_VERSION, DEFAULT_BASE_URL, DEFAULT_MODEL, ENV_ALLOW_INSECURE_HTTP, ENV_API_SECRET,
    ENV_BASE_URL, PROVIDER_NAME, RunwayBuilder, configured_in,
};
pub use models::models;
