//! # video-kling
//!
//! Kling's own API (the legacy `/v1/videos/*` endpoints: text-to-video and image-to-video)
//! as a [`video_core::VideoProvider`].
//!
//! - **Auth**: an access key and secret key (each request carries an HS256 JWT, minted with
//!   `video_kling_protocol::jwt`, cached, re-minted before it expires and once after Kling
//!   refuses one with 1003/1004), or a single API key (`Bearer`).
//! - **Both modes**: text-to-video, and image-to-video from a URL or inline bytes (sent as raw
//!   base64), with a last frame and voices where the model takes them. Kling's own options
//!   are typed ([`KlingRequestExt`]: `cfg_scale`, [`CameraControl`], voices, watermark) and
//!   checked against the model ([`KlingClientBuilder::model`]) before anything is sent.
//! - **Lost replies are recoverable**: a request's client reference goes out as
//!   `external_task_id`, and [`video_core::VideoProvider::find_by_reference`] finds the task
//!   by it, so `resume` settles a submission whose reply never arrived instead of paying
//!   twice.
//! - **Errors** by Kling's business code before the HTTP status (`video-kling-protocol`).
//!
//! ```no_run
//! use video_core::{Destination, Pipeline, VideoRequest};
//! use video_kling::KlingClient;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // KLING_ACCESS_KEY + KLING_SECRET_KEY (or KLING_API_KEY) from the environment.
//! let client = KlingClient::from_env()?;
//! let request = VideoRequest::builder("a red fox running through fresh snow")
//!     .duration_secs(5)
//!     .build();
//! let done = Pipeline::new(&client)
//!     .save(Destination::file("fox.mp4"))
//!     .generate(&request)
//!     .await?;
//! println!("task {} saved to {}", done.task.id, done.saved[0].path.display());
//! # Ok(()) }
//! ```
//!
//! Options, environment variables, the error table and recovery: `docs/providers/kling.md`.

mod auth;
mod client;
mod config;
mod convert;
mod lookup;
mod models;
mod options;
mod path;
mod wire;

pub use auth::{Credentials, DEFAULT_REFRESH_BEFORE, DEFAULT_TOKEN_LIFETIME, mint_jwt};
pub use client::{KlingClient, PROVIDER_NAME};
pub use config::{
    DEFAULT_BASE_URL, DEFAULT_MODEL, ENV_ACCESS_KEY, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY,
    ENV_BASE_URL, ENV_MODEL, ENV_SECRET_KEY, KlingClientBuilder, configured_in, configured_in_env,
};
pub use models::models;
pub use options::{CameraAxis, CameraConfig, CameraControl, CameraMove, KlingRequestExt};
pub use video_kling_protocol::{
    DEFAULT_WEBHOOK_TOLERANCE, WebhookError, WebhookHeaders, WebhookSecret, parse_callback,
    verify_webhook,
};
