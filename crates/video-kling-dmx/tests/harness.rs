//! The hostile harness (`video_fake::hostile`) against the relay's Kling: echoes in every
//! form, hostile ids, huge replies, drip-fed downloads and redirects (the relay has no lookup,
//! so the lookup checks are skipped by capability).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use video_core::VideoProvider;
use video_fake::FakeRelay;
use video_fake::hostile::{HostileLimits, HostileTarget, run_all};
use video_kling_dmx::KlingDmxClient;

struct Relay;

impl HostileTarget for Relay {
    fn provider(&self, fake: &FakeRelay, limits: HostileLimits) -> Arc<dyn VideoProvider> {
        let client = KlingDmxClient::builder()
            .api_key(fake.key())
            .base_url(fake.base_url())
            .max_reply_bytes(limits.max_reply_bytes)
            .download_deadline(limits.download_deadline)
            .build()
            .unwrap();
        Arc::new(client)
    }

    fn secrets(&self, fake: &FakeRelay) -> Vec<String> {
        vec![fake.key().to_owned()]
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_relay_survives_the_hostile_harness() {
    run_all(&Relay).await;
}
