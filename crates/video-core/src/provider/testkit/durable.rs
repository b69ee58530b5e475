//! What a later process relies on: ids and videos that went through serde (the journal, a
//! queue, a Restate replay) still find the task and its bytes; progress never goes
//! backwards; an expired link is refreshed by querying the task again.

use futures::StreamExt;

use super::Conformance;
use crate::pipeline::{Destination, Event, Pipeline};
use crate::provider::sample::looks_like_mp4;
use crate::save::IfExists;
use crate::task::{Task, TaskId, TaskStatus, Video};
use crate::wait::{wait, watch};

/// A task id and its finished video, each through a serde round trip (as resume reads them
/// from the journal), still query and download.
pub async fn survives_serde(target: &dyn Conformance) {
    let provider = target.provider();
    let task = match provider.submit(&target.succeeding_request()).await {
        Ok(task) => task,
        Err(error) => panic!("submit of a valid request failed: {error}"),
    };
    let id: TaskId = round_trip(&task.id);
    assert_eq!(
        id, task.id,
        "a TaskId must survive serde unchanged (route included)"
    );
    let done = match wait(provider, &id, &target.poll_policy()).await {
        Ok(done) => done,
        Err(error) => panic!("wait for {id} (read back from JSON) failed: {error}"),
    };
    let Some(video) = done.videos.first() else {
        panic!("a succeeded task must list at least one video");
    };
    let video: Video = round_trip(video);
    let bytes = match provider.download(&video).await {
        Ok(stream) => stream.collect_bytes().await,
        Err(error) => Err(error),
    };
    match bytes {
        Ok(bytes) => assert!(looks_like_mp4(&bytes), "the video read back is not an MP4"),
        Err(error) => panic!("download of a Video read back from JSON failed: {error}"),
    }
}

/// When the provider reports progress, watching a task sees it rise and never fall, and the
/// pipeline's progress events agree.
pub async fn progress_never_goes_backwards(target: &dyn Conformance) {
    let provider = target.provider();
    if !provider.capabilities().progress {
        return;
    }
    let task = match provider.submit(&target.succeeding_request()).await {
        Ok(task) => task,
        Err(error) => panic!("submit of a valid request failed: {error}"),
    };
    let policy = target.poll_policy();
    let snapshots: Vec<Task> = watch(provider, &task.id, &policy)
        .filter_map(|item| async move { item.ok() })
        .collect()
        .await;
    let progress: Vec<u8> = snapshots.iter().filter_map(|task| task.progress).collect();
    assert!(
        !progress.is_empty(),
        "capabilities().progress is set, but no snapshot carried progress"
    );
    assert!(
        progress.windows(2).all(|pair| pair[0] <= pair[1]),
        "progress went backwards: {progress:?}"
    );
    assert!(
        progress.iter().all(|percent| *percent <= 100),
        "progress over 100: {progress:?}"
    );
    assert_eq!(
        snapshots.last().map(|task| &task.status),
        Some(&TaskStatus::Succeeded)
    );
}

/// When the harness can make the provider's next video link expire, the pipeline queries
/// the task once more and saves the video with the fresh link.
pub async fn expired_link_is_refreshed(target: &dyn Conformance) {
    if !target.expire_next_link().await {
        return;
    }
    let path = std::env::temp_dir().join(format!("{}.mp4", crate::new_client_reference()));
    let refreshed = std::sync::atomic::AtomicUsize::new(0);
    let result = Pipeline::new(target.provider())
        .policy(target.poll_policy())
        .save(Destination::File {
            path: path.clone(),
            if_exists: IfExists::Replace,
        })
        .on_event(|event| {
            if let Event::RefreshingLink { .. } = event {
                refreshed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .generate(&target.succeeding_request())
        .await;
    let saved = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    if let Err(error) = result {
        panic!("a video whose first link expired must still be saved: {error}");
    }
    assert_eq!(
        refreshed.into_inner(),
        1,
        "the expired link must be refreshed exactly once"
    );
    assert!(
        saved.is_ok_and(|bytes| looks_like_mp4(&bytes)),
        "the saved file is not the video"
    );
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    let text = match serde_json::to_string(value) {
        Ok(text) => text,
        Err(error) => panic!("serialising failed: {error}"),
    };
    match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => panic!("reading {text} back failed: {error}"),
    }
}
