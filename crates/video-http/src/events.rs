//! A streamed (server-sent events) reply: parsed by `eventsource-stream`, one event at a
//! time within the size cap, each event's data scrubbed of secrets before anyone sees it.

use std::sync::Arc;

use eventsource_stream::{EventStreamError, Eventsource};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;
use video_core::VideoError;

use crate::body::{EventCap, EventStreamError as CapError, too_large};
use crate::errors::transport_error;
use crate::scrub::Scrubber;

/// One server-sent event: its type (`event:` line, empty when absent) and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseEvent {
    /// The `event:` field.
    pub event: String,
    /// The `data:` lines joined, with any echo of a secret replaced.
    pub data: String,
}

/// The events of a streamed reply, in order. Holds a slot of the client's in-flight cap
/// until dropped.
pub struct Events {
    /// The HTTP status.
    pub status: u16,
    stream: BoxStream<'static, Result<SseEvent, VideoError>>,
}

impl Events {
    pub(crate) fn new(
        response: reqwest::Response,
        max_event_bytes: u64,
        scrubber: Arc<Scrubber>,
        permit: OwnedSemaphorePermit,
        started: Instant,
    ) -> Self {
        let status = response.status().as_u16();
        let capped = EventCap::new(response.bytes_stream(), max_event_bytes);
        let stream = capped.eventsource().map(move |item| {
            let _held = &permit;
            match item {
                Ok(event) => Ok(SseEvent {
                    data: scrubber.json_text(&event.data),
                    event: scrubber.text(&event.event).into_owned(),
                }),
                Err(EventStreamError::Transport(CapError::TooLarge(limit))) => {
                    Err(too_large("event", limit))
                }
                Err(EventStreamError::Transport(CapError::Body(error))) => {
                    Err(transport_error(error, started))
                }
                Err(EventStreamError::Utf8(error)) => Err(malformed(&error.to_string())),
                Err(EventStreamError::Parser(error)) => Err(malformed(&error.to_string())),
            }
        });
        Self {
            status,
            stream: stream.boxed(),
        }
    }

    /// Events already in memory (for tests of a provider's event handling).
    pub fn from_events(status: u16, events: Vec<Result<SseEvent, VideoError>>) -> Self {
        Self {
            status,
            stream: futures::stream::iter(events).boxed(),
        }
    }

    /// The next event; `None` when the stream ended.
    pub async fn next(&mut self) -> Option<Result<SseEvent, VideoError>> {
        self.stream.next().await
    }

    /// The events as a stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<SseEvent, VideoError>> + Send {
        self.stream
    }
}

impl SseEvent {
    /// An event of type `event` with `data`.
    pub fn new(event: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            event: event.into(),
            data: data.into(),
        }
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

fn malformed(reason: &str) -> VideoError {
    VideoError::decode(Some(200), format!("malformed event stream: {reason}"), b"")
}
