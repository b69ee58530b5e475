//! # video-fake
//!
//! Wire-compatible fakes of the video APIs the SDK speaks: run the real clients end to end
//! with no account and no network, and inject the faults a hostile or flaky server shows.
//!
//! One task engine (render timing, outcomes, faults, counters, callbacks, `Range`
//! downloads of a real MP4) sits behind one front per wire protocol, all on one port: the
//! DMXAPI relay (`/v1/responses`, [`dmx`]: Kling v2.6 and every family `video-dmx` speaks, each
//! in its own reply style), Kling's own API (`/v1/videos/*`, [`kling`]), the OpenAI-compatible
//! `/v1/videos` ([`FakeRelay::openai_base_url`]: JSON or multipart, list, delete, three
//! credential styles, an optional content redirect to another origin), MiniMax's v1 API
//! ([`FakeRelay::minimax_base_url`]: errors with HTTP 200, short-lived links) and Runway's task
//! API ([`FakeRelay::runway_base_url`]: THROTTLED, progress, cancel).
//! [`FakeRelay`] (also [`FakeServer`]) runs them in-process; the `dmx-fake` binary runs them
//! from a shell. Replies are literal JSON written
//! from the protocol notes, never the clients' wire types, so a mistake the two share cannot
//! hide.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use video_fake::{FakeRelay, FakeRelayConfig};
//!
//! let relay = FakeRelay::start(FakeRelayConfig::default()).await?;
//! println!("relay at {} (key {})", relay.base_url(), relay.key());
//! assert_eq!(relay.counters().submissions_accepted, 0);
//! relay.stop().await;
//! # Ok(()) }
//! ```

mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod dmx;
mod echo;
mod engine;
mod faults;
#[cfg(feature = "hostile")]
pub mod hostile;
pub mod kling;
mod minimax;
mod openai;
mod replies;
mod runway;

pub use config::{
    DEFAULT_FAIL_MARKER, DEFAULT_FAKE_KEY, DEFAULT_KLING_ACCESS_KEY, DEFAULT_KLING_API_KEY,
    DEFAULT_KLING_SECRET_KEY, FakeRelayConfig, Faults, RateLimitFault,
};
pub use dmx::FakeRelay;
pub use echo::EchoForm;

/// The running fake server by its general name: both fronts listen on it.
pub type FakeServer = FakeRelay;
pub use engine::Counters;
