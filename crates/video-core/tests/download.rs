//! Saving a video stream: atomic replace, length checks, progress, cleanup on failure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use video_core::provider::VideoStream;
use video_core::{DownloadProgress, IfExists, SaveOptions, VideoError, save_to_file};

fn chunks(parts: Vec<Result<&'static [u8], VideoError>>, length: Option<u64>) -> VideoStream {
    let items: Vec<Result<Bytes, VideoError>> = parts
        .into_iter()
        .map(|part| part.map(Bytes::from_static))
        .collect();
    VideoStream::new(length, futures::stream::iter(items))
}

fn folder_entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn saves_every_byte_and_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let mut seen = Vec::new();
    let stream = chunks(vec![Ok(b"abc"), Ok(b"defg")], Some(7));
    let options = SaveOptions::new().on_progress(|p: DownloadProgress| {
        seen.push((p.received, p.total));
    });
    let saved = save_to_file(stream, &path, options).await.unwrap();
    assert_eq!(saved.bytes, 7);
    assert_eq!(std::fs::read(&path).unwrap(), b"abcdefg");
    assert_eq!(seen, vec![(3, Some(7)), (7, Some(7))]);
    assert_eq!(
        folder_entries(dir.path()),
        ["video.mp4"],
        "no temp file left"
    );
}

#[tokio::test]
async fn a_short_stream_leaves_the_old_file_untouched_and_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    std::fs::write(&path, b"old").unwrap();
    let replace = SaveOptions::new().if_exists(IfExists::Replace);
    let error = save_to_file(chunks(vec![Ok(b"abc")], Some(10)), &path, replace)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        VideoError::Incomplete {
            expected: 10,
            received: 3
        }
    ));
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(folder_entries(dir.path()), ["video.mp4"]);
}

#[tokio::test]
async fn a_long_stream_is_refused_as_soon_as_it_overflows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let stream = chunks(vec![Ok(b"abcd"), Ok(b"efgh")], Some(5));
    let error = save_to_file(stream, &path, SaveOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        VideoError::Incomplete {
            expected: 5,
            received: 8
        }
    ));
    assert!(folder_entries(dir.path()).is_empty());
}

#[tokio::test]
async fn a_stream_error_midway_removes_the_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let stream = chunks(
        vec![Ok(b"abc"), Err(VideoError::transport(true, "reset"))],
        None,
    );
    let error = save_to_file(stream, &path, SaveOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::Transport { .. }));
    assert!(folder_entries(dir.path()).is_empty());
}

#[tokio::test]
async fn a_dropped_download_removes_the_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let first = futures::stream::iter([Ok(Bytes::from_static(b"abc"))]);
    let stream = VideoStream::new(
        Some(100),
        futures::StreamExt::chain(first, futures::stream::pending()),
    );
    let saving = save_to_file(stream, &path, SaveOptions::new());
    let outcome = tokio::time::timeout(std::time::Duration::from_millis(50), saving).await;
    assert!(outcome.is_err(), "the download must still be pending");
    assert!(
        folder_entries(dir.path()).is_empty(),
        "temp file left after drop"
    );
}

#[tokio::test]
async fn unknown_length_is_accepted_and_missing_folder_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.mp4");
    let saved = save_to_file(chunks(vec![Ok(b"xy")], None), &path, SaveOptions::new())
        .await
        .unwrap();
    assert_eq!(saved.bytes, 2);
    let missing = dir.path().join("no-such-folder").join("v.mp4");
    let error = save_to_file(chunks(vec![Ok(b"xy")], None), &missing, SaveOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::Io { .. }));
}

#[tokio::test]
async fn collect_bytes_checks_the_announced_length() {
    let ok = chunks(vec![Ok(b"ab"), Ok(b"c")], Some(3))
        .collect_bytes()
        .await
        .unwrap();
    assert_eq!(ok, b"abc");
    let short = chunks(vec![Ok(b"ab")], Some(3)).collect_bytes().await;
    assert!(matches!(short, Err(VideoError::Incomplete { .. })));
}

#[tokio::test]
async fn an_existing_file_is_replaced_only_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    std::fs::write(&path, b"another task's video").unwrap();
    let error = save_to_file(chunks(vec![Ok(b"new")], Some(3)), &path, SaveOptions::new())
        .await
        .unwrap_err();
    match &error {
        VideoError::Io { source, .. } => {
            assert_eq!(source.kind(), std::io::ErrorKind::AlreadyExists);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"another task's video");
    assert_eq!(
        folder_entries(dir.path()),
        ["video.mp4"],
        "no temp file left"
    );

    let replace = SaveOptions::new().if_exists(IfExists::Replace);
    save_to_file(chunks(vec![Ok(b"new")], Some(3)), &path, replace)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
}

#[tokio::test]
async fn the_same_bytes_already_there_count_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let hashed = || SaveOptions::new().sha256(true);
    let first = save_to_file(chunks(vec![Ok(b"abc")], Some(3)), &path, hashed())
        .await
        .unwrap();
    let again = save_to_file(chunks(vec![Ok(b"abc")], Some(3)), &path, hashed())
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(first.sha256.as_deref(), Some(ABC_SHA256));
    assert_eq!(folder_entries(dir.path()), ["video.mp4"]);
}

const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

#[tokio::test]
async fn the_hash_is_computed_only_when_asked_for_and_the_bytes_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    // The default: no hash, as `curl -o`.
    let saved = save_to_file(
        chunks(vec![Ok(b"ab"), Ok(b"c")], Some(3)),
        &path,
        SaveOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!((saved.bytes, saved.sha256), (3, None));
    assert_eq!(std::fs::read(&path).unwrap(), b"abc");
    let other = dir.path().join("hashed.mp4");
    let options = SaveOptions::new().sha256(true);
    let saved = save_to_file(chunks(vec![Ok(b"ab"), Ok(b"c")], Some(3)), &other, options)
        .await
        .unwrap();
    assert_eq!(saved.sha256.as_deref(), Some(ABC_SHA256));
    assert_eq!(std::fs::read(&other).unwrap(), b"abc");
}

#[tokio::test]
async fn without_the_hash_a_file_in_the_way_is_still_compared_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    std::fs::write(&path, b"abc").unwrap();
    let same = save_to_file(
        chunks(vec![Ok(b"abc")], Some(3)),
        &path,
        SaveOptions::new().sha256(false),
    )
    .await
    .unwrap();
    // Hashed only because a file of the same size had to be compared.
    assert_eq!(same.sha256.as_deref(), Some(ABC_SHA256));
    let different = save_to_file(
        chunks(vec![Ok(b"xyz")], Some(3)),
        &path,
        SaveOptions::new().sha256(false),
    )
    .await;
    assert!(
        matches!(different, Err(VideoError::Io { .. })),
        "{different:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"abc");
    assert_eq!(folder_entries(dir.path()), ["video.mp4"]);
}

#[tokio::test]
async fn keep_both_saves_beside_a_different_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("840.mp4");
    std::fs::write(&path, b"another task's video").unwrap();
    let keep = || SaveOptions::new().if_exists(IfExists::KeepBoth);
    let saved = save_to_file(chunks(vec![Ok(b"mine")], Some(4)), &path, keep())
        .await
        .unwrap();
    assert_eq!(saved.path, dir.path().join("840.1.mp4"));
    assert_eq!(std::fs::read(&saved.path).unwrap(), b"mine");
    assert_eq!(std::fs::read(&path).unwrap(), b"another task's video");
    let again = save_to_file(chunks(vec![Ok(b"mine")], Some(4)), &path, keep())
        .await
        .unwrap();
    assert_eq!(
        again.path, saved.path,
        "found again, not saved a third time"
    );
    assert_eq!(folder_entries(dir.path()), ["840.1.mp4", "840.mp4"]);
}
