//! The SQLite journal: durable across reopen, WAL mode, schema version, newest first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use std::time::Duration;
use video_core::journal::{DownloadRecord, EntryState, JournalEntry, TaskStore, update_entry};
use video_core::{Task, TaskId, TaskStatus, Video, VideoError, VideoRequest};

use video_journal::{APPLICATION_ID, JournalOptions, SCHEMA_VERSION, SqliteJournal};

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
            .begin(&JournalEntry::new(
                0,
                "kling-dmx",
                &request,
                Some(Path::new("fox.mp4")),
            ))
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
        entry.videos[0].locator.clone(),
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
        .begin(&JournalEntry::new(0, "mock", &VideoRequest::new("a"), None))
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
        .execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 99"
        ))
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
            .begin(&JournalEntry::new(
                0,
                "mock",
                &VideoRequest::new(prompt),
                None,
            ))
            .await
            .unwrap();
    }
    let prompts: Vec<String> = journal
        .entries()
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.request.prompt)
        .collect();
    assert_eq!(prompts, ["three", "two", "one"]);
    let mut ghost = journal.entries().await.unwrap().entries.remove(0);
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
        .begin(&JournalEntry::new(0, "mock", &VideoRequest::new("a"), None))
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
    let journal = SqliteJournal::open(&path).unwrap();
    journal
        .begin(&JournalEntry::new(0, "mock", &VideoRequest::new("a"), None))
        .await
        .unwrap();
    // The journal keeps signed video URLs: its write-ahead log is as private as the file.
    for file in [path.clone(), dir.path().join("j.sqlite3-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

#[tokio::test]
async fn another_applications_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite3");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let error = SqliteJournal::open(&path).unwrap_err();
    assert!(error.to_string().contains("not a video journal"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
    assert!(!dir.path().join("notes.sqlite3-wal").exists());
}

/// A journal as release 0.1 wrote it: schema version 1, no claims, no application id.
fn write_release_0_1_journal(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE entries (
             id INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL, state TEXT NOT NULL,
             task_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
             entry TEXT NOT NULL);
         CREATE INDEX entries_task_id ON entries (task_id);
         CREATE INDEX entries_state ON entries (state);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    let entry = r#"{"id":1,"provider":"kling-dmx","request":{"prompt":"a fox"},"state":"submitted","task_id":"840","status":"processing","message":null,"videos":[],"output":"/tmp/fox.mp4","downloads":[],"created_at":1768358011822,"updated_at":1768358011822}"#;
    conn.execute(
        "INSERT INTO entries (provider, state, task_id, created_at, updated_at, entry) VALUES ('kling-dmx', 'submitted', '840', 1, 1, ?1)",
        [entry],
    )
    .unwrap();
}

#[tokio::test]
async fn a_release_0_1_journal_is_migrated_and_keeps_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    write_release_0_1_journal(&path);
    let journal = SqliteJournal::open(&path).unwrap();
    let listing = journal.entries().await.unwrap();
    assert_eq!(listing.entries.len(), 1);
    assert_eq!(listing.entries[0].task_id, Some(TaskId::new("840")));
    assert!(journal.claim(listing.entries[0].id).await.unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (app, version): (i32, i64) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((app, version), (APPLICATION_ID, SCHEMA_VERSION));
}

/// A journal as the previous version of this crate (schema 2) wrote it.
fn write_schema_2_journal(path: &Path) {
    write_release_0_1_journal(path);
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TABLE claims (entry_id INTEGER PRIMARY KEY, owner TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, expires_at INTEGER NOT NULL);
             PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 2;"
        ))
        .unwrap();
}

#[tokio::test]
async fn a_schema_2_journal_is_migrated_to_task_handles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite3");
    write_schema_2_journal(&path);
    let journal = SqliteJournal::open(&path).unwrap();
    let entry = journal.entries().await.unwrap().entries.remove(0);
    assert_eq!(entry.task_id, Some(TaskId::new("840")));
    // A routed id is stored and read back with its route.
    let mut routed = entry.clone();
    routed.task_id = Some(TaskId::new("840").with_route("image2video"));
    journal.save(&routed).await.unwrap();
    let again = journal.entry(entry.id).await.unwrap().unwrap();
    assert_eq!(again.task_id.unwrap().route(), Some("image2video"));
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let text: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT entry FROM entries", [], |r| r.get(0))
        .unwrap();
    assert!(
        text.contains("\"if_exists\""),
        "rewritten in the current format: {text}"
    );
}

#[tokio::test]
async fn one_corrupt_row_is_reported_and_the_others_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    let journal = SqliteJournal::open(&path).unwrap();
    let mut ids = Vec::new();
    for prompt in ["one", "two", "three"] {
        ids.push(
            journal
                .begin(&JournalEntry::new(
                    0,
                    "mock",
                    &VideoRequest::new(prompt),
                    None,
                ))
                .await
                .unwrap(),
        );
    }
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE entries SET entry = '{not json' WHERE id = ?1",
            [ids[1]],
        )
        .unwrap();
    let listing = journal.entries().await.unwrap();
    let prompts: Vec<&str> = listing
        .entries
        .iter()
        .map(|e| e.request.prompt.as_str())
        .collect();
    assert_eq!(prompts, ["three", "one"]);
    assert_eq!(listing.unreadable.len(), 1);
    assert_eq!(listing.unreadable[0].id, ids[1]);
    assert!(!listing.unreadable[0].error.is_empty());
}

#[tokio::test]
async fn a_claim_keeps_other_processes_off_an_entry_until_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    let first = SqliteJournal::open(&path).unwrap();
    let second = SqliteJournal::open(&path).unwrap();
    let id = first
        .begin(&JournalEntry::new(0, "mock", &VideoRequest::new("a"), None))
        .await
        .unwrap();
    assert!(
        first.claim(id).await.unwrap(),
        "begin claimed it for its writer"
    );
    assert!(!second.claim(id).await.unwrap(), "held by a live owner");
    first.release(id).await.unwrap();
    assert!(second.claim(id).await.unwrap());
    assert!(!first.claim(id).await.unwrap());
    drop(second);
    assert!(
        first.claim(id).await.unwrap(),
        "a dropped journal releases its claims"
    );
}

#[tokio::test]
async fn a_claim_of_another_host_holds_until_its_lease_expires() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    let journal = SqliteJournal::open(&path).unwrap();
    let id = journal
        .begin(&JournalEntry::new(0, "mock", &VideoRequest::new("a"), None))
        .await
        .unwrap();
    journal.release(id).await.unwrap();
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let claim_by_other_host = |expires_at: i64| {
        conn.execute(
            "INSERT OR REPLACE INTO claims (entry_id, owner, host, pid, expires_at) VALUES (?1, 'far:1:x', 'far-away-host', 1, ?2)",
            rusqlite::params![id, expires_at],
        )
        .unwrap();
    };
    claim_by_other_host(now_ms + 60_000);
    assert!(
        !journal.claim(id).await.unwrap(),
        "a live lease elsewhere holds it"
    );
    claim_by_other_host(now_ms - 1);
    assert!(
        journal.claim(id).await.unwrap(),
        "an expired lease is free to take"
    );
}

#[tokio::test]
async fn a_locked_journal_is_waited_for_then_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite3");
    let options = JournalOptions::default().with_busy_timeout(Duration::from_millis(50));
    let journal = SqliteJournal::open_with(&path, options).unwrap();
    let id = journal
        .begin(&JournalEntry::new(0, "mock", &VideoRequest::new("a"), None))
        .await
        .unwrap();
    let entry = journal.entry(id).await.unwrap().unwrap();

    // Locked for less than three busy timeouts: the write gets through.
    let locker = rusqlite::Connection::open(&path).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let unlock = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(80));
        locker.execute_batch("COMMIT").unwrap();
    });
    journal.save(&entry).await.unwrap();
    unlock.join().unwrap();

    // Locked for good: a journal error, after the attempts.
    let locker = rusqlite::Connection::open(&path).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let error = journal.save(&entry).await.unwrap_err();
    assert!(matches!(error, VideoError::Journal { .. }), "{error:?}");
    assert!(error.to_string().contains("locked"), "{error}");
}

/// A request with an inline first frame (PNG signature plus filler: only the sniffed type
/// matters to the journal).
fn request_with_frame(prompt: &str) -> VideoRequest {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(7_u8, 64 * 1024));
    let frame = video_core::Image::from_bytes(bytes).unwrap();
    VideoRequest::builder(prompt).image(frame).build()
}

fn count(path: &Path, table: &str) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn longest_entry_text(path: &Path) -> usize {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT max(length(entry)) FROM entries", [], |r| r.get(0))
        .map(|n: i64| usize::try_from(n).unwrap())
        .unwrap()
}

#[tokio::test]
async fn a_request_is_stored_once_and_an_inline_image_once_by_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let journal = SqliteJournal::open(&path).unwrap();
    let (first, second) = (request_with_frame("a fox"), request_with_frame("a hare"));
    let mut ids = Vec::new();
    for request in [&first, &second] {
        let entry = JournalEntry::new(0, "kling", request, None);
        let id = journal.begin(&entry).await.unwrap();
        for status in [TaskStatus::Submitted, TaskStatus::Processing] {
            update_entry(&journal, id, |e| {
                e.apply_task(&Task::new("840", status.clone()))
            })
            .await
            .unwrap();
        }
        ids.push(id);
    }
    assert_eq!(count(&path, "blobs"), 1, "the same frame is stored once");
    assert_eq!(count(&path, "requests"), 2);
    assert!(
        longest_entry_text(&path) < 2048,
        "status changes rewrite the entry without its request or image"
    );
    let again = SqliteJournal::open(&path).unwrap();
    assert_eq!(again.entry(ids[0]).await.unwrap().unwrap().request, first);
    let listed = again.entries().await.unwrap();
    assert_eq!(
        listed.entries[0].request, second,
        "newest first, image restored"
    );
    let found = again.find_task(&TaskId::new("840")).await.unwrap().unwrap();
    assert_eq!(found.request, second);
}

#[tokio::test]
async fn a_schema_3_journal_is_migrated_with_its_requests_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.sqlite3");
    write_schema_2_journal(&path);
    let request = request_with_frame("a fox");
    let old = serde_json::json!({
        "id": 2, "provider": "kling", "request": request, "state": "submitted",
        "task_id": "841", "status": "processing", "message": null, "videos": [],
        "output": null, "downloads": [], "created_at": 1, "updated_at": 1,
    });
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO entries (provider, state, task_id, created_at, updated_at, entry) VALUES ('kling', 'submitted', '841', 1, 1, ?1)",
        [old.to_string()],
    )
    .unwrap();
    conn.execute_batch("PRAGMA user_version = 3;").unwrap();
    drop(conn);
    let journal = SqliteJournal::open(&path).unwrap();
    let entry = journal
        .find_task(&TaskId::new("841"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.request, request);
    assert_eq!(journal.entries().await.unwrap().entries.len(), 2);
    assert_eq!(count(&path, "blobs"), 1);
    assert!(longest_entry_text(&path) < 2048, "requests moved out");
}
