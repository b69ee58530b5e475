//! Waiting under tokio's paused clock: exact schedules, deadline, cancellation, retry-after
//! and transient errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scripted, task};
use futures::StreamExt;
use video_core::{
    PollPolicy, RateLimitScope, TaskId, TaskStatus, VideoError, VideoProvider, wait, watch,
};

fn processing() -> Result<video_core::Task, VideoError> {
    Ok(task("t1", TaskStatus::Processing))
}

fn no_jitter() -> PollPolicy {
    PollPolicy::default().with_jitter(0.0)
}

fn id() -> TaskId {
    TaskId::new("t1")
}

#[tokio::test(start_paused = true)]
async fn default_policy_follows_the_exact_schedule() {
    let provider = Scripted::new()
        .query_answers((0..7).map(|_| processing()))
        .then_answer(task("t1", TaskStatus::Succeeded));
    let done = wait(&provider, &id(), &no_jitter()).await.unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    // At once, then 45 s, then 6 s growing by 1.1 up to 9 s.
    assert_eq!(
        provider.query_millis(),
        vec![0, 45_000, 51_000, 57_600, 64_860, 72_846, 81_631, 90_631]
    );
}

#[tokio::test(start_paused = true)]
async fn seeded_jitter_gives_the_same_schedule_twice() {
    let policy = PollPolicy::default().with_seed(42);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let provider = Scripted::new()
            .query_answers((0..5).map(|_| processing()))
            .then_answer(task("t1", TaskStatus::Succeeded));
        wait(&provider, &id(), &policy).await.unwrap();
        runs.push(provider.query_millis());
    }
    assert_eq!(runs[0], runs[1]);
    assert_ne!(runs[0], vec![0, 45_000, 51_000, 57_600, 64_860, 72_846]);
}

#[tokio::test(start_paused = true)]
async fn deadline_ends_with_the_last_snapshot() {
    let provider = Scripted::new().then_answer(task("t1", TaskStatus::Processing));
    let policy = PollPolicy::fixed(Duration::from_secs(20)).with_deadline(Duration::from_secs(50));
    let started = tokio::time::Instant::now();
    let error = wait(&provider, &id(), &policy).await.unwrap_err();
    // Queries at 0, 20 and 40; the next would come after the deadline (50): timeout at 50.
    assert_eq!(provider.query_millis(), vec![0, 20_000, 40_000]);
    assert_eq!(started.elapsed(), Duration::from_secs(50));
    match error {
        VideoError::WaitTimeout { task_id, last } => {
            assert_eq!(task_id, id());
            assert_eq!(last.unwrap().status, TaskStatus::Processing);
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn dropping_the_wait_stops_all_queries() {
    let provider = Scripted::new().then_answer(task("t1", TaskStatus::Processing));
    let policy = PollPolicy::fixed(Duration::from_secs(10));
    let task_id = id();
    tokio::select! {
        _ = wait(&provider, &task_id, &policy) => panic!("wait must not finish"),
        () = tokio::time::sleep(Duration::from_secs(25)) => {}
    }
    assert_eq!(provider.query_millis(), vec![0, 10_000, 20_000]);
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(
        provider.query_millis().len(),
        3,
        "a dropped wait kept querying"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_delays_the_next_query() {
    let limited = Err(VideoError::RateLimited {
        scope: RateLimitScope::Requests,
        retry_after: Some(Duration::from_secs(30)),
        message: "slow down".into(),
        details: video_core::ErrorDetails::none(),
    });
    let provider = Scripted::new()
        .query_answers([processing(), limited])
        .then_answer(task("t1", TaskStatus::Succeeded));
    let policy = PollPolicy::fixed(Duration::from_secs(5));
    wait(&provider, &id(), &policy).await.unwrap();
    assert_eq!(provider.query_millis(), vec![0, 5_000, 35_000]);
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_retried_on_schedule() {
    let transient = || {
        Err(VideoError::provider(
            "unavailable",
            true,
            video_core::ErrorDetails::none().with_code("5001"),
        ))
    };
    let provider = Scripted::new()
        .query_answers([
            transient(),
            Err(VideoError::transport(true, "reset")),
            transient(),
        ])
        .then_answer(task("t1", TaskStatus::Succeeded));
    let policy = PollPolicy::fixed(Duration::from_secs(2));
    let done = wait(&provider, &id(), &policy).await.unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(provider.query_millis(), vec![0, 2_000, 4_000, 6_000]);
}

#[tokio::test(start_paused = true)]
async fn non_retryable_errors_end_the_wait_at_once() {
    let provider = Scripted::new().query_answers([Err(VideoError::Unauthorized {
        message: "bad key".into(),
        details: video_core::ErrorDetails::none(),
    })]);
    let error = wait(&provider, &id(), &PollPolicy::default())
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::Unauthorized { .. }));
    assert_eq!(provider.query_millis(), vec![0]);
    // Unknown task: the scripted provider answers NotFound once its queue is empty.
    let error = wait(&Scripted::new(), &id(), &PollPolicy::default())
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::NotFound { task_id } if task_id == id()));
}

#[tokio::test(start_paused = true)]
async fn a_failed_task_is_an_error_naming_it() {
    let provider = Scripted::new().then_answer(task("t1", TaskStatus::Failed));
    let error = wait(&provider, &id(), &PollPolicy::default())
        .await
        .unwrap_err();
    match error {
        VideoError::TaskFailed {
            task_id, message, ..
        } => {
            assert_eq!(task_id, id());
            assert_eq!(message, "scripted failure");
        }
        other => panic!("expected TaskFailed, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn watch_yields_each_status_change_once() {
    let provider = Scripted::new()
        .query_answers([
            Ok(task("t1", TaskStatus::Submitted)),
            processing(),
            processing(),
            Ok(task("t1", TaskStatus::Unknown("queued".into()))),
            processing(),
        ])
        .then_answer(task("t1", TaskStatus::Succeeded));
    let policy = PollPolicy::fixed(Duration::from_secs(1));
    let statuses: Vec<TaskStatus> = watch(&provider, &id(), &policy)
        .map(|item| item.unwrap().status)
        .collect()
        .await;
    assert_eq!(
        statuses,
        vec![
            TaskStatus::Submitted,
            TaskStatus::Processing,
            TaskStatus::Unknown("queued".into()),
            TaskStatus::Processing,
            TaskStatus::Succeeded
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn long_wait_replaces_polling_when_offered() {
    let provider = Scripted::new()
        .with_long_wait()
        .long_wait_answers([Ok(Some(task("t1", TaskStatus::Succeeded)))]);
    assert!(provider.capabilities().long_wait);
    let done = wait(
        &provider,
        &id(),
        &PollPolicy::default().with_long_wait(true),
    )
    .await
    .unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert!(provider.query_millis().is_empty(), "no polling expected");
    // Off by default: the policy is the one switch.
    let polled = Scripted::new()
        .with_long_wait()
        .long_wait_answers([Ok(Some(task("t1", TaskStatus::Succeeded)))])
        .then_answer(task("t1", TaskStatus::Succeeded));
    wait(&polled, &id(), &PollPolicy::fixed(Duration::from_secs(1)))
        .await
        .unwrap();
    assert_eq!(polled.query_millis(), vec![0]);
}

#[tokio::test(start_paused = true)]
async fn long_wait_failure_falls_back_to_polling() {
    let provider = Scripted::new()
        .with_long_wait()
        .long_wait_answers([Err(VideoError::transport(true, "stream dropped"))])
        .then_answer(task("t1", TaskStatus::Succeeded));
    let policy = PollPolicy::fixed(Duration::from_secs(3)).with_long_wait(true);
    wait(&provider, &id(), &policy).await.unwrap();
    assert_eq!(provider.query_millis(), vec![0]);

    let disabled = Scripted::new()
        .with_long_wait()
        .long_wait_answers([Ok(Some(task("t1", TaskStatus::Failed)))])
        .then_answer(task("t1", TaskStatus::Succeeded));
    wait(&disabled, &id(), &policy.with_long_wait(false))
        .await
        .unwrap();
    assert_eq!(
        disabled.query_millis(),
        vec![0],
        "policy disabled the long wait"
    );
}

#[tokio::test(start_paused = true)]
async fn a_query_in_flight_at_the_deadline_is_cut_off_there() {
    let mut provider = Scripted::new().then_answer(task("t1", TaskStatus::Processing));
    provider.query_delay = Duration::from_secs(60);
    let policy = PollPolicy::fixed(Duration::from_secs(5)).with_deadline(Duration::from_secs(30));
    let started = tokio::time::Instant::now();
    let error = wait(&provider, &id(), &policy).await.unwrap_err();
    assert!(
        matches!(error, VideoError::WaitTimeout { last: None, .. }),
        "{error:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn an_endless_deadline_does_not_overflow() {
    let provider = Scripted::new()
        .query_answers([processing()])
        .then_answer(task("t1", TaskStatus::Succeeded));
    let policy = PollPolicy::fixed(Duration::from_secs(1)).with_deadline(Duration::MAX);
    assert_eq!(
        wait(&provider, &id(), &policy).await.unwrap().status,
        TaskStatus::Succeeded
    );
}
