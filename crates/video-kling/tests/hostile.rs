//! The hostile harness (`video_fake::hostile`) against Kling's own API, with a JWT and with
//! an API key: echoes in every form, hostile ids, huge replies, drip-fed downloads, redirects,
//! mismatched lookups and endless list pages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use video_core::VideoProvider;
use video_fake::FakeRelay;
use video_fake::hostile::{HostileLimits, HostileTarget, run_all};
use video_kling::KlingClient;

struct Kling {
    api_key: bool,
}

impl HostileTarget for Kling {
    fn provider(&self, fake: &FakeRelay, limits: HostileLimits) -> Arc<dyn VideoProvider> {
        let builder = KlingClient::builder()
            .base_url(fake.base_url())
            .max_reply_bytes(limits.max_reply_bytes)
            .download_deadline(limits.download_deadline);
        let builder = if self.api_key {
            builder.api_key(fake.kling_api_key())
        } else {
            builder.access_key(fake.kling_access_key(), fake.kling_secret_key())
        };
        Arc::new(builder.build().unwrap())
    }

    fn secrets(&self, fake: &FakeRelay) -> Vec<String> {
        [
            fake.kling_access_key(),
            fake.kling_secret_key(),
            fake.kling_api_key(),
        ]
        .map(str::to_owned)
        .to_vec()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn kling_with_a_jwt_survives_the_hostile_harness() {
    run_all(&Kling { api_key: false }).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kling_with_an_api_key_survives_the_hostile_harness() {
    run_all(&Kling { api_key: true }).await;
}
