//! The DMXAPI relay front: `POST /v1/responses` (submit and both query forms) as the relay
//! speaks it for Kling v2.6, and for every other family in its own reply style (`families`:
//! Kling v3, Seedance 2.0, Hailuo, Vidu, Wan 2.6, PixVerse V6), on the shared task engine.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use video_fake::{FakeRelay, FakeRelayConfig};
//!
//! let relay = FakeRelay::start(FakeRelayConfig::default()).await?;
//! println!("relay at {} (key {})", relay.base_url(), relay.key());
//! // ... point a KlingDmxClient at relay.base_url() ...
//! assert_eq!(relay.counters().submissions_accepted, 0);
//! relay.stop().await;
//! # Ok(()) }
//! ```
//!
//! It checks the key, validates submissions (code 1201), moves tasks `submitted` →
//! `processing` → `succeed` (or `failed` for prompts with the fail marker) over the render
//! time, answers both query forms, serves each video as a valid MP4 with `Range` support,
//! POSTs callbacks, and injects [`crate::Faults`] on request. Replies are literal JSON written from
//! the protocol notes, independent of the client's wire types.

mod api;
pub(crate) mod families;
mod replies;
pub(crate) mod sse;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use tokio::task::JoinHandle;

use crate::config::FakeRelayConfig;
use crate::engine::{Counters, Engine, video};

/// A running fake server: the DMXAPI relay front (`/v1/responses`) and Kling's own API
/// front (`/v1/videos/*`, see [`crate::kling`]) on one task engine and one port. Stops when
/// [`stop`](Self::stop)ped or dropped.
#[derive(Debug)]
pub struct FakeRelay {
    address: SocketAddr,
    state: Arc<Engine>,
    server: Option<JoinHandle<()>>,
}

impl FakeRelay {
    /// Binds `127.0.0.1:{config.port}` and starts serving in the background.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(config: FakeRelayConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(Engine::new(config, format!("http://{address}")));
        let app = Router::new()
            .route("/v1/responses", post(api::responses))
            .merge(crate::kling::routes())
            .merge(crate::openai::routes())
            .merge(crate::minimax::routes())
            .merge(crate::runway::routes())
            .route("/videos/{file}", get(video::video))
            .route("/debug/counters", get(counters))
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&state),
                crate::echo::layer,
            ))
            .with_state(Arc::clone(&state));
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::warn!(%error, "fake relay stopped with an error");
            }
        });
        Ok(Self {
            address,
            state,
            server: Some(server),
        })
    }

    /// The base URL to give a client: `http://127.0.0.1:{port}` (the host root).
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// Every distinct credential header value requests carried so far (the first 64), oldest
    /// first: what a test checks never reached an output.
    pub fn credentials_seen(&self) -> Vec<String> {
        self.state.seen.all()
    }

    /// Answers the next `count` video downloads (any front) as expired (403 from the CDN,
    /// 410 from a content route); a client that queries the task again gets a working one.
    pub fn expire_next_downloads(&self, count: u32) {
        self.state.expire_next(count);
    }

    /// The base URL of the OpenAI-videos front (`…/openai/v1`; [`key`](Self::key) as
    /// `Bearer`, raw, or in an `api-key` header).
    pub fn openai_base_url(&self) -> String {
        format!("{}/openai/v1", self.state.base_url)
    }

    /// The base URL of the MiniMax front (`…/minimax`; `Bearer` with [`key`](Self::key)).
    pub fn minimax_base_url(&self) -> String {
        format!("{}/minimax", self.state.base_url)
    }

    /// The base URL of the Runway front (`…/runway`; `Bearer` with [`key`](Self::key)).
    pub fn runway_base_url(&self) -> String {
        format!("{}/runway", self.state.base_url)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The text that makes a task fail (a prompt containing it ends `failed`).
    pub fn fail_marker(&self) -> &str {
        &self.state.config.fail_marker
    }

    /// The key the relay front accepts.
    pub fn key(&self) -> &str {
        &self.state.config.key
    }

    /// The access key the Kling front accepts (with [`kling_secret_key`](Self::kling_secret_key)).
    pub fn kling_access_key(&self) -> &str {
        &self.state.config.kling_access_key
    }

    /// The secret key the Kling front verifies tokens with.
    pub fn kling_secret_key(&self) -> &str {
        &self.state.config.kling_secret_key
    }

    /// The API key the Kling front accepts.
    pub fn kling_api_key(&self) -> &str {
        &self.state.config.kling_api_key
    }

    /// The counters so far.
    pub fn counters(&self) -> Counters {
        self.state.counters.snapshot()
    }

    /// Refuses the next `count` submissions with HTTP 429 and Kling code 1303 (no task is
    /// created), whatever the configured faults.
    pub fn refuse_next_submissions(&self, count: u32) {
        self.state.refuse_next(count);
    }

    /// Stops accepting connections.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// Serves until the process receives Ctrl-C (for the `dmx-fake` binary; feature `cli`).
    #[cfg(feature = "cli")]
    pub async fn run_until_ctrl_c(self) {
        let _ = tokio::signal::ctrl_c().await;
        self.stop().await;
    }
}

impl Drop for FakeRelay {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

async fn counters(State(state): State<Arc<Engine>>) -> axum::Json<Counters> {
    axum::Json(state.counters.snapshot())
}
