//! The conformance suite every provider crate runs against itself (feature `testkit`).
//!
//! Implement [`Conformance`] for a harness around your provider (it says how to make the
//! provider succeed, fail or throttle) and call [`run_all`] from a test:
//!
//! ```ignore
//! #[tokio::test]
//! async fn conformance() {
//!     let harness = MyHarness::start().await;
//!     video_core::testkit::run_all(&harness).await;
//! }
//! ```
//!
//! Each check panics with a message naming the broken rule. Checks of optional features run
//! only when the provider's capabilities offer them (image-to-video, a last frame, inline
//! images), and otherwise check that they are refused before anything is sent.

mod cancel;
mod durable;
mod images;
mod lookup;

pub use cancel::cancel;
pub use durable::{expired_link_is_refreshed, progress_never_goes_backwards, survives_serde};
pub use images::image_to_video;
pub use lookup::find_by_reference;

use std::sync::Mutex;

use async_trait::async_trait;
use futures::StreamExt;

use crate::error::VideoError;
use crate::pipeline::{Event, Pipeline};
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::provider::sample::looks_like_mp4;
use crate::request::VideoRequest;
use crate::task::{TaskId, TaskStatus};
use crate::wait::{wait, watch};

/// The id [`Conformance::unknown_task_id`] gives by default: 18 digits, like Kling's ids.
pub const UNKNOWN_TASK_ID: &str = "999999999999999999";

/// A provider under test, plus the controls the suite needs.
#[async_trait]
pub trait Conformance: Send + Sync {
    /// The provider under test.
    fn provider(&self) -> &dyn VideoProvider;

    /// A request the provider completes successfully.
    fn succeeding_request(&self) -> VideoRequest {
        VideoRequest::new("a red fox running through fresh snow")
    }

    /// A valid request whose task the provider ends `failed`.
    fn failing_request(&self) -> VideoRequest;

    /// Makes the provider refuse the next submission with a rate limit.
    async fn throttle_next_submit(&self);

    /// How many submissions have reached the provider's server so far, accepted or refused.
    async fn submissions_received(&self) -> usize;

    /// How to wait for tasks under test (fast, with a deadline that fits the test).
    fn poll_policy(&self) -> PollPolicy;

    /// An image URL the provider (or the fake behind it) accepts as a frame, for the
    /// image-to-video checks (run only when the provider offers image-to-video).
    fn image_url(&self) -> String {
        "https://example.com/frames/first.jpg".to_owned()
    }

    /// A well-formed task id the provider's server does not know (the default is an
    /// 18-digit number; providers whose ids have another shape give one of theirs).
    fn unknown_task_id(&self) -> TaskId {
        TaskId::new(UNKNOWN_TASK_ID)
    }

    /// Makes the next video link the provider hands out expire before it is fetched, when
    /// the harness can (true); the default cannot (false), and the refresh check is skipped.
    async fn expire_next_link(&self) -> bool {
        false
    }
}

/// Runs every check in turn.
pub async fn run_all(target: &dyn Conformance) {
    describes_itself(target);
    submit_wait_download(target).await;
    generate_reports_submission_first(target).await;
    invalid_input_rejected_locally(target).await;
    failed_task(target).await;
    unknown_task_id(target).await;
    throttling(target).await;
    images::image_to_video(target).await;
    lookup::find_by_reference(target).await;
    cancel::cancel(target).await;
    durable::survives_serde(target).await;
    durable::progress_never_goes_backwards(target).await;
    durable::expired_link_is_refreshed(target).await;
}

/// A name and a sane capability description.
pub fn describes_itself(target: &dyn Conformance) {
    let provider = target.provider();
    assert!(
        !provider.name().trim().is_empty(),
        "name() must not be empty"
    );
    assert!(
        provider.capabilities().max_prompt_chars > 0,
        "capabilities().max_prompt_chars must be positive"
    );
}

/// submit → wait → download, and a later query still answers `Succeeded`.
pub async fn submit_wait_download(target: &dyn Conformance) {
    let provider = target.provider();
    let task = match provider.submit(&target.succeeding_request()).await {
        Ok(task) => task,
        Err(error) => panic!("submit of a valid request failed: {error}"),
    };
    assert!(
        !task.id.as_str().is_empty(),
        "submit returned an empty task id"
    );
    assert!(
        !task.is_terminal() || task.status == TaskStatus::Succeeded,
        "fresh task failed"
    );

    let done = match wait(provider, &task.id, &target.poll_policy()).await {
        Ok(done) => done,
        Err(error) => panic!("wait for {} failed: {error}", task.id),
    };
    assert_eq!(done.id, task.id, "wait returned another task");
    assert_eq!(done.status, TaskStatus::Succeeded);
    let Some(video) = done.videos.first() else {
        panic!("a succeeded task must list at least one video");
    };

    let again = provider.task(&task.id).await;
    assert!(
        matches!(&again, Ok(t) if t.status == TaskStatus::Succeeded),
        "querying a finished task again must answer Succeeded, got {again:?}"
    );

    let stream = match provider.download(video).await {
        Ok(stream) => stream,
        Err(error) => panic!("download failed: {error}"),
    };
    let announced = stream.content_length();
    let bytes = match stream.collect_bytes().await {
        Ok(bytes) => bytes,
        Err(error) => panic!("reading the download failed: {error}"),
    };
    if let Some(length) = announced {
        assert_eq!(
            length,
            bytes.len() as u64,
            "announced length differs from bytes read"
        );
    }
    assert!(
        looks_like_mp4(&bytes),
        "the video is not an MP4 (no ftyp box at byte 4)"
    );
}

/// `generate` reports `Submitted` with the task id before any status change or the end.
pub async fn generate_reports_submission_first(target: &dyn Conformance) {
    let events = Mutex::new(Vec::<(String, String)>::new());
    let record = |event: &Event<'_>| {
        let entry = match event {
            Event::Submitted(task) => ("submitted", task.id.to_string()),
            Event::StatusChanged(task) => ("changed", task.id.to_string()),
            Event::Finished(task) => ("finished", task.id.to_string()),
            // Progress, retries and the like: not part of the order checked here.
            _ => return,
        };
        if let Ok(mut events) = events.lock() {
            events.push((entry.0.to_owned(), entry.1));
        }
    };
    let request = target.succeeding_request();
    let result = Pipeline::new(target.provider())
        .policy(target.poll_policy())
        .on_event(record)
        .generate(&request)
        .await;
    let task = match result {
        Ok(done) => done.task,
        Err(error) => panic!("generate failed: {error}"),
    };
    let events = events.into_inner().unwrap_or_default();
    let kinds: Vec<&str> = events.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds.first(),
        Some(&"submitted"),
        "first event must be Submitted: {kinds:?}"
    );
    assert_eq!(
        kinds.last(),
        Some(&"finished"),
        "last event must be Finished: {kinds:?}"
    );
    assert!(
        events.iter().all(|(_, id)| id == task.id.as_str()),
        "every event must name the task"
    );
}

/// Invalid requests fail with `InvalidRequest` and never reach the server.
pub async fn invalid_input_rejected_locally(target: &dyn Conformance) {
    let provider = target.provider();
    let caps = provider.capabilities().clone();
    let before = target.submissions_received().await;
    let mut bad = vec![
        ("prompt", VideoRequest::new("")),
        ("prompt", VideoRequest::new("  \n\t ")),
        (
            "prompt",
            VideoRequest::new("狐".repeat(caps.max_prompt_chars + 1)),
        ),
    ];
    if let Some(max) = caps
        .durations
        .listed()
        .and_then(|list| list.into_iter().max())
    {
        let request = VideoRequest::builder("a fox")
            .duration_secs(max + 1)
            .build();
        bad.push(("duration_secs", request));
    }
    let request = VideoRequest::builder("a fox")
        .callback_url("not a url")
        .build();
    bad.push(("callback_url", request));
    for (field, request) in bad {
        match provider.submit(&request).await {
            Err(VideoError::InvalidRequest { field: got, .. }) => {
                assert_eq!(got, field, "InvalidRequest names the wrong field");
            }
            other => panic!("submit with a bad `{field}` must be InvalidRequest, got {other:?}"),
        }
    }
    let after = target.submissions_received().await;
    assert_eq!(before, after, "an invalid request reached the server");
}

/// A task that ends `failed` is an error naming the task when waited for, and a `Failed`
/// snapshot when watched.
pub async fn failed_task(target: &dyn Conformance) {
    let provider = target.provider();
    let task = match provider.submit(&target.failing_request()).await {
        Ok(task) => task,
        Err(error) => panic!("submit of the failing request failed early: {error}"),
    };
    match wait(provider, &task.id, &target.poll_policy()).await {
        Err(VideoError::TaskFailed { task_id, .. }) => assert_eq!(task_id, task.id),
        Err(VideoError::ContentRejected { task_id, .. }) => {
            let named = task_id.as_ref().is_some_and(|id| id.same_raw_id(&task.id));
            assert!(
                named,
                "a task rejected on content must be named by the error"
            );
        }
        other => panic!("waiting for a failing task must fail, got {other:?}"),
    }
    let policy = target.poll_policy();
    let snapshots: Vec<_> = watch(provider, &task.id, &policy).collect().await;
    match snapshots.last() {
        Some(Ok(last)) => assert_eq!(last.status, TaskStatus::Failed, "watch must end Failed"),
        other => panic!("watch of a failed task must end with its snapshot, got {other:?}"),
    }
}

/// An unknown task id is `NotFound`, naming the id.
pub async fn unknown_task_id(target: &dyn Conformance) {
    let id = target.unknown_task_id();
    match target.provider().task(&id).await {
        Err(VideoError::NotFound { task_id }) => assert_eq!(task_id, id),
        other => panic!("an unknown task id must be NotFound, got {other:?}"),
    }
}

/// A throttled submission is a retryable `RateLimited` that created no task, and `generate`
/// gets through it with exactly one accepted submission.
pub async fn throttling(target: &dyn Conformance) {
    let provider = target.provider();
    target.throttle_next_submit().await;
    let before = target.submissions_received().await;
    match provider.submit(&target.succeeding_request()).await {
        Err(error @ VideoError::RateLimited { .. }) => {
            assert!(error.is_retryable(), "a rate limit must be retryable");
            assert!(
                error.is_unaccepted_submission(),
                "a rate limit created no task"
            );
        }
        other => panic!("a throttled submit must be RateLimited, got {other:?}"),
    }
    assert_eq!(target.submissions_received().await, before + 1);

    target.throttle_next_submit().await;
    let retries = Mutex::new(0_u32);
    let count = |event: &Event<'_>| {
        if let (Event::SubmitRetry { .. }, Ok(mut n)) = (event, retries.lock()) {
            *n += 1;
        }
    };
    let request = target.succeeding_request();
    let result = Pipeline::new(provider)
        .policy(target.poll_policy())
        .on_event(count)
        .generate(&request)
        .await;
    assert!(
        result.is_ok(),
        "generate must get through one rate limit: {result:?}"
    );
    assert_eq!(
        retries.into_inner().unwrap_or_default(),
        1,
        "exactly one retry expected"
    );
    assert_eq!(
        target.submissions_received().await,
        before + 3,
        "generate must send exactly two submissions (one refused, one accepted)"
    );
}
