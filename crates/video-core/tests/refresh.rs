//! Locators that expire: the pipeline queries the task once more and retries that video
//! (once per video), and progress reported while waiting never goes backwards.

mod common;

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use common::{Scripted, task};
use video_core::journal::{EntryState, MemoryStore, TaskStore};
use video_core::{
    Destination, Event, IfExists, Pipeline, PollPolicy, TaskStatus, Video, VideoError, VideoRequest,
};

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_millis(10))
}

/// A finished task whose only video is at `url`.
fn done_at(url: &str) -> video_core::Task {
    let mut done = task("t-1", TaskStatus::Succeeded);
    done.videos = vec![Video::new(url)];
    done
}

fn destination(dir: &tempfile::TempDir) -> Destination {
    Destination::File {
        path: dir.path().join("v.mp4"),
        if_exists: IfExists::Replace,
    }
}

#[tokio::test(start_paused = true)]
async fn an_expired_link_is_refreshed_by_one_more_query_and_the_file_saved() {
    let provider = Scripted::new()
        .query_answers([Ok(done_at("https://cdn.example/old.mp4"))])
        .then_answer(done_at("https://cdn.example/fresh.mp4"))
        .download_answers([true]);
    let store = MemoryStore::new();
    let dir = tempfile::tempdir().unwrap();
    let refreshed = Mutex::new(Vec::new());
    let done = Pipeline::new(&provider)
        .policy(policy())
        .journal(&store)
        .save(destination(&dir))
        .on_event(|event| {
            if let Event::RefreshingLink { video, error } = event {
                refreshed.lock().unwrap().push((*video, error.is_some()));
            }
        })
        .generate(&VideoRequest::new("fox"))
        .await
        .unwrap();
    assert!(done.saved[0].path.exists());
    assert_eq!(
        *provider.downloaded.lock().unwrap(),
        [
            "https://cdn.example/old.mp4",
            "https://cdn.example/fresh.mp4"
        ]
    );
    assert_eq!(*refreshed.lock().unwrap(), [(0, true)]);
    let entry = store.entry(done.entry.unwrap()).await.unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Downloaded);
    assert_eq!(
        entry.downloads[0].locator.url(),
        Some("https://cdn.example/fresh.mp4"),
        "the journal records where the file came from"
    );
    assert_eq!(entry.videos[0].url(), Some("https://cdn.example/fresh.mp4"));
}

#[tokio::test(start_paused = true)]
async fn a_second_expiry_is_reported_with_the_task() {
    let provider = Scripted::new()
        .query_answers([Ok(done_at("https://cdn.example/old.mp4"))])
        .then_answer(done_at("https://cdn.example/also-old.mp4"))
        .download_answers([true, true]);
    let dir = tempfile::tempdir().unwrap();
    let error = Pipeline::new(&provider)
        .policy(policy())
        .save(destination(&dir))
        .generate(&VideoRequest::new("fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error.root(), VideoError::LinkExpired { status: 403 }),
        "{error:?}"
    );
    assert!(error.task_id().is_some(), "names the task");
    assert_eq!(
        provider.downloaded.lock().unwrap().len(),
        2,
        "once per video"
    );
}

#[tokio::test(start_paused = true)]
async fn a_link_past_its_expiry_is_refreshed_before_it_is_tried() {
    let mut stale = done_at("https://cdn.example/stale.mp4");
    stale.videos[0].expires_at = Some(SystemTime::now() - Duration::from_secs(60));
    let provider = Scripted::new()
        .query_answers([Ok(stale)])
        .then_answer(done_at("https://cdn.example/fresh.mp4"));
    let dir = tempfile::tempdir().unwrap();
    Pipeline::new(&provider)
        .policy(policy())
        .save(destination(&dir))
        .generate(&VideoRequest::new("fox"))
        .await
        .unwrap();
    assert_eq!(
        *provider.downloaded.lock().unwrap(),
        ["https://cdn.example/fresh.mp4"],
        "the expired link is never fetched"
    );
}

#[tokio::test(start_paused = true)]
async fn progress_is_reported_as_it_rises_and_never_goes_backwards() {
    let at = |percent: u8| {
        let mut running = task("t-1", TaskStatus::Processing);
        running.progress = Some(percent);
        Ok(running)
    };
    let provider = Scripted::new()
        .query_answers([at(10), at(10), at(40), at(30), at(55)])
        .then_answer(done_at("https://cdn.example/v.mp4"));
    let seen = Mutex::new(Vec::new());
    Pipeline::new(&provider)
        .policy(policy())
        .on_event(|event| match event {
            Event::StatusChanged(task) => seen.lock().unwrap().push(("status", task.progress)),
            Event::Progress(task) => seen.lock().unwrap().push(("progress", task.progress)),
            _ => {}
        })
        .generate(&VideoRequest::new("fox"))
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("status", Some(10)),
            ("progress", Some(40)),
            ("progress", Some(55)),
            ("status", Some(55)),
        ],
        "30 after 40 is not reported, and the finished snapshot keeps 55"
    );
}
