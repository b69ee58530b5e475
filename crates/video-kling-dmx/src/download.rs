//! Downloading a finished video: URL checks, one GET without the API key, and a byte stream
//! that holds a slot of the in-flight cap until it is dropped.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::USER_AGENT;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;
use url::{Host, Url};
use video_core::{Video, VideoError, VideoStream, redact_url};

use crate::body::too_large;
use crate::client::KlingDmxClient;
use crate::config::DownloadLimits;

/// Most redirects a download follows (with the client this crate builds).
pub(crate) const MAX_REDIRECTS: usize = 5;

/// Refuses anything but `https`, and plain `http` unless the host is loopback or insecure
/// downloads are allowed.
pub(crate) fn check_download_url(url: &Url, allow_insecure: bool) -> Result<(), VideoError> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if url.host().is_some() => {
            if allow_insecure || is_loopback(url) {
                Ok(())
            } else {
                Err(VideoError::invalid(
                    "url",
                    "is plain http to a non-loopback host (see allow_insecure_http)",
                ))
            }
        }
        _ => Err(VideoError::invalid(
            "url",
            "must be an http or https URL with a host",
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Opens `video` for reading. See [`video_core::VideoProvider::download`].
pub(crate) async fn download(
    client: &KlingDmxClient,
    video: &Video,
) -> Result<VideoStream, VideoError> {
    let inner = client.inner();
    let settings = &inner.settings;
    let url =
        Url::parse(&video.url).map_err(|_| VideoError::invalid("url", "is not an absolute URL"))?;
    check_download_url(&url, settings.allow_insecure_http)?;
    let span = tracing::info_span!(
        "kling_dmx.download",
        url = %redact_url(&video.url),
        http_status = Empty,
        content_length = Empty,
    );
    async move {
        let permit = inner.acquire_download().await?;
        let started = Instant::now();
        // No Authorization header: the key only goes to the API endpoint.
        let send = settings
            .download_http
            .get(url)
            .header(USER_AGENT, settings.user_agent.clone())
            .send();
        let response = match tokio::time::timeout(settings.request_timeout, send).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => return Err(download_error(error, started)),
            Err(_) => {
                return Err(VideoError::Timeout {
                    elapsed: started.elapsed(),
                });
            }
        };
        let status = response.status().as_u16();
        tracing::Span::current().record("http_status", status);
        match status {
            200..=299 => {}
            403 | 404 | 410 => return Err(VideoError::LinkExpired { status }),
            _ => {
                return Err(VideoError::Provider {
                    code: status.to_string(),
                    message: format!("the video host answered HTTP {status}"),
                    request_id: None,
                    retryable: status >= 500 || status == 408 || status == 429,
                });
            }
        }
        let length = response.content_length();
        if let Some(length) = length {
            tracing::Span::current().record("content_length", length);
            if length > settings.downloads.max_bytes {
                return Err(too_large("video", settings.downloads.max_bytes));
            }
        }
        tracing::debug!("download started");
        let body = response.bytes_stream();
        let guard = Guard::new(
            settings.request_timeout,
            settings.downloads,
            length,
            started,
        );
        Ok(VideoStream::new(length, chunks(body, permit, guard)))
    }
    .instrument(span)
    .await
}

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// The time and size rules a download runs under: each chunk within `idle`; at least the
/// minimum rate over every window; the whole body before the deadline; no more than the
/// size cap.
#[derive(Debug)]
struct Guard {
    idle: Duration,
    limits: DownloadLimits,
    started: Instant,
    deadline: Instant,
    window_start: Instant,
    window_bytes: u64,
    received: u64,
    last_chunk: Instant,
}

impl Guard {
    fn new(idle: Duration, limits: DownloadLimits, length: Option<u64>, started: Instant) -> Self {
        let deadline = started
            .checked_add(limits.deadline_for(length))
            .unwrap_or_else(|| started + Duration::from_secs(86_400 * 365));
        Self {
            idle,
            limits,
            started,
            deadline,
            window_start: Instant::now(),
            window_bytes: 0,
            received: 0,
            last_chunk: Instant::now(),
        }
    }

    /// When waiting for the next chunk must stop: the idle limit, the end of the current
    /// throughput window or the deadline, whichever comes first.
    fn wake_at(&self) -> Instant {
        let window_end = self.window_start + self.limits.window;
        (self.last_chunk + self.idle)
            .min(window_end)
            .min(self.deadline)
    }

    /// Checks the rules after a chunk of `len` bytes (0 when the wait ended without one).
    fn check(&mut self, len: usize) -> Result<(), VideoError> {
        self.received += len as u64;
        self.window_bytes += len as u64;
        let now = Instant::now();
        if len > 0 {
            self.last_chunk = now;
        }
        if self.received > self.limits.max_bytes {
            return Err(too_large("video", self.limits.max_bytes));
        }
        if now >= self.deadline {
            return Err(VideoError::Timeout {
                elapsed: now - self.started,
            });
        }
        let silent = now - self.last_chunk;
        if silent >= self.idle {
            return Err(VideoError::Timeout { elapsed: silent });
        }
        let window = now - self.window_start;
        if window >= self.limits.window {
            let needed = self.limits.min_bytes_per_sec as f64 * window.as_secs_f64();
            if (self.window_bytes as f64) < needed {
                return Err(VideoError::transport(
                    true,
                    format!(
                        "download too slow: {} bytes in {window:.1?}, below the minimum of {} \
                         bytes/s",
                        self.window_bytes, self.limits.min_bytes_per_sec
                    ),
                ));
            }
            self.window_start = now;
            self.window_bytes = 0;
        }
        Ok(())
    }
}

/// The body's chunks under the `guard`'s rules. The permit is held until the stream ends or
/// is dropped, so downloads count against the in-flight cap while they are read.
fn chunks(
    body: impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
    permit: [OwnedSemaphorePermit; 2],
    guard: Guard,
) -> impl Stream<Item = Result<Bytes, VideoError>> + Send + 'static {
    let body: Body = Box::pin(body);
    let state = Some((body, permit, guard));
    futures::stream::unfold(state, move |state| async move {
        let (mut body, permit, mut guard) = state?;
        loop {
            let next = tokio::time::timeout_at(guard.wake_at(), body.next()).await;
            let (chunk, len) = match next {
                Ok(Some(Ok(chunk))) => {
                    let len = chunk.len();
                    (Some(chunk), len)
                }
                Ok(Some(Err(error))) => {
                    return Some((Err(download_error(error, guard.started)), None));
                }
                Ok(None) => return None,
                Err(_) => (None, 0),
            };
            if let Err(error) = guard.check(len) {
                return Some((Err(error), None));
            }
            if let Some(chunk) = chunk {
                return Some((Ok(chunk), Some((body, permit, guard))));
            }
        }
    })
}

/// A download's network failure, without the (signed) URL in the message.
fn download_error(error: reqwest::Error, started: Instant) -> VideoError {
    let error = error.without_url();
    if error.is_redirect() {
        let reason = std::error::Error::source(&error)
            .map_or_else(|| error.to_string(), ToString::to_string);
        VideoError::Provider {
            code: "redirect".to_owned(),
            message: format!("the video link redirects badly: {reason}"),
            request_id: None,
            retryable: false,
        }
    } else if error.is_connect() {
        VideoError::transport(false, error)
    } else if error.is_timeout() {
        VideoError::Timeout {
            elapsed: started.elapsed(),
        }
    } else {
        VideoError::transport(true, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, allow: bool) -> bool {
        check_download_url(&Url::parse(url).unwrap(), allow).is_ok()
    }

    #[test]
    fn only_https_or_loopback_http_by_default() {
        assert!(check("https://cdn.example/v.mp4?sig=1", false));
        assert!(check("http://127.0.0.1:8080/v.mp4", false));
        assert!(check("http://127.8.0.1/v.mp4", false));
        assert!(check("http://[::1]:9/v.mp4", false));
        assert!(check("http://LOCALHOST/v.mp4", false));
        assert!(!check("http://cdn.example/v.mp4", false));
        assert!(!check("http://10.0.0.1/v.mp4", false));
        assert!(check("http://cdn.example/v.mp4", true));
        assert!(!check("ftp://cdn.example/v.mp4", true));
        assert!(!check("file:///etc/passwd", true));
        assert!(!check("data:video/mp4;base64,AAAA", true));
    }
}
