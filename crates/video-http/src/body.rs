//! Reading bodies off the network with a size cap: an API reply whole, an event stream one
//! event at a time. Nothing past a cap is read into memory.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use video_core::VideoError;

/// Why a capped read stopped.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The body is larger than the cap (announced or counted); nothing more was read.
    TooLarge(u64),
    /// The connection failed while reading.
    Network(reqwest::Error),
}

/// [`VideoError::TooLarge`] for `what`.
#[cold]
pub(crate) fn too_large(what: &str, limit: u64) -> VideoError {
    VideoError::TooLarge {
        what: what.to_owned(),
        limit,
    }
}

/// Reads the whole body, refusing (without reading on) one larger than `limit` bytes.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<Bytes, ReadError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(ReadError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Network)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(ReadError::TooLarge(limit));
        }
        if body.is_empty() && chunk.len() == response.content_length().unwrap_or(0) as usize {
            return Ok(chunk);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// An event stream's bytes, failing once a single event (the bytes since the last blank
/// line) grows past `limit`: the parser behind it buffers a whole event in memory.
pub(crate) struct EventCap<S> {
    inner: S,
    limit: u64,
    in_event: u64,
    after_newline: bool,
    failed: bool,
}

impl<S> EventCap<S> {
    pub(crate) fn new(inner: S, limit: u64) -> Self {
        Self {
            inner,
            limit,
            in_event: 0,
            after_newline: false,
            failed: false,
        }
    }

    /// Counts `chunk`; false once the current event is over the limit.
    fn admit(&mut self, chunk: &[u8]) -> bool {
        for &byte in chunk {
            match byte {
                b'\n' if self.after_newline => self.in_event = 0,
                b'\n' => self.after_newline = true,
                b'\r' => {}
                _ => self.after_newline = false,
            }
            self.in_event += 1;
            if self.in_event > self.limit {
                return false;
            }
        }
        true
    }
}

/// The error an [`EventCap`] stream yields: the event was too large, or the body failed.
#[derive(Debug)]
pub(crate) enum EventStreamError<E> {
    /// One event passed the cap.
    TooLarge(u64),
    /// The body failed.
    Body(E),
}

impl<S, E> Stream for EventCap<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<Bytes, EventStreamError<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if self.admit(&chunk) {
                    Poll::Ready(Some(Ok(chunk)))
                } else {
                    self.failed = true;
                    Poll::Ready(Some(Err(EventStreamError::TooLarge(self.limit))))
                }
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(EventStreamError::Body(error)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    async fn run(chunks: &[&'static [u8]], limit: u64) -> Vec<Result<usize, String>> {
        let stream = futures::stream::iter(
            chunks
                .iter()
                .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
        );
        EventCap::new(stream, limit)
            .map(|item| match item {
                Ok(bytes) => Ok(bytes.len()),
                Err(EventStreamError::TooLarge(limit)) => Err(format!("too large {limit}")),
                Err(EventStreamError::Body(error)) => Err(error.to_string()),
            })
            .collect()
            .await
    }

    #[tokio::test]
    async fn many_small_events_pass_however_long_the_stream() {
        let event: &'static [u8] = b"data: 0123456789\n\n";
        let chunks = vec![event; 1000];
        let results = run(&chunks, 32).await;
        assert!(results.iter().all(Result::is_ok));
        let crlf: &'static [u8] = b"data: 0123456789\r\n\r\n";
        assert!(run(&vec![crlf; 100], 32).await.iter().all(Result::is_ok));
    }

    #[tokio::test]
    async fn one_event_past_the_cap_ends_the_stream() {
        let results = run(&[b"data: 0123", b"456789abcdef", b"ghij\n\n"], 20).await;
        assert_eq!(
            results,
            vec![Ok(10), Err("too large 20".into())],
            "no chunk after the error"
        );
    }
}
