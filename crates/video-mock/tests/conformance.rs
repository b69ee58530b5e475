//! `MockProvider` passes core's conformance suite, under tokio's paused clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use video_core::provider::testkit::{Conformance, run_all};
use video_core::{PollPolicy, VideoProvider, VideoRequest};
use video_mock::{MockProvider, Outcome};

struct MockHarness {
    mock: MockProvider,
}

#[async_trait]
impl Conformance for MockHarness {
    fn provider(&self) -> &dyn VideoProvider {
        &self.mock
    }

    fn failing_request(&self) -> VideoRequest {
        VideoRequest::new("a fox [fail]")
    }

    async fn throttle_next_submit(&self) {
        self.mock.rate_limit_next_submits(1);
    }

    async fn submissions_received(&self) -> usize {
        self.mock.submissions_received()
    }

    fn poll_policy(&self) -> PollPolicy {
        PollPolicy::default()
    }
}

#[tokio::test(start_paused = true)]
async fn mock_provider_passes_the_conformance_suite() {
    let mock = MockProvider::builder()
        .on_prompt_containing(
            "[fail]",
            Outcome::Fail("Failure to pass the risk control system".into()),
        )
        .build();
    run_all(&MockHarness { mock: mock.clone() }).await;
    assert!(mock.tasks_created() >= 4);
}

#[tokio::test(start_paused = true)]
async fn poll_counted_mock_passes_the_conformance_suite_too() {
    let mock = MockProvider::builder()
        .polls_until_done(3)
        .on_prompt_containing("[fail]", Outcome::Fail("scripted".into()))
        .build();
    run_all(&MockHarness { mock }).await;
}

#[tokio::test(start_paused = true)]
async fn a_mock_that_finds_tasks_by_reference_passes_too() {
    let mock = MockProvider::builder()
        .lookup_by_reference()
        .on_prompt_containing("[fail]", Outcome::Fail("scripted".into()))
        .build();
    assert!(mock.capabilities().lookup_by_reference);
    run_all(&MockHarness { mock }).await;
}

#[tokio::test(start_paused = true)]
async fn a_mock_that_cancels_passes_too() {
    let mock = MockProvider::builder()
        .cancel()
        .on_prompt_containing("[fail]", Outcome::Fail("scripted".into()))
        .build();
    assert!(mock.capabilities().cancel);
    run_all(&MockHarness { mock }).await;
}
