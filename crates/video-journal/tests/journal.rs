//! The SQLite journal: durable across reopen, WAL mode, schema version, newest first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use video_core::{
    DownloadRecord, EntryState, Task, TaskId, TaskStatus, TaskStore, Video, VideoError,
    VideoRequest, update_entry,
};
use video_journal::{SCHEMA_VERSION, SqliteJournal};

fn succeeded(id: &str) -> Task {
    let mut task = Task::new(id, TaskStatus::Succeeded);
    task.videos
        .push(Video::new(format!("https://cdn.example/{id}.mp4?sig=x")));
    task
}

#[tokio::test]
async fn entries_survive_reopening_and_keep_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("journal.sqlite3");
    let request = VideoRequest::builder("狐 in snow")
        .duration_secs(10)
        .build();
    let id = {
        let journal = SqliteJournal::open(&path).unwrap();
        let id = journal
            .begin("kling-dmx", &request, Some(Path::new("fox.mp4")))
            .await
            .unwrap();
        update_entry(&journal, id, |e| {
            e.apply_submitted(&Task::new("840", TaskStatus::Submitted))
        })
        .await
        .unwrap();
        update_entry(&journal, id, |e| e.apply_task(&succeeded("840")))
            .await
            .unwrap();
        id
    };
    let journal = SqliteJournal::open(&path).unwrap();
    let entry = journal.entry(id).await.unwrap().unwrap();
    assert_eq!(entry.id, id);
    assert_eq!(entry.provider, "kling-dmx");
    assert_eq!(entry.request, request);
    assert_eq!(entry.state, EntryState::Succeeded);
    assert_eq!(entry.task_id, Some(TaskId::new("840")));
    assert_eq!(entry.output.as_deref(), Some(Path::new("fox.mp4")));
    let record = DownloadRecord::new(
        0,
        entry.videos[0].url.clone(),
        "fox.mp4",
        42,
        "0".repeat(64),
    );
    let entry = update_entry(&journal, id, |e| e.apply_download(&record))
        .await
        .unwrap();
    assert_eq!(entry.state, EntryState::Downloaded);
    let found = journal
        .find_task(&TaskId::new("840"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.downloads, vec![record]);
}

#[tokio::test]
async fn the_file_is_in_wal_mode_with_a_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    let journal = SqliteJournal::open(&path).unwrap();
    journal
        .begin("mock", &VideoRequest::new("a"), None)
        .await
        .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(version, SCHEMA_VERSION);
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let error = SqliteJournal::open(&path).unwrap_err();
    assert!(matches!(&error, VideoError::Journal { message, .. } if message.contains("newer")));
}

#[tokio::test]
async fn listing_is_newest_first_and_saving_a_missing_entry_fails() {
    let dir = tempfile::tempdir().unwrap();
    let journal = SqliteJournal::open(&dir.path().join("j.sqlite3")).unwrap();
    for prompt in ["one", "two", "three"] {
        journal
            .begin("mock", &VideoRequest::new(prompt), None)
            .await
            .unwrap();
    }
    let prompts: Vec<String> = journal
        .entries()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.request.prompt)
        .collect();
    assert_eq!(prompts, ["three", "two", "one"]);
    let mut ghost = journal.entries().await.unwrap().remove(0);
    ghost.id = 999;
    assert!(matches!(
        journal.save(&ghost).await,
        Err(VideoError::Journal { .. })
    ));
    assert!(journal.entry(999).await.unwrap().is_none());
}

#[tokio::test]
async fn two_handles_on_one_file_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    let first = SqliteJournal::open(&path).unwrap();
    let second = SqliteJournal::open(&path).unwrap();
    let id = first
        .begin("mock", &VideoRequest::new("a"), None)
        .await
        .unwrap();
    assert_eq!(
        second.entry(id).await.unwrap().unwrap().state,
        EntryState::Submitting
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_journal_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    SqliteJournal::open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
