//! The hostile harness (`video_fake::hostile`) against the openai provider at the fake's
//! front of its API: echoes of the key in every form, hostile ids, huge replies, drip-fed
//! downloads, redirects of the API to another host.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use video_core::VideoProvider;
use video_fake::FakeRelay;
use video_fake::hostile::{HostileLimits, HostileTarget, run_all};
use video_openai::OpenAiClient;

struct Target;

impl HostileTarget for Target {
    fn provider(&self, fake: &FakeRelay, limits: HostileLimits) -> Arc<dyn VideoProvider> {
        let client = OpenAiClient::builder()
            .api_key(fake.key())
            .base_url(&fake.openai_base_url())
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
async fn survives_the_hostile_harness() {
    run_all(&Target).await;
}
