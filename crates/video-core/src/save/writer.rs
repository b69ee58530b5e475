//! [`FileWriter`]: a file written (and hashed) on one blocking thread, fed the network's
//! chunks through a small bounded channel. No user-space copy (each `Bytes` chunk goes
//! straight to `write`, then to SHA-256 while it is still in cache), and the next network
//! read overlaps the previous write.

use std::io::Write;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::temp::io_error;
use crate::error::VideoError;

/// Chunks queued for the writer at most: enough to overlap reads and writes, few enough
/// that a slow disk holds back the download instead of memory growing (each chunk can keep
/// the HTTP client's whole read buffer alive).
const QUEUED_CHUNKS: usize = 1;

/// A SHA-256 digest.
pub(super) type Sha256Digest = [u8; 32];

/// A file being written on a blocking thread.
pub(super) struct FileWriter {
    path: PathBuf,
    chunks: Option<mpsc::Sender<Bytes>>,
    thread: JoinHandle<std::io::Result<Option<Sha256Digest>>>,
}

impl FileWriter {
    /// Creates `path` (which must not exist) and starts the writer; with `hash`, it also
    /// computes the SHA-256 of what it writes.
    pub(super) fn create(path: &Path, hash: bool) -> Result<Self, VideoError> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(io_error(path))?;
        let (sender, receiver) = mpsc::channel(QUEUED_CHUNKS);
        let hasher = hash.then(Sha256::new);
        let thread = tokio::task::spawn_blocking(move || write_all(file, receiver, hasher));
        Ok(Self {
            path: path.to_owned(),
            chunks: Some(sender),
            thread,
        })
    }

    /// Queues one chunk (waits while the writer is behind).
    pub(super) async fn write(&mut self, chunk: Bytes) -> Result<(), VideoError> {
        let queued = match &self.chunks {
            // Sent, then handed over: the writer has taken it before the next network read
            // (each chunk can keep a whole read buffer of the HTTP client alive, so one
            // fewer in a queue is one fewer buffer).
            Some(chunks) => chunks.send(chunk).await.is_ok() && chunks.reserve().await.is_ok(),
            None => false,
        };
        if queued {
            return Ok(());
        }
        // The writer stopped: its error says why.
        self.chunks = None;
        Err(self.join().await.err().unwrap_or_else(|| {
            io_error(&self.path)(std::io::Error::other("the file writer stopped"))
        }))
    }

    /// Writes what is queued, syncs the file to disk and closes it; the SHA-256 of every
    /// byte written, when asked for.
    pub(super) async fn finish(mut self) -> Result<Option<Sha256Digest>, VideoError> {
        self.chunks = None;
        self.join().await
    }

    async fn join(&mut self) -> Result<Option<Sha256Digest>, VideoError> {
        match (&mut self.thread).await {
            Ok(result) => result.map_err(io_error(&self.path)),
            Err(joined) => Err(io_error(&self.path)(std::io::Error::other(
                joined.to_string(),
            ))),
        }
    }
}

/// The writer thread: every chunk in order (written, then hashed), then `fsync`.
fn write_all(
    mut file: std::fs::File,
    mut chunks: mpsc::Receiver<Bytes>,
    mut hasher: Option<Sha256>,
) -> std::io::Result<Option<Sha256Digest>> {
    while let Some(chunk) = chunks.blocking_recv() {
        file.write_all(&chunk)?;
        if let Some(hasher) = &mut hasher {
            hasher.update(&chunk);
        }
    }
    file.sync_all()?;
    Ok(hasher.map(|hasher| hasher.finalize().into()))
}
