//! # video-dmx
//!
//! The DMXAPI relay's video families on one endpoint and one key: Kling v3, Seedance 2.0,
//! MiniMax Hailuo (2.3, 2.3-Fast, 02), Vidu (q3-pro, q2-pro, q2-ctv), Wan 2.6 and PixVerse
//! V6 (text-to-video), each a
//! [`DmxProvider`] for one model. (Kling v2.6 through the same relay is `video-kling-dmx`,
//! which builds on this crate's configuration and error table.)
//!
//! The relay's mechanics are written once here: `POST {base}/v1/responses` with the raw
//! key, the three reply styles ([`envelope`]: the Responses envelope holding the upstream's
//! JSON as text, the upstream's flat JSON with `usage`; [`sse`]: streamed text), the relay's
//! own errors ([`relay_errors`]), submit then query by the query model recorded as the task
//! id's route, and a link minted at download time. A vendor's knowledge is one module per
//! [`Family`] (`families`), and every model is one row of [`models::MODELS`].
//!
//! ```no_run
//! use video_core::{Destination, Pipeline, VideoRequest};
//! use video_dmx::DmxProvider;
//!
//! # async fn run() -> Result<(), video_core::VideoError> {
//! // DMXAPI_API_KEY (and optionally DMXAPI_BASE_URL) from the environment.
//! let seedance = DmxProvider::from_env("doubao-seedance-2-0-260128")?;
//! let request = VideoRequest::builder("a red fox running through fresh snow")
//!     .duration_secs(5)
//!     .build();
//! let done = Pipeline::new(&seedance)
//!     .save(Destination::file("fox.mp4"))
//!     .generate(&request)
//!     .await?;
//! println!("saved {}", done.saved[0].path.display());
//! # Ok(()) }
//! ```
//!
//! Models, options, limits and what was inferred: `docs/providers/dmx.md`.

mod config;
pub mod envelope;
pub mod families;
mod family;
pub mod models;
mod provider;
mod query;
pub mod relay_errors;
pub mod sse;

#[cfg(test)]
mod fixtures;

pub use config::{
    DEFAULT_BASE_URL, DEFAULT_MODEL, DmxBuilder, ENV_ALLOW_INSECURE_HTTP, ENV_API_KEY,
    ENV_BASE_URL, PROVIDER_NAME, RelayEnv, configured_in, connect, endpoint,
};
pub use family::{Family, LinkStep, ModelRow, Payload, VendorError};
pub use provider::DmxProvider;
