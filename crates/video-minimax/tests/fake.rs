//! The MiniMax client against the project's fake over real HTTP: the conformance suite (a
//! link minted at download time, minted again once it expired), errors answered with HTTP
//! 200, rules refused before sending.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::provider::testkit::run_all;
use video_core::{
    Destination, Pipeline, PollPolicy, Resolution, RetryPolicy, TaskId, VideoError, VideoRequest,
};
use video_fake::conformance::FakeHarness;
use video_fake::{FakeRelay, FakeRelayConfig};
use video_minimax::MiniMaxClient;

async fn fake() -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(150))
        .with_video_bytes(16 * 1024);
    FakeRelay::start(config).await.unwrap()
}

fn client(fake: &FakeRelay, key: &str) -> MiniMaxClient {
    MiniMaxClient::builder()
        .api_key(key)
        .base_url(&fake.minimax_base_url())
        .build()
        .unwrap()
}

fn policy() -> PollPolicy {
    let retry = RetryPolicy::default()
        .with_delays(Duration::from_millis(5), Duration::from_millis(40))
        .with_jitter(0.0);
    PollPolicy::fixed(Duration::from_millis(20))
        .with_deadline(Duration::from_secs(20))
        .with_submit_retry(retry)
}

#[tokio::test(flavor = "multi_thread")]
async fn passes_the_conformance_suite() {
    let fake = fake().await;
    let provider = client(&fake, fake.key());
    let harness = FakeHarness::new(fake, provider, policy())
        .with_unknown_task_id(TaskId::new("106916112212032"));
    run_all(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_is_minted_again_and_never_journaled() {
    let fake = fake().await;
    let provider = client(&fake, fake.key());
    fake.expire_next_downloads(1);
    let folder = tempfile::tempdir().unwrap();
    let done = Pipeline::new(&provider)
        .policy(policy())
        .save(Destination::file(folder.path().join("boat.mp4")))
        .generate(&VideoRequest::new("a paper boat"))
        .await
        .unwrap();
    assert!(done.saved[0].bytes > 0);
    let locator = done.task.videos[0]
        .locator
        .provider_ref()
        .unwrap()
        .to_owned();
    assert!(locator.starts_with("file/"), "{locator}");
    assert_eq!(fake.counters().lookups, 2, "a link minted for each try");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_answered_with_http_200_is_unauthorized() {
    let fake = fake().await;
    let provider = client(&fake, "wrong-key");
    let error = Pipeline::new(&provider)
        .policy(policy())
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::Unauthorized { .. }), "{error}");
    assert_eq!(fake.counters().submissions_accepted, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_across_fields_are_refused_before_sending() {
    let fake = fake().await;
    let provider = client(&fake, fake.key());
    let long_hd = VideoRequest::builder("a fox")
        .duration_secs(10)
        .resolution(Resolution::P1080)
        .build();
    let error = Pipeline::new(&provider).submit(&long_hd).await.unwrap_err();
    assert!(
        matches!(error, VideoError::InvalidRequest { .. }),
        "{error}"
    );
    assert_eq!(fake.counters().submissions_received, 0);
}
