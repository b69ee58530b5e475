//! `generate`, `generate_all` and `Retrying` under tokio's paused clock: what is retried,
//! what never is, and what the observer hears.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{Scripted, task};
use futures::StreamExt;
use tokio::time::Instant;
use video_core::{
    Event, Pipeline, PollPolicy, RateLimitScope, RetryPolicy, Retrying, SubmissionAttempt, TaskId,
    TaskStatus, VideoError, VideoProvider, VideoRequest, generate, generate_all,
};

fn request() -> VideoRequest {
    VideoRequest::builder("a fox").duration_secs(5).build()
}

fn rate_limited(scope: RateLimitScope, after: Option<u64>) -> Result<video_core::Task, VideoError> {
    Err(VideoError::RateLimited {
        scope,
        retry_after: after.map(Duration::from_secs),
        message: "limited".into(),
        details: video_core::ErrorDetails::none(),
    })
}

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_secs(5))
        .with_submit_retry(RetryPolicy::default().with_jitter(0.0))
}

#[tokio::test(start_paused = true)]
async fn observer_hears_submitted_first_then_changes_then_finished() {
    let provider = Scripted::new()
        .query_answers([Ok(task("task-0", TaskStatus::Processing))])
        .then_answer(task("task-0", TaskStatus::Succeeded));
    let events = Mutex::new(Vec::new());
    let observer = |event: &Event<'_>| {
        let line = match event {
            Event::Submitted(t) => format!("submitted {}", t.id),
            Event::StatusChanged(t) => format!("changed {}", t.status),
            Event::Finished(t) => format!("finished {}", t.status),
            Event::SubmitRetry { .. } => "retry".to_owned(),
            _ => "other".to_owned(),
        };
        events.lock().unwrap().push(line);
    };
    let done = Pipeline::new(&provider)
        .policy(policy())
        .on_event(observer)
        .generate(&request())
        .await
        .unwrap();
    assert_eq!(done.task.status, TaskStatus::Succeeded);
    assert_eq!(
        events.into_inner().unwrap(),
        [
            "submitted task-0",
            "changed processing",
            "changed succeeded",
            "finished succeeded"
        ]
    );
    // First query comes after the first delay, not at once: the task was just submitted.
    assert_eq!(provider.query_millis(), vec![5_000, 10_000]);
}

#[tokio::test(start_paused = true)]
async fn invalid_requests_are_refused_before_submitting() {
    let provider = Scripted::new();
    let error = generate(&provider, &VideoRequest::new(" "), &policy())
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::InvalidRequest { field, .. } if field == "prompt"));
    let bad_duration = VideoRequest::builder("fox").duration_secs(7).build();
    assert!(generate(&provider, &bad_duration, &policy()).await.is_err());
    assert_eq!(provider.submits(), 0);
}

#[tokio::test(start_paused = true)]
async fn unaccepted_submissions_are_retried_with_backoff_and_retry_after() {
    let provider = Scripted::new()
        .submit_answers([
            rate_limited(RateLimitScope::Requests, Some(3)),
            Err(VideoError::transport(false, "connection refused")),
            rate_limited(RateLimitScope::Concurrency, None),
        ])
        .then_answer(task("x", TaskStatus::Succeeded));
    let pauses = Mutex::new(Vec::new());
    let observer = |event: &Event<'_>| {
        if let Event::SubmitRetry { pause, .. } = event {
            pauses.lock().unwrap().push(pause.as_secs());
        }
    };
    let started = Instant::now();
    Pipeline::new(&provider)
        .policy(policy())
        .on_event(observer)
        .generate(&request())
        .await
        .unwrap();
    assert_eq!(provider.submits(), 4);
    // Backoff 1 s raised to retry-after 3 s; 2 s; 4 s raised to the 30 s concurrency floor.
    assert_eq!(pauses.into_inner().unwrap(), vec![3, 2, 30]);
    assert_eq!(started.elapsed(), Duration::from_secs(3 + 2 + 30 + 5));
}

#[tokio::test(start_paused = true)]
async fn ambiguous_submission_failures_are_never_retried() {
    let ambiguous = [
        Err(VideoError::transport(
            true,
            "connection reset after sending",
        )),
        Err(VideoError::Timeout {
            elapsed: Duration::from_secs(60),
        }),
        Err(VideoError::UnknownOutcome {
            attempt: Box::new(SubmissionAttempt::new("scripted", request())),
            source: "no reply".into(),
        }),
        Err(VideoError::provider(
            "server error",
            true,
            video_core::ErrorDetails::none().with_code("5000"),
        )),
        Err(VideoError::QuotaExceeded {
            message: "pack used up".into(),
            details: video_core::ErrorDetails::none(),
        }),
    ];
    for answer in ambiguous {
        let original = answer.as_ref().unwrap_err();
        let kind = original.kind();
        // A refusal comes back as it is; anything that may hide a task as an unknown outcome
        // (carrying the original error as its source).
        let expected = if original.is_refused_submission() {
            kind
        } else {
            "unknown_outcome"
        };
        let provider = Scripted::new().submit_answers([answer]);
        let error = generate(&provider, &request(), &policy())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), expected, "{kind}");
        assert_eq!(provider.submits(), 1, "{kind} was resubmitted");
    }
}

#[tokio::test(start_paused = true)]
async fn submission_retries_are_bounded() {
    let provider = Scripted::new()
        .submit_answers((0..10).map(|_| rate_limited(RateLimitScope::Requests, None)));
    let policy = policy().with_submit_retry(RetryPolicy::default().with_max_retries(2));
    let error = generate(&provider, &request(), &policy).await.unwrap_err();
    assert!(matches!(error, VideoError::RateLimited { .. }));
    assert_eq!(provider.submits(), 3);
}

#[tokio::test(start_paused = true)]
async fn generate_all_bounds_concurrency_and_keeps_going_after_a_failure() {
    let mut provider = Scripted::new()
        .submit_answers([
            Ok(task("a", TaskStatus::Submitted)),
            Err(VideoError::QuotaExceeded {
                message: "no".into(),
                details: video_core::ErrorDetails::none(),
            }),
        ])
        .then_answer(task("any", TaskStatus::Succeeded));
    provider.submit_delay = Duration::from_secs(1);
    let requests: Vec<VideoRequest> = (0..10).map(|_| request()).collect();
    let policy = policy();
    let results: Vec<_> = generate_all(&provider, requests, &policy, 3)
        .collect()
        .await;
    assert_eq!(results.len(), 10);
    assert_eq!(provider.max_in_flight.load(Ordering::SeqCst), 3);
    let failures: Vec<usize> = results
        .iter()
        .filter(|(_, result)| result.is_err())
        .map(|(index, _)| *index)
        .collect();
    assert_eq!(failures, vec![1]);
}

#[tokio::test(start_paused = true)]
async fn batch_streams_can_be_polled_without_pinning() {
    let provider = Scripted::new().then_answer(task("t", TaskStatus::Succeeded));
    let policy = policy();
    // `next()` needs `Unpin`: both batch streams are, so callers need no `pin!`.
    let mut plain = generate_all(&provider, vec![request()], &policy, 2);
    let (index, result) = plain.next().await.expect("one result");
    assert_eq!(index, 0);
    assert_eq!(result.unwrap().status, TaskStatus::Succeeded);
    let pipeline = Pipeline::new(&provider).policy(policy.clone());
    let mut jobs = pipeline.generate_all((0..2).map(|_| request()), 2);
    let mut seen = vec![jobs.next().await.unwrap().0, jobs.next().await.unwrap().0];
    seen.sort_unstable();
    assert_eq!(seen, vec![0, 1]);
    assert!(jobs.next().await.is_none());
}

#[tokio::test(start_paused = true)]
async fn retrying_wrapper_retries_queries_but_not_ambiguous_submits() {
    let inner = Scripted::new()
        .query_answers([
            Err(VideoError::transport(true, "reset")),
            Err(VideoError::decode(Some(502), "not JSON", b"<html>")),
        ])
        .then_answer(task("t", TaskStatus::Processing))
        .submit_answers([Err(VideoError::transport(true, "reset"))]);
    let provider = Retrying::with_policy(inner, RetryPolicy::default().with_jitter(0.0));
    let started = Instant::now();
    let snapshot = provider.task(&TaskId::new("t")).await.unwrap();
    assert_eq!(snapshot.status, TaskStatus::Processing);
    assert_eq!(provider.inner().query_millis(), vec![0, 1_000, 3_000]);
    assert_eq!(started.elapsed(), Duration::from_secs(3));

    assert!(provider.submit(&request()).await.is_err());
    assert_eq!(provider.inner().submits(), 1);
    assert_eq!(provider.name(), "scripted");
}

#[tokio::test(start_paused = true)]
async fn retrying_wrapper_gives_up_on_permanent_query_errors() {
    let inner = Scripted::new();
    let provider = Retrying::new(inner);
    let error = provider.task(&TaskId::new("gone")).await.unwrap_err();
    assert!(matches!(error, VideoError::NotFound { .. }));
    assert_eq!(provider.inner().query_millis().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_is_returned_not_slept() {
    let provider =
        Scripted::new().submit_answers([rate_limited(RateLimitScope::Requests, Some(86_400))]);
    let started = Instant::now();
    let error = generate(&provider, &request(), &policy())
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::RateLimited { .. }));
    assert_eq!(provider.submits(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_closure_observer_needs_no_annotation_and_a_batch_names_every_job() {
    let provider = Scripted::new()
        .submit_answers([
            Ok(task("a", TaskStatus::Submitted)),
            Ok(task("b", TaskStatus::Submitted)),
        ])
        .then_answer(task("any", TaskStatus::Succeeded));
    let seen = Mutex::new(Vec::new());
    let pipeline = Pipeline::new(&provider)
        .policy(policy())
        .on_job_event(|index, event| {
            if let Event::Submitted(task) = event {
                seen.lock().unwrap().push((index, task.id.to_string()));
            }
        });
    let results: Vec<_> = pipeline
        .generate_all(vec![request(), request()], 2)
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    drop(pipeline);
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    assert_eq!(seen, vec![(0, "a".to_owned()), (1, "b".to_owned())]);
}

#[tokio::test(start_paused = true)]
async fn every_error_after_acceptance_names_the_task() {
    let provider = Scripted::new()
        .submit_answers([Ok(task("paid-1", TaskStatus::Submitted))])
        .query_answers([Err(VideoError::Unauthorized {
            message: "key revoked".into(),
            details: video_core::ErrorDetails::none(),
        })]);
    let error = generate(&provider, &request(), &policy())
        .await
        .unwrap_err();
    assert_eq!(error.task_id(), Some(&TaskId::new("paid-1")), "{error}");
    assert!(matches!(error.root(), VideoError::Unauthorized { .. }));
    assert_eq!(error.kind(), "unauthorized");
    assert!(error.to_string().starts_with("task paid-1: "), "{error}");
}
