//! [`VideoStream`]: what a provider's `download` returns, a video as a stream of chunks.

use std::fmt;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use crate::error::VideoError;

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

    /// The announced length and the chunks.
    pub(crate) fn into_parts(self) -> (Option<u64>, BoxStream<'static, Result<Bytes, VideoError>>) {
        (self.content_length, self.chunks)
    }

    /// Reads the whole video into memory, checking the announced length. For small videos
    /// and tests; use [`crate::save_to_file`] for real downloads.
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

pub(crate) fn check_length(expected: Option<u64>, received: u64) -> Result<(), VideoError> {
    match expected {
        Some(expected) if expected != received => {
            Err(VideoError::Incomplete { expected, received })
        }
        _ => Ok(()),
    }
}
