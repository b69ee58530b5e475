//! The journal is written before sending and completed as answers arrive.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scripted, task};
use video_core::journal::{
    DownloadRecord, EntryId, EntryState, JournalEntry, MemoryStore, TaskStore,
};
use video_core::{
    Destination, Pipeline, PollPolicy, SubmissionAttempt, Task, TaskStatus, VideoError,
    VideoProvider, VideoRequest,
};

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_secs(1))
}

/// Runs the journaled pipeline; returns the entry it wrote (if any) and the result.
async fn journaled(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
    store: &MemoryStore,
) -> (Option<EntryId>, Result<Task, VideoError>) {
    let result = Pipeline::new(provider)
        .policy(policy.clone())
        .journal(store)
        .generate(request)
        .await;
    let entry = store.entries().await.unwrap().entries.first().map(|e| e.id);
    (entry, result.map(|done| done.task))
}

#[tokio::test(start_paused = true)]
async fn a_successful_generation_is_journaled_step_by_step() {
    let provider = Scripted::new()
        .query_answers([Ok(task("task-0", TaskStatus::Processing))])
        .then_answer(task("task-0", TaskStatus::Succeeded));
    let store = MemoryStore::new();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let done = Pipeline::new(&provider)
        .policy(policy())
        .journal(&store)
        .save(Destination::file(&out))
        .generate(&VideoRequest::new("fox"))
        .await
        .unwrap();
    let entry = store.entry(done.entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Downloaded);
    assert_eq!(entry.task_id, Some(done.task.id.clone()));
    assert_eq!(entry.output.as_deref(), Some(out.as_path()));
    assert_eq!(entry.videos.len(), 1);
    let record = entry.download_of(0).unwrap();
    assert_eq!(record.path, out);
    assert_eq!(Some(&record.sha256), done.saved[0].sha256.as_ref());
    assert_eq!(record.bytes, std::fs::metadata(&out).unwrap().len());
    assert_eq!(
        store.find_task(&done.task.id).await.unwrap().unwrap().id,
        entry.id
    );
}

#[tokio::test(start_paused = true)]
async fn an_unanswered_submission_is_marked_unknown_outcome_with_its_request() {
    let request = VideoRequest::new("fox");
    let lost = VideoError::UnknownOutcome {
        attempt: Box::new(SubmissionAttempt::new("scripted", request.clone())),
        source: "connection reset".into(),
    };
    let provider = Scripted::new().submit_answers([Err(lost)]);
    let store = MemoryStore::new();
    let (entry, result) = journaled(&provider, &request, &policy(), &store).await;
    assert!(matches!(result, Err(VideoError::UnknownOutcome { .. })));
    let entry = store.entry(entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::UnknownOutcome);
    assert!(entry.state.needs_attention());
    assert_eq!(entry.request.prompt, request.prompt);
    let reference = entry
        .request
        .client_reference
        .as_deref()
        .unwrap_or_default();
    assert!(
        reference.starts_with("vsdk-"),
        "journaled with the client reference it was sent with: {reference:?}"
    );
    assert_eq!(provider.submits(), 1);
}

#[tokio::test(start_paused = true)]
async fn refusals_and_failures_are_final_states() {
    let provider = Scripted::new().submit_answers([Err(VideoError::QuotaExceeded {
        message: "empty".into(),
        details: video_core::ErrorDetails::none(),
    })]);
    let store = MemoryStore::new();
    let (entry, _) = journaled(&provider, &VideoRequest::new("a"), &policy(), &store).await;
    assert_eq!(
        store.entry(entry.unwrap()).await.unwrap().unwrap().state,
        EntryState::Refused
    );

    let failing = Scripted::new().then_answer(task("x", TaskStatus::Failed));
    let (entry, result) = journaled(&failing, &VideoRequest::new("b"), &policy(), &store).await;
    assert!(matches!(result, Err(VideoError::TaskFailed { .. })));
    let entry = store.entry(entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Failed);
    assert_eq!(entry.message.as_deref(), Some("scripted failure"));
    let states: Vec<EntryState> = store
        .entries()
        .await
        .unwrap()
        .entries
        .iter()
        .map(|e| e.state)
        .collect();
    assert_eq!(
        states,
        [EntryState::Failed, EntryState::Refused],
        "newest first"
    );
}

#[tokio::test(start_paused = true)]
async fn invalid_requests_write_no_entry() {
    let store = MemoryStore::new();
    let (entry, result) =
        journaled(&Scripted::new(), &VideoRequest::new(""), &policy(), &store).await;
    assert!(entry.is_none());
    assert!(matches!(result, Err(VideoError::InvalidRequest { .. })));
    assert!(store.entries().await.unwrap().entries.is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_entry_tracks_status_while_waiting() {
    let provider = Scripted::new().then_answer(task("task-0", TaskStatus::Processing));
    let store = MemoryStore::new();
    let policy = policy().with_deadline(Duration::from_secs(3));
    let (entry, result) = journaled(&provider, &VideoRequest::new("a"), &policy, &store).await;
    assert!(matches!(result, Err(VideoError::WaitTimeout { .. })));
    let entry = store.entry(entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Submitted);
    assert!(entry.state.is_resumable());
    assert_eq!(entry.status, Some(TaskStatus::Processing));
}

#[tokio::test(start_paused = true)]
async fn only_proven_refusals_are_refused_everything_else_is_unknown() {
    let cases = [
        (
            VideoError::QuotaExceeded {
                message: "empty".into(),
                details: video_core::ErrorDetails::none(),
            },
            EntryState::Refused,
        ),
        (VideoError::transport(false, "refused"), EntryState::Refused),
        (
            VideoError::transport(true, "reset"),
            EntryState::UnknownOutcome,
        ),
        (
            VideoError::decode(Some(502), "not JSON", b"<html>"),
            EntryState::UnknownOutcome,
        ),
        (
            VideoError::provider(
                "server error",
                true,
                video_core::ErrorDetails::none().with_code("5000"),
            ),
            EntryState::UnknownOutcome,
        ),
    ];
    for (error, expected) in cases {
        let kind = error.kind();
        let policy = policy().with_submit_retry(video_core::RetryPolicy::none());
        let provider = Scripted::new().submit_answers([Err(error)]);
        let store = MemoryStore::new();
        let (entry, _) = journaled(&provider, &VideoRequest::new("a"), &policy, &store).await;
        let state = store.entry(entry.unwrap()).await.unwrap().unwrap().state;
        assert_eq!(state, expected, "{kind}");
    }
}

#[tokio::test(start_paused = true)]
async fn waiting_for_an_existing_task_queries_at_once_and_records_it() {
    use video_core::{Event, TaskId};
    let provider = Scripted::new().then_answer(task("t", TaskStatus::Succeeded));
    let store = MemoryStore::new();
    let draft = JournalEntry::new(0, "scripted", &VideoRequest::new("a"), None);
    let entry = store.begin(&draft).await.unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |event: &Event<'_>| {
        if let Event::StatusChanged(t) = event {
            seen.lock().unwrap().push(t.status.clone());
        }
    };
    let id = TaskId::new("t");
    let stored = store.entry(entry).await.unwrap().unwrap();
    let done = Pipeline::new(&provider)
        .policy(policy())
        .journal(&store)
        .on_event(observer)
        .finish(&id, Some(&stored))
        .await
        .unwrap();
    assert_eq!(done.task.status, TaskStatus::Succeeded);
    assert_eq!(provider.query_millis(), vec![0]);
    assert_eq!(
        seen.into_inner().unwrap(),
        [TaskStatus::Succeeded],
        "the first snapshot is a change"
    );
    assert_eq!(
        store.entry(entry).await.unwrap().unwrap().state,
        EntryState::Succeeded
    );
}

#[tokio::test]
async fn downloads_match_videos_by_position_so_fresh_links_keep_the_state() {
    use video_core::Video;
    let mut entry = JournalEntry::new(1, "p", &VideoRequest::new("a"), None);
    let mut task = Task::new("t", TaskStatus::Succeeded);
    task.videos
        .push(Video::new("https://cdn.example/a.mp4?sig=1"));
    entry.apply_task(&task);
    assert_eq!(
        entry.task_id.as_ref().map(|id| id.as_str()),
        Some("t"),
        "id recorded from a snapshot"
    );
    entry.apply_download(&DownloadRecord::new(
        0,
        video_core::Locator::Url("https://cdn.example/a.mp4?sig=1".into()),
        "a.mp4",
        1,
        "00",
    ));
    assert_eq!(entry.state, EntryState::Downloaded);
    task.videos[0].locator = video_core::Locator::Url("https://cdn.example/a.mp4?sig=2".into());
    entry.apply_task(&task);
    assert_eq!(
        entry.state,
        EntryState::Downloaded,
        "a rotated signed URL is the same video"
    );
    assert_eq!(entry.download_of(0).map(|d| d.bytes), Some(1));
}
