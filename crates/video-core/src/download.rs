//! Downloading: [`VideoStream`] (what a provider's `download` returns) and saving it to a
//! file atomically, with progress, without holding the video in memory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use crate::error::VideoError;
use crate::provider::VideoProvider;
use crate::task::Video;

/// A video as a stream of byte chunks, with its length when the provider announced one.
pub struct VideoStream {
    content_length: Option<u64>,
    chunks: BoxStream<'static, Result<Bytes, VideoError>>,
}

impl VideoStream {
    /// Wraps a stream of chunks; `content_length` is the announced total, if any.
    pub fn new(
        content_length: Option<u64>,
        chunks: impl Stream<Item = Result<Bytes, VideoError>> + Send + 'static,
    ) -> Self {
        Self {
            content_length,
            chunks: chunks.boxed(),
        }
    }

    /// A stream over bytes already in memory (for fakes and tests), in chunks of 64 KiB.
    pub fn from_bytes(bytes: Bytes) -> Self {
        const CHUNK: usize = 64 * 1024;
        let len = bytes.len() as u64;
        let chunks: Vec<Result<Bytes, VideoError>> = (0..bytes.len())
            .step_by(CHUNK)
            .map(|start| Ok(bytes.slice(start..(start + CHUNK).min(bytes.len()))))
            .collect();
        Self::new(Some(len), futures::stream::iter(chunks))
    }

    /// The announced length in bytes, if known.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The chunks, for callers that process the video themselves.
    pub fn into_chunks(self) -> BoxStream<'static, Result<Bytes, VideoError>> {
        self.chunks
    }

    /// Reads the whole video into memory, checking the announced length. For small videos
    /// and tests; use [`save_to_file`] for real downloads.
    pub async fn collect_bytes(self) -> Result<Vec<u8>, VideoError> {
        let expected = self.content_length;
        let mut out = Vec::with_capacity(expected.unwrap_or(0).min(1 << 20) as usize);
        let mut chunks = self.chunks;
        while let Some(chunk) = chunks.next().await {
            out.extend_from_slice(&chunk?);
        }
        check_length(expected, out.len() as u64)?;
        Ok(out)
    }
}

impl fmt::Debug for VideoStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VideoStream")
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// Download progress, reported after each chunk is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadProgress {
    /// Bytes written so far.
    pub received: u64,
    /// The announced total, if known.
    pub total: Option<u64>,
}

/// A video saved to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SavedVideo {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Opens `video` with `provider` and saves it to `path`; see [`save_to_file`].
pub async fn download_to_file(
    provider: &dyn VideoProvider,
    video: &Video,
    path: &Path,
    on_progress: impl FnMut(DownloadProgress) + Send,
) -> Result<SavedVideo, VideoError> {
    let stream = provider.download(video).await?;
    save_to_file(stream, path, on_progress).await
}

/// Saves `stream` to `path` atomically: the bytes go to a temporary file in the same folder,
/// which is synced and renamed over `path` only once every byte arrived (and, when the length
/// was announced, the count matches). On any error, or if the future is dropped, the
/// temporary file is removed and `path` is untouched. Memory use is one chunk at a time.
pub async fn save_to_file(
    stream: VideoStream,
    path: &Path,
    mut on_progress: impl FnMut(DownloadProgress) + Send,
) -> Result<SavedVideo, VideoError> {
    let temp = TempFile::create_beside(path)?;
    let total = stream.content_length;
    let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, open_new(&temp.path).await?);
    let mut received = 0_u64;
    let mut chunks = stream.chunks;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        received += chunk.len() as u64;
        if let Some(expected) = total.filter(|&expected| received > expected) {
            return Err(VideoError::Incomplete { expected, received });
        }
        file.write_all(&chunk).await.map_err(io_error(&temp.path))?;
        on_progress(DownloadProgress { received, total });
    }
    check_length(total, received)?;
    file.flush().await.map_err(io_error(&temp.path))?;
    let file = file.into_inner();
    file.sync_all().await.map_err(io_error(&temp.path))?;
    drop(file);
    temp.persist(path).await?;
    Ok(SavedVideo {
        path: path.to_owned(),
        bytes: received,
    })
}

fn check_length(expected: Option<u64>, received: u64) -> Result<(), VideoError> {
    match expected {
        Some(expected) if expected != received => {
            Err(VideoError::Incomplete { expected, received })
        }
        _ => Ok(()),
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> VideoError + '_ {
    move |source| VideoError::Io {
        path: path.to_owned(),
        source,
    }
}

async fn open_new(path: &Path) -> Result<tokio::fs::File, VideoError> {
    tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await
        .map_err(io_error(path))
}

/// A temporary file that removes itself unless persisted.
#[derive(Debug)]
struct TempFile {
    path: PathBuf,
    persisted: bool,
}

impl TempFile {
    /// Picks a fresh name beside `target` (same folder, so the rename is atomic).
    fn create_beside(target: &Path) -> Result<Self, VideoError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = target
            .file_name()
            .ok_or_else(|| VideoError::invalid("path", "must name a file"))?
            .to_string_lossy();
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let unique = format!(
            ".{name}.{}-{}.part",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        Ok(Self {
            path: folder.join(unique),
            persisted: false,
        })
    }

    async fn persist(mut self, target: &Path) -> Result<(), VideoError> {
        tokio::fs::rename(&self.path, target)
            .await
            .map_err(io_error(target))?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
