//! Saving a video to a file: streamed to a temporary file beside the target, hashed on the
//! way (SHA-256), synced, and moved into place only when complete, without ever replacing
//! a file the caller did not say may be replaced.

mod target;
mod temp;
mod writer;

use std::path::{Path, PathBuf};

use futures::StreamExt;

use crate::download::check_length;
use crate::error::VideoError;
use crate::provider::VideoProvider;
use crate::provider::VideoStream;
use crate::task::Video;

pub use target::check_output_path;
pub(crate) use temp::remove_stale_parts;
use temp::{Placed, TempFile};
use writer::FileWriter;

/// Download progress, reported after each chunk is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadProgress {
    /// Bytes written so far.
    pub received: u64,
    /// The announced total, if known.
    pub total: Option<u64>,
}

/// What to do when a file already exists at the target. Whatever the choice, a file with
/// exactly the bytes being saved counts as already saved (it is left as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IfExists {
    /// Refuse: the save fails with [`VideoError::Io`] of kind `AlreadyExists`, and the
    /// existing file is untouched. The default.
    #[default]
    Fail,
    /// Replace it atomically.
    Replace,
    /// Keep it and save beside it under the first free name `stem.1.ext`, `stem.2.ext`, ...
    /// ([`SavedVideo::path`] says which).
    KeepBoth,
}

/// How to save: what to do with an existing file, and who hears progress.
///
/// ```
/// use video_core::{IfExists, SaveOptions};
/// let options = SaveOptions::new()
///     .if_exists(IfExists::Replace)
///     .on_progress(|p| eprintln!("{} bytes", p.received));
/// # drop(options);
/// ```
#[must_use]
#[derive(Default)]
pub struct SaveOptions<'a> {
    if_exists: IfExists,
    progress: Option<Box<dyn FnMut(DownloadProgress) + Send + 'a>>,
    sha256: bool,
}

impl<'a> SaveOptions<'a> {
    /// Refuse to replace an existing file; no progress; no SHA-256.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to compute the file's SHA-256 while saving, into [`SavedVideo::sha256`]
    /// (default: no, as `curl -o`; the [`Pipeline`](crate::Pipeline) turns it on, and its
    /// journal records it).
    ///
    /// Hashing runs on the writer's thread, beside the download, but it is the dearest step
    /// of a save (about 0.7 CPU-seconds per GiB with the CPU's SHA instructions): a 1 GiB
    /// download on a busy core runs at about two thirds of the network's speed with it.
    /// Without it, [`SavedVideo::sha256`] is `None` unless an existing file of the same size
    /// had to be compared.
    pub fn sha256(mut self, compute: bool) -> Self {
        self.sha256 = compute;
        self
    }

    /// Sets what to do with an existing file.
    pub fn if_exists(mut self, if_exists: IfExists) -> Self {
        self.if_exists = if_exists;
        self
    }

    /// Calls `progress` after each chunk is written.
    pub fn on_progress(mut self, progress: impl FnMut(DownloadProgress) + Send + 'a) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    fn report(&mut self, progress: DownloadProgress) {
        if let Some(report) = self.progress.as_mut() {
            report(progress);
        }
    }
}

impl std::fmt::Debug for SaveOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveOptions")
            .field("if_exists", &self.if_exists)
            .field("progress", &self.progress.is_some())
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// A video saved to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SavedVideo {
    /// Where it is (with [`IfExists::KeepBoth`], possibly not the path asked for).
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex, when [`SaveOptions::sha256`] asked for it (or an
    /// existing file of the same size had to be compared); else `None`.
    pub sha256: Option<String>,
}

/// Opens `video` with `provider` and saves it to `path`; see [`save_to_file`].
///
/// # Errors
/// As [`VideoProvider::download`] and [`save_to_file`].
pub async fn download_to_file(
    provider: &dyn VideoProvider,
    video: &Video,
    path: &Path,
    options: SaveOptions<'_>,
) -> Result<SavedVideo, VideoError> {
    let stream = provider.download(video).await?;
    save_to_file(stream, path, options).await
}

/// Saves `stream` to `path`: the bytes go to a temporary file in the same folder (written,
/// and hashed when [`SaveOptions::sha256`] asks, on one writer thread), which is synced and
/// moved into place only once every byte arrived (and, when the length was announced, the
/// count matches); the folder is synced after the move, so the file survives a power loss
/// once this returns. On any error, or if the future is dropped, the temporary file is
/// removed and `path` is untouched. Memory use is a chunk or two at a time.
///
/// # Errors
/// [`VideoError::Incomplete`] on a short or long stream; the stream's own errors;
/// [`VideoError::Io`] when writing fails or (with [`IfExists::Fail`]) a different file is
/// already at `path`; [`VideoError::InvalidRequest`] when `path` names no file.
pub async fn save_to_file(
    stream: VideoStream,
    path: &Path,
    mut options: SaveOptions<'_>,
) -> Result<SavedVideo, VideoError> {
    let temp = TempFile::create_beside(path)?;
    let (total, mut chunks) = stream.into_parts();
    let mut file = FileWriter::create(temp.path(), options.sha256)?;
    let mut received = 0_u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        received += chunk.len() as u64;
        if let Some(expected) = total.filter(|&expected| received > expected) {
            return Err(VideoError::Incomplete { expected, received });
        }
        file.write(chunk).await?;
        options.report(DownloadProgress { received, total });
    }
    check_length(total, received)?;
    let mut sha256 = file.finish().await?.map(|digest| hex(&digest));
    let placed = temp
        .place(path, options.if_exists, received, &mut sha256)
        .await?;
    let path = match placed {
        Placed::At(path) | Placed::AlreadyThere(path) => path,
    };
    Ok(SavedVideo {
        path,
        bytes: received,
        sha256,
    })
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use std::sync::atomic::Ordering;

    #[tokio::test]
    async fn the_folder_is_synced_after_the_move() {
        let dir = tempfile::tempdir().unwrap();
        let before = temp::FOLDER_SYNCS.load(Ordering::Relaxed);
        let stream = VideoStream::from_bytes(Bytes::from_static(b"video"));
        save_to_file(stream, &dir.path().join("v.mp4"), SaveOptions::new())
            .await
            .unwrap();
        assert!(temp::FOLDER_SYNCS.load(Ordering::Relaxed) > before);
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
