//! Saving a task's videos: streamed to disk atomically, hashed on the way, recorded in the
//! journal.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use futures::StreamExt;
use sha2::{Digest, Sha256};
use video_core::{
    DownloadRecord, EntryId, Task, TaskStore, VideoError, VideoProvider, VideoStream, save_to_file,
    update_entry,
};

use crate::progress::bytes_bar;

/// Where video `index` of a task goes: `output` (or `<task_id>.mp4`) for the first, then
/// `<stem>-2.mp4`, `<stem>-3.mp4`, ...
pub(crate) fn video_path(output: Option<&Path>, task: &Task, index: usize) -> PathBuf {
    let first = output.map_or_else(
        || PathBuf::from(format!("{}.mp4", task.id)),
        Path::to_path_buf,
    );
    if index == 0 {
        return first;
    }
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = first
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mp4".into());
    first.with_file_name(format!("{stem}-{}.{extension}", index + 1))
}

/// `path` made absolute against the current folder (without touching the file system).
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, VideoError> {
    std::path::absolute(path).map_err(|source| VideoError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Downloads every video of a finished task, recording each in journal entry `entry`.
/// A finished task without videos is an error (nothing would be saved).
pub(crate) async fn save_videos(
    provider: &dyn VideoProvider,
    task: &Task,
    output: Option<&Path>,
    journal: &dyn TaskStore,
    entry: Option<EntryId>,
) -> Result<Vec<DownloadRecord>, VideoError> {
    if task.videos.is_empty() {
        return Err(VideoError::Decode {
            status: None,
            reason: format!("task {} finished without a video", task.id),
            excerpt: String::new(),
        });
    }
    let mut records = Vec::new();
    for (index, video) in task.videos.iter().enumerate() {
        let path = video_path(output, task, index);
        let stream = provider.download(video).await?;
        let (bytes, sha256) = save_hashed(stream, &path).await?;
        let record = DownloadRecord::new(index, video.url.clone(), path, bytes, sha256);
        if let Some(entry) = entry {
            update_entry(journal, entry, |e| e.apply_download(&record)).await?;
        }
        records.push(record);
    }
    Ok(records)
}

/// Saves `stream` at `path` with a byte bar, returning its size and SHA-256.
async fn save_hashed(stream: VideoStream, path: &Path) -> Result<(u64, String), VideoError> {
    let total = stream.content_length();
    let hasher = Arc::new(Mutex::new(Sha256::new()));
    let feed = Arc::clone(&hasher);
    let chunks = stream.into_chunks().inspect(move |chunk| {
        if let Ok(bytes) = chunk {
            feed.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .update(bytes);
        }
    });
    let bar = bytes_bar(total);
    let saved = save_to_file(VideoStream::new(total, chunks), path, |p| {
        bar.set_position(p.received)
    })
    .await;
    bar.finish_and_clear();
    let saved = saved?;
    let digest = hasher
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .finalize();
    Ok((saved.bytes, hex(&digest)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::TaskStatus;

    #[test]
    fn video_paths_number_the_extra_videos() {
        let task = Task::new("840", TaskStatus::Succeeded);
        assert_eq!(video_path(None, &task, 0), PathBuf::from("840.mp4"));
        assert_eq!(video_path(None, &task, 1), PathBuf::from("840-2.mp4"));
        let out = Path::new("clips/fox.mp4");
        assert_eq!(
            video_path(Some(out), &task, 0),
            PathBuf::from("clips/fox.mp4")
        );
        assert_eq!(
            video_path(Some(out), &task, 2),
            PathBuf::from("clips/fox-3.mp4")
        );
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
