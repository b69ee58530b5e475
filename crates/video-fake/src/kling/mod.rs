//! Kling's own API front (legacy `/v1/videos/*`), on the shared task engine: JWT (or API
//! key) verification with Kling's 1000–1004 codes, both modes, queries by task id or
//! external id, the paged list, duplicate external ids refused, signed callbacks, and the
//! same faults and counters as the relay front.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use video_fake::{FakeRelay, FakeRelayConfig};
//!
//! let server = FakeRelay::start(FakeRelayConfig::default()).await?;
//! // KlingClient::builder().access_key(server.kling_access_key(), server.kling_secret_key())
//! //     .base_url(server.base_url()) ...
//! println!("Kling API at {}", server.base_url());
//! # Ok(()) }
//! ```

mod api;
mod auth;
mod validate;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::engine::Engine;

/// The Kling front's routes.
pub(crate) fn routes() -> Router<Arc<Engine>> {
    Router::new()
        .route("/v1/videos/{family}", post(api::create).get(api::list))
        .route("/v1/videos/{family}/{id}", get(api::query))
}
