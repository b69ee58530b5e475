//! # video-mock
//!
//! Two ways to test an app built on [`video_core`] without a network or an account:
//!
//! - [`MockProvider`]: a deterministic fake backend. It validates like a real provider,
//!   renders on tokio's clock (instant under `tokio::time::pause()`), follows scripted
//!   outcomes (failures, content rejection, rate limits, transient errors), records every
//!   call and serves small valid MP4 files.
//! - `MockVideoProvider`: a `mockall` mock of the trait, for expectation-style tests
//!   (feature `mockall`, so tools that only need the fake do not link `mockall`).
//!
//! Both are `VideoProvider`s, so an app swaps one for the other (or for a real client) by
//! changing the line that builds its `Arc<dyn VideoProvider>`.

mod builder;
mod id;
#[cfg(feature = "mockall")]
mod mockall_mock;
mod provider;

pub use builder::{MockClock, MockProviderBuilder, Outcome, RenderTime, kling_v2_6_capabilities};
#[cfg(feature = "mockall")]
pub use mockall_mock::MockVideoProvider;
pub use provider::{MOCK_EPOCH_MS, MockCall, MockProvider};

/// The examples of `docs/testing.md`, compiled and run as doc tests.
#[doc = include_str!("../../../docs/testing.md")]
#[cfg(all(doctest, feature = "mockall"))]
pub struct TestingDoctests;
