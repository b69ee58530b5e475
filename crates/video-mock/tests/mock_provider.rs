//! The mock's own promises: determinism, scripted outcomes, recorded calls, valid MP4s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::provider::sample::looks_like_mp4;
use video_core::{PollPolicy, TaskStatus, VideoError, VideoProvider, VideoRequest, generate, wait};
use video_mock::{MockCall, MockClock, MockProvider, Outcome};

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_secs(5))
}

async fn run_once(seed: u64) -> (Vec<String>, Vec<u8>, Vec<MockCall>) {
    let mock = MockProvider::builder()
        .seed(seed)
        .render_time(Duration::from_secs(20))
        .build();
    let mut ids = Vec::new();
    let mut bytes = Vec::new();
    for prompt in ["one", "two"] {
        let task = generate(&mock, &VideoRequest::new(prompt), &policy())
            .await
            .unwrap();
        ids.push(task.id.to_string());
        let stream = mock.download(&task.videos[0]).await.unwrap();
        bytes = stream.collect_bytes().await.unwrap();
    }
    // The pipeline gives each submission a fresh random client reference: not the mock's.
    let calls = mock
        .calls()
        .into_iter()
        .map(|call| match call {
            MockCall::Submit(mut request) => {
                assert!(request.client_reference.take().is_some());
                MockCall::Submit(request)
            }
            other => other,
        })
        .collect();
    (ids, bytes, calls)
}

#[tokio::test(start_paused = true)]
async fn same_seed_and_calls_give_the_same_ids_timings_and_bytes() {
    let first = run_once(7).await;
    let second = run_once(7).await;
    assert_eq!(first, second);
    let other_seed = run_once(8).await;
    assert_eq!(first.0, other_seed.0, "ids do not depend on the seed");
    assert_ne!(first.1, other_seed.1, "bytes do");
    assert!(looks_like_mp4(&first.1));
    assert_eq!(first.1.len(), 16 * 1024);
}

#[tokio::test(start_paused = true)]
async fn render_time_is_virtual_and_exact() {
    let mock = MockProvider::builder()
        .render_time(Duration::from_secs(75))
        .build();
    let started = tokio::time::Instant::now();
    let task = generate(&mock, &VideoRequest::new("fox"), &policy())
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(started.elapsed(), Duration::from_secs(75));
    assert_eq!(task.raw_status.as_deref(), Some("succeed"));
    assert_eq!(task.videos[0].duration_secs, Some(5.041));
    let queries = mock
        .calls()
        .iter()
        .filter(|c| matches!(c, MockCall::Task(_)))
        .count();
    assert_eq!(queries, 15);
}

#[tokio::test(start_paused = true)]
async fn polls_until_done_counts_queries() {
    let mock = MockProvider::builder().polls_until_done(4).build();
    let task = mock.submit(&VideoRequest::new("fox")).await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            mock.task(&task.id).await.unwrap().status,
            TaskStatus::Processing
        );
    }
    assert_eq!(
        mock.task(&task.id).await.unwrap().status,
        TaskStatus::Succeeded
    );
}

#[tokio::test(start_paused = true)]
async fn scripted_outcomes_by_prompt_and_by_call() {
    let mock = MockProvider::builder()
        .render_time(Duration::from_secs(10))
        .on_prompt_containing("storm", Outcome::Fail("renderer crashed".into()))
        .on_prompt_containing("gore", Outcome::RejectContent("policy".into()))
        .outcome_for_call(2, Outcome::Fail("third call fails".into()))
        .build();
    let error = generate(&mock, &VideoRequest::new("a storm"), &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, VideoError::TaskFailed { message, .. } if message == "renderer crashed")
    );
    let error = mock.submit(&VideoRequest::new("gore")).await.unwrap_err();
    assert!(matches!(error, VideoError::ContentRejected { .. }));
    let error = generate(&mock, &VideoRequest::new("calm"), &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, VideoError::TaskFailed { message, .. } if message == "third call fails")
    );
    assert!(
        generate(&mock, &VideoRequest::new("calm"), &policy())
            .await
            .is_ok()
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limits_and_transient_errors_are_scripted() {
    let mock = MockProvider::builder()
        .render_time(Duration::from_secs(10))
        .rate_limit_next_submits(2)
        .transient_query_errors(2)
        .build();
    let task = generate(&mock, &VideoRequest::new("fox"), &policy())
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(mock.submissions_received(), 3);
    assert_eq!(mock.tasks_created(), 1);
}

#[tokio::test(start_paused = true)]
async fn invalid_requests_are_recorded_but_not_received() {
    let mock = MockProvider::new();
    let error = mock
        .submit(&VideoRequest::builder("fox").duration_secs(7).build())
        .await;
    assert!(matches!(error, Err(VideoError::InvalidRequest { .. })));
    assert_eq!(mock.calls().len(), 1);
    assert_eq!(mock.submissions_received(), 0);
}

#[tokio::test(start_paused = true)]
async fn another_mock_with_the_same_config_answers_for_an_id() {
    let config = MockProvider::builder()
        .clock(MockClock::Wall)
        .render_time(Duration::ZERO)
        .on_prompt_containing("[x]", Outcome::Fail("scripted x".into()));
    let first = config.clone().build();
    let ok = first.submit(&VideoRequest::new("fox")).await.unwrap();
    let failing = first.submit(&VideoRequest::new("[x]")).await.unwrap();
    let second = config.build();
    assert_eq!(
        second.task(&ok.id).await.unwrap().status,
        TaskStatus::Succeeded
    );
    let error = wait(&second, &failing.id, &policy()).await.unwrap_err();
    assert!(matches!(&error, VideoError::TaskFailed { message, .. } if message == "scripted x"));
    let video = second.task(&ok.id).await.unwrap().videos.remove(0);
    let bytes = second
        .download(&video)
        .await
        .unwrap()
        .collect_bytes()
        .await
        .unwrap();
    assert!(looks_like_mp4(&bytes));
}

#[tokio::test(start_paused = true)]
async fn ids_repeat_with_a_seed_and_differ_without() {
    let first_id = |mock: MockProvider| async move {
        mock.submit(&VideoRequest::new("fox")).await.unwrap().id
    };
    let seeded = |seed| MockProvider::builder().seed(seed).build();
    assert_eq!(first_id(seeded(7)).await, first_id(seeded(7)).await);
    let unseeded: Vec<_> = [
        MockProvider::new(),
        MockProvider::new(),
        MockProvider::new(),
    ]
    .into_iter()
    .map(first_id)
    .collect();
    let mut ids = Vec::new();
    for id in unseeded {
        ids.push(id.await);
    }
    ids.dedup();
    assert!(
        ids.len() > 1,
        "unseeded mocks must not repeat ids across runs: {ids:?}"
    );
}
