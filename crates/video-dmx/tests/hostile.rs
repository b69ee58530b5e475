//! The relay's families against a hostile relay (the fake's fault modes, the shared
//! harness): an echoed key in every form, hostile task ids, huge replies, a drip-fed
//! download, a cross-host redirect — one family of each reply style (the envelope, the flat
//! object with a minted link, the streamed text).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use video_core::VideoProvider;
use video_dmx::DmxProvider;
use video_fake::FakeRelay;
use video_fake::hostile::{HostileLimits, HostileTarget, run_all};

struct Target(&'static str);

impl HostileTarget for Target {
    fn provider(&self, fake: &FakeRelay, limits: HostileLimits) -> Arc<dyn VideoProvider> {
        let provider = DmxProvider::builder()
            .api_key(fake.key())
            .base_url(fake.base_url())
            .model(self.0)
            .max_reply_bytes(limits.max_reply_bytes)
            .download_deadline(limits.download_deadline)
            .snapshot_window(std::time::Duration::from_millis(500))
            .build()
            .unwrap();
        Arc::new(provider)
    }

    fn secrets(&self, fake: &FakeRelay) -> Vec<String> {
        vec![fake.key().to_owned()]
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn seedance_survives_a_hostile_relay() {
    run_all(&Target("doubao-seedance-2-0-260128")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hailuo_survives_a_hostile_relay() {
    run_all(&Target("MiniMax-Hailuo-2.3")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn vidu_survives_a_hostile_relay() {
    run_all(&Target("viduq3-pro")).await;
}
