//! The journal is written before sending and completed as answers arrive.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Scripted, task};
use video_core::{
    DownloadRecord, EntryState, MemoryStore, PollPolicy, SubmissionAttempt, TaskStatus, TaskStore,
    VideoError, VideoRequest, generate_journaled, update_entry,
};

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_secs(1))
}

#[tokio::test(start_paused = true)]
async fn a_successful_generation_is_journaled_step_by_step() {
    let provider = Scripted::new()
        .query_answers([Ok(task("task-0", TaskStatus::Processing))])
        .then_answer(task("task-0", TaskStatus::Succeeded));
    let store = MemoryStore::new();
    let out = Path::new("out.mp4");
    let (entry, result) = generate_journaled(
        &provider,
        &VideoRequest::new("fox"),
        &policy(),
        &store,
        Some(out),
        &(),
    )
    .await;
    let done = result.unwrap();
    let entry = store.entry(entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Succeeded);
    assert_eq!(entry.task_id, Some(done.id.clone()));
    assert_eq!(entry.output.as_deref(), Some(out));
    assert_eq!(entry.videos.len(), 1);

    let url = entry.videos[0].url.clone();
    let record = DownloadRecord::new(0, url, "out.mp4", 10, "ab".repeat(32));
    let entry = update_entry(&store, entry.id, |e| e.apply_download(&record))
        .await
        .unwrap();
    assert_eq!(entry.state, EntryState::Downloaded);
    assert_eq!(
        store.find_task(&done.id).await.unwrap().unwrap().id,
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
    let (entry, result) =
        generate_journaled(&provider, &request, &policy(), &store, None, &()).await;
    assert!(matches!(result, Err(VideoError::UnknownOutcome { .. })));
    let entry = store.entry(entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::UnknownOutcome);
    assert!(entry.state.needs_attention());
    assert_eq!(entry.request, request);
    assert_eq!(provider.submits(), 1);
}

#[tokio::test(start_paused = true)]
async fn refusals_and_failures_are_final_states() {
    let provider = Scripted::new().submit_answers([Err(VideoError::QuotaExceeded {
        message: "empty".into(),
    })]);
    let store = MemoryStore::new();
    let (entry, _) = generate_journaled(
        &provider,
        &VideoRequest::new("a"),
        &policy(),
        &store,
        None,
        &(),
    )
    .await;
    assert_eq!(
        store.entry(entry.unwrap()).await.unwrap().unwrap().state,
        EntryState::Refused
    );

    let failing = Scripted::new().then_answer(task("x", TaskStatus::Failed));
    let (entry, result) = generate_journaled(
        &failing,
        &VideoRequest::new("b"),
        &policy(),
        &store,
        None,
        &(),
    )
    .await;
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
    let (entry, result) = generate_journaled(
        &Scripted::new(),
        &VideoRequest::new(""),
        &policy(),
        &store,
        None,
        &(),
    )
    .await;
    assert!(entry.is_none());
    assert!(matches!(result, Err(VideoError::InvalidRequest { .. })));
    assert!(store.entries().await.unwrap().entries.is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_entry_tracks_status_while_waiting() {
    let provider = Scripted::new().then_answer(task("task-0", TaskStatus::Processing));
    let store = MemoryStore::new();
    let policy = policy().with_deadline(Duration::from_secs(3));
    let (entry, result) = generate_journaled(
        &provider,
        &VideoRequest::new("a"),
        &policy,
        &store,
        None,
        &(),
    )
    .await;
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
            VideoError::Provider {
                code: "5000".into(),
                message: "server error".into(),
                request_id: None,
                retryable: true,
            },
            EntryState::UnknownOutcome,
        ),
    ];
    for (error, expected) in cases {
        let kind = error.kind();
        let policy = policy().with_submit_retry(video_core::RetryPolicy::none());
        let provider = Scripted::new().submit_answers([Err(error)]);
        let store = MemoryStore::new();
        let (entry, _) = generate_journaled(
            &provider,
            &VideoRequest::new("a"),
            &policy,
            &store,
            None,
            &(),
        )
        .await;
        let state = store.entry(entry.unwrap()).await.unwrap().unwrap().state;
        assert_eq!(state, expected, "{kind}");
    }
}

#[tokio::test(start_paused = true)]
async fn waiting_for_an_existing_task_queries_at_once_and_records_it() {
    use video_core::{Event, TaskId, wait_journaled};
    let provider = Scripted::new().then_answer(task("t", TaskStatus::Succeeded));
    let store = MemoryStore::new();
    let entry = store
        .begin("scripted", &VideoRequest::new("a"), None)
        .await
        .unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |event: &Event<'_>| {
        if let Event::StatusChanged(t) = event {
            seen.lock().unwrap().push(t.status.clone());
        }
    };
    let id = TaskId::new("t");
    let done = wait_journaled(&provider, &id, None, &policy(), &store, entry, &observer)
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
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
    use video_core::{JournalEntry, Task, Video};
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
        "https://cdn.example/a.mp4?sig=1",
        "a.mp4",
        1,
        "00",
    ));
    assert_eq!(entry.state, EntryState::Downloaded);
    task.videos[0].url = "https://cdn.example/a.mp4?sig=2".into();
    entry.apply_task(&task);
    assert_eq!(
        entry.state,
        EntryState::Downloaded,
        "a rotated signed URL is the same video"
    );
    assert_eq!(entry.download_of(0).map(|d| d.bytes), Some(1));
}
