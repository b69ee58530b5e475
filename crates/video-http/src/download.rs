//! Downloading a finished video: URL checks, one GET (credentials only to the API's own
//! origin, when asked), and a byte stream under the time and size rules of
//! [`DownloadLimits`], holding a slot of the client's caps until it is dropped.

use std::pin::Pin;
use std::time::Duration;

use crate::InSpan;
use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::header::{LOCATION, USER_AGENT};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;
use tracing::field::Empty;
use url::Url;
use video_core::provider::VideoStream;
use video_core::{ErrorDetails, VideoError, redact_url};

use crate::body::too_large;
use crate::client::HttpClient;
use crate::errors::transport_error;
use crate::options::DownloadLimits;
use crate::url_policy::{MAX_REDIRECTS, same_origin};

/// The URL of a video whose locator is a link, for providers whose videos are all links.
///
/// # Errors
/// [`VideoError::InvalidRequest`] for a provider reference (another provider's locator, or a
/// journal edited by hand): this provider cannot resolve it.
pub fn url_of(video: &video_core::Video) -> Result<&str, VideoError> {
    video.url().ok_or_else(|| {
        VideoError::invalid_by(
            "video",
            video_core::Rule::Form {
                needed: "url".to_owned(),
            },
            format!(
                "is {}, not a link: this provider's videos are links (was it made by another \
                 provider?)",
                video.locator.for_logs()
            ),
        )
    })
}

/// Opens the video at `url` for reading, without buffering it.
///
/// The URL (and every redirect's) must pass the client's [`crate::UrlPolicy`]. The GET
/// carries the client's credentials — in whatever header the [`crate::Auth`] puts them —
/// only when `api` is given and the URL is on the same origin as it (an authenticated
/// content endpoint); redirects are followed here, at most [`crate::MAX_REDIRECTS`], and
/// a hop to another origin never carries a credential header of any name. Status meanings:
/// 401/403 after sending credentials are [`VideoError::Unauthorized`] /
/// [`VideoError::Forbidden`]; 401/403/404/410 otherwise (and 404/410 with credentials: the
/// content is gone) are [`VideoError::LinkExpired`]; other non-2xx statuses are `Provider`
/// errors (retryable for 5xx, 408, 429); a 2xx JSON body is not a video (a retryable
/// `Decode`). The stream then holds the download rules: each chunk within the idle timeout
/// (`request_timeout`), the minimum throughput over each window, the overall deadline
/// scaled to the length, and the size cap. Errors never include the signed URL.
///
/// # Errors
/// As above; [`VideoError::InvalidRequest`] for a URL that fails the policy.
pub async fn download(
    client: &HttpClient,
    url: &str,
    api: Option<&Url>,
) -> Result<VideoStream, VideoError> {
    let options = client.options();
    let parsed =
        Url::parse(url).map_err(|_| VideoError::invalid("url", "is not an absolute URL"))?;
    client.url_policy().check(&parsed, "url")?;
    let span = tracing::info_span!(
        "video_http.download",
        url = %redact_url(url),
        http_status = Empty,
        content_length = Empty,
    );
    async move {
        let permit = client.acquire_download().await?;
        let started = Instant::now();
        let (response, credentials) = follow(client, parsed, api, started).await?;
        let status = response.status().as_u16();
        crate::record_field("http_status", status);
        check_status(status, credentials, response.headers())?;
        let length = response.content_length();
        if let Some(length) = length {
            crate::record_field("content_length", length);
            if length > options.downloads.max_bytes {
                return Err(too_large("video", options.downloads.max_bytes));
            }
        }
        tracing::debug!("download started");
        let guard = Guard::new(options.request_timeout, options.downloads, length, started);
        Ok(VideoStream::new(
            length,
            chunks(response.bytes_stream(), permit, guard),
        ))
    }
    .in_span(span)
    .await
}

/// GETs `url`, following redirects by hand: each hop checked by the URL policy, and the
/// credentials attached only to hops on the API's origin. Returns the final response and
/// whether credentials went with it.
async fn follow(
    client: &HttpClient,
    mut url: Url,
    api: Option<&Url>,
    started: Instant,
) -> Result<(reqwest::Response, bool), VideoError> {
    let options = client.options();
    for _ in 0..=MAX_REDIRECTS {
        let mut request = client
            .download_client()
            .get(url.clone())
            .header(USER_AGENT, options.user_agent.as_str());
        let credential = match api {
            Some(api) if same_origin(api, &url) => client.auth().credential()?,
            _ => None,
        };
        let credentials = credential.is_some();
        if let Some((name, value)) = credential {
            request = request.header(name, value);
        }
        let response = match tokio::time::timeout(options.request_timeout, request.send()).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => return Err(transport_error(error, started)),
            Err(_) => {
                return Err(VideoError::Timeout {
                    elapsed: started.elapsed(),
                });
            }
        };
        if response.url() != &url {
            // A caller-supplied client followed a redirect on its own: it may have carried a
            // credential header another origin must never see.
            return Err(bad_redirect(
                "the HTTP client followed a redirect itself; give one built with \
                 reqwest::redirect::Policy::none()"
                    .to_owned(),
            ));
        }
        if !response.status().is_redirection() {
            return Ok((response, credentials));
        }
        url = redirect_target(&response, &url)?;
        client.url_policy().check(&url, "url").map_err(|_| {
            bad_redirect("refusing a redirect to a plain-http, non-loopback URL".to_owned())
        })?;
    }
    Err(bad_redirect(format!("more than {MAX_REDIRECTS} redirects")))
}

/// Where a redirect points (its `Location`, resolved against the URL asked).
fn redirect_target(response: &reqwest::Response, asked: &Url) -> Result<Url, VideoError> {
    response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| asked.join(location).ok())
        .ok_or_else(|| bad_redirect("a redirect without a usable Location".to_owned()))
}

fn bad_redirect(reason: String) -> VideoError {
    VideoError::provider(
        format!("the link redirects badly: {reason}"),
        false,
        ErrorDetails::none().with_code("redirect"),
    )
}

/// What a download's status means, given whether credentials were sent.
fn check_status(
    status: u16,
    credentials: bool,
    headers: &reqwest::header::HeaderMap,
) -> Result<(), VideoError> {
    let details = ErrorDetails::none().with_http_status(status);
    match (status, credentials) {
        (200..=299, _) if is_json(headers) => Err(VideoError::decode(
            Some(status),
            "the video host answered JSON, not a video (not ready yet?)",
            b"",
        )),
        (200..=299, _) => Ok(()),
        (401, true) => Err(VideoError::unauthorized(
            "the video host refused the credentials (HTTP 401)",
            details,
        )),
        (403, true) => Err(VideoError::Forbidden {
            message: "the video host refused the credentials (HTTP 403)".to_owned(),
            details,
        }),
        (401 | 403 | 404 | 410, _) => Err(VideoError::LinkExpired { status }),
        _ => Err(VideoError::provider(
            format!("the video host answered HTTP {status}"),
            status >= 500 || status == 408 || status == 429,
            details.with_code(status.to_string()),
        )),
    }
}

fn is_json(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
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
                    return Some((Err(transport_error(error, guard.started)), None));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_grows_with_the_length() {
        let limits = DownloadLimits::default();
        assert_eq!(limits.deadline_for(Some(0)), Duration::from_secs(120));
        assert_eq!(
            limits.deadline_for(Some(32 * 1024 * 100)),
            Duration::from_secs(220)
        );
        assert_eq!(
            limits.deadline_for(None),
            limits.deadline_for(Some(limits.max_bytes))
        );
    }
}
