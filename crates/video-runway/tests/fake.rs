//! The Runway client against the project's fake over real HTTP: the conformance suite
//! (cancel included), THROTTLED reported while over the concurrency limit, cancel at the
//! deadline recorded in the journal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::journal::{EntryState, MemoryStore, TaskStore};
use video_core::provider::testkit::run_all;
use video_core::{
    Pipeline, PollPolicy, RetryPolicy, TaskId, TaskStatus, VideoError, VideoProvider, VideoRequest,
};
use video_fake::conformance::FakeHarness;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};
use video_runway::RunwayClient;

async fn fake_with(render: Duration, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(render)
        .with_video_bytes(16 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn client(fake: &FakeRelay) -> RunwayClient {
    RunwayClient::builder()
        .api_secret(fake.key())
        .base_url(&fake.runway_base_url())
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
    let fake = fake_with(Duration::from_millis(150), Faults::default()).await;
    let provider = client(&fake);
    let harness = FakeHarness::new(fake, provider, policy())
        .with_unknown_task_id(TaskId::new("00000000-0000-0000-0000-000000000000"));
    run_all(&harness).await;
    assert!(harness.fake().counters().cancels >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_over_the_concurrency_limit_is_throttled_not_refused() {
    let mut faults = Faults::default();
    faults.max_running_tasks = Some(1);
    let fake = fake_with(Duration::from_secs(60), faults).await;
    let provider = client(&fake);
    let first = provider.submit(&VideoRequest::new("a fox")).await.unwrap();
    let second = provider
        .submit(&VideoRequest::new("a heron"))
        .await
        .unwrap();
    let seen = provider.task(&second.id).await.unwrap();
    assert_eq!(seen.status, TaskStatus::Submitted);
    assert_eq!(seen.raw_status.as_deref(), Some("THROTTLED"));
    provider.cancel(&first.id).await.unwrap();
    provider.cancel(&second.id).await.unwrap();
    assert_eq!(fake.counters().cancels, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wait_that_gives_up_cancels_and_the_journal_says_so() {
    let fake = fake_with(Duration::from_secs(60), Faults::default()).await;
    let provider = client(&fake);
    let journal = MemoryStore::new();
    let policy = policy()
        .with_deadline(Duration::from_millis(100))
        .with_cancel_on_deadline(true);
    let error = Pipeline::new(&provider)
        .policy(policy)
        .journal(&journal)
        .generate(&VideoRequest::new("a slow fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error.root(), VideoError::WaitTimeout { .. }),
        "{error}"
    );
    assert_eq!(fake.counters().cancels, 1);
    let entry = journal.entries().await.unwrap().entries.remove(0);
    assert_eq!(entry.state, EntryState::Cancelled);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_only_model_refuses_text_before_sending() {
    let fake = fake_with(Duration::from_millis(150), Faults::default()).await;
    let provider = RunwayClient::builder()
        .api_secret(fake.key())
        .base_url(&fake.runway_base_url())
        .model("gen4_turbo")
        .build()
        .unwrap();
    let error = provider
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::InvalidRequest { .. }),
        "{error}"
    );
    assert_eq!(fake.counters().submissions_received, 0);
}
