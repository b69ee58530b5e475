//! Settling unknown submission outcomes through client references (core's resume, with the
//! mock as provider and a memory journal, under tokio's paused clock): a lost reply is found
//! and finished with exactly one task created; an absent task is "not created" only after
//! the grace period, and resubmitted only when asked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use video_core::journal::{EntryState, MemoryStore, Providers, Resume, Resumed, TaskStore};
use video_core::{Destination, Pipeline, PollPolicy, VideoError, VideoRequest};
use video_mock::MockProvider;

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_secs(5))
}

fn providers(mock: &MockProvider) -> Providers {
    Providers::new().with(Arc::new(mock.clone()), policy())
}

#[tokio::test(start_paused = true)]
async fn a_lost_reply_is_found_by_its_reference_and_finished_once() {
    let folder = tempfile::tempdir().unwrap();
    let mock = MockProvider::builder()
        .render_time(Duration::from_secs(30))
        .lookup_by_reference()
        .lose_submit_replies(1)
        .build();
    let journal = MemoryStore::new();
    let error = Pipeline::new(&mock)
        .policy(policy())
        .journal(&journal)
        .save(Destination::file(folder.path().join("fox.mp4")))
        .generate(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error}"
    );
    let entry = journal.entries().await.unwrap().entries.remove(0);
    assert_eq!(entry.state, EntryState::UnknownOutcome);
    let reference = entry.request.client_reference.clone().unwrap();
    assert!(
        reference.starts_with("vsdk-"),
        "the pipeline gave it a reference"
    );

    let report = Resume::new(&journal, &providers(&mock))
        .run()
        .await
        .unwrap();
    match &report.resumed[..] {
        [Resumed::Finished { entry, generated }] => {
            assert_eq!(entry.state, EntryState::Downloaded);
            assert!(entry.task_id.is_some());
            assert_eq!(
                generated.task.client_reference.as_deref(),
                Some(reference.as_str())
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        folder.path().join("fox.mp4").exists(),
        "saved where the entry said"
    );
    assert_eq!(mock.tasks_created(), 1, "found, not resubmitted");
}

/// A journal holding one submission whose outcome is unknown and which never reached the
/// mock: its reference finds nothing.
async fn unsent_entry(mock: &MockProvider) -> MemoryStore {
    let journal = MemoryStore::new();
    let request = VideoRequest::builder("a heron")
        .client_reference("vsdk-never-sent")
        .build();
    let draft = video_core::journal::JournalEntry::new(0, "mock", &request, None);
    let id = journal.begin(&draft).await.unwrap();
    let lost = VideoError::UnknownOutcome {
        attempt: Box::new(video_core::SubmissionAttempt::new("mock", request)),
        source: "the connection dropped".into(),
    };
    video_core::journal::update_entry(&journal, id, |e| e.apply_submit_error(&lost))
        .await
        .unwrap();
    assert_eq!(mock.tasks_created(), 0);
    journal
}

#[tokio::test(start_paused = true)]
async fn an_absent_task_is_not_created_only_after_the_grace_period() {
    let mock = MockProvider::builder().lookup_by_reference().build();
    let journal = unsent_entry(&mock).await;
    let providers = providers(&mock);

    let early = Resume::new(&journal, &providers).run().await.unwrap();
    match &early.resumed[..] {
        [Resumed::Unresolved(entry)] => {
            assert_eq!(entry.state, EntryState::UnknownOutcome);
            assert!(entry.message.as_deref().unwrap().contains("resume again"));
        }
        other => panic!("within the grace period: {other:?}"),
    }

    let late = Resume::new(&journal, &providers)
        .lookup_grace(Duration::ZERO)
        .run()
        .await
        .unwrap();
    match &late.resumed[..] {
        [Resumed::NotCreated(entry)] => assert_eq!(entry.state, EntryState::NotCreated),
        other => panic!("after the grace period: {other:?}"),
    }
    let again = Resume::new(&journal, &providers).run().await.unwrap();
    assert!(
        matches!(&again.resumed[..], [Resumed::NotCreated(_)]),
        "stays not created until resubmitted"
    );
    assert_eq!(mock.tasks_created(), 0, "never resubmitted unasked");
}

#[tokio::test(start_paused = true)]
async fn resubmit_unsent_submits_once_with_the_same_reference() {
    let mock = MockProvider::builder()
        .render_time(Duration::from_secs(10))
        .lookup_by_reference()
        .build();
    let journal = unsent_entry(&mock).await;
    let providers = providers(&mock);
    let report = Resume::new(&journal, &providers)
        .lookup_grace(Duration::ZERO)
        .resubmit_unsent(true)
        .run()
        .await
        .unwrap();
    match &report.resumed[..] {
        // No destination was recorded: the task is waited for and reported, nothing saved.
        [Resumed::Finished { entry, generated }] => {
            assert_eq!(entry.state, EntryState::Succeeded);
            assert_eq!(
                generated.task.client_reference.as_deref(),
                Some("vsdk-never-sent")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(mock.tasks_created(), 1);
    let submitted = mock.calls().into_iter().find_map(|call| match call {
        video_mock::MockCall::Submit(request) => request.client_reference,
        _ => None,
    });
    assert_eq!(
        submitted.as_deref(),
        Some("vsdk-never-sent"),
        "same reference"
    );
    let quiet = Resume::new(&journal, &providers).run().await.unwrap();
    assert!(
        quiet
            .resumed
            .iter()
            .all(|item| !matches!(item, Resumed::NotCreated(_) | Resumed::Unresolved(_))),
        "settled for good"
    );
}

#[tokio::test(start_paused = true)]
async fn without_lookup_an_unknown_outcome_stays_unresolved() {
    let mock = MockProvider::builder().build();
    let journal = unsent_entry(&mock).await;
    let report = Resume::new(&journal, &providers(&mock))
        .lookup_grace(Duration::ZERO)
        .resubmit_unsent(true)
        .run()
        .await
        .unwrap();
    assert!(matches!(&report.resumed[..], [Resumed::Unresolved(_)]));
    assert_eq!(mock.tasks_created(), 0);
}
