//! The parts of reading an API call's answer: a redirect refused, an event stream told
//! apart, a reply's head and its body read within the cap, both scrubbed of every secret.

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;
use video_core::VideoError;

use crate::body::{ReadError, read_capped, too_large};
use crate::errors::transport_error;
use crate::retry_after::retry_after;
use crate::scrub::Scrubber;
use crate::url_policy::host_of;

/// A reply's status, `Retry-After` and headers (scrubbed), taken out of `response`.
pub(crate) fn head_of(
    response: &mut reqwest::Response,
    scrubber: &Scrubber,
) -> (u16, Option<Duration>, HeaderMap) {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let headers = scrubbed_headers(std::mem::take(response.headers_mut()), scrubber);
    (status, retry_after, headers)
}

/// A reply's body read whole within `max` bytes and scrubbed; a failure to read it is a
/// transport error of the call `started` then.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    max: u64,
    scrubber: &Scrubber,
    started: Instant,
) -> Result<Bytes, VideoError> {
    match read_capped(response, max).await {
        Ok(body) => Ok(scrubber.bytes(body)),
        Err(ReadError::TooLarge(limit)) => Err(too_large("reply", limit)),
        Err(ReadError::Network(error)) => Err(transport_error(error, started)),
    }
}

/// Refuses a reply that is a redirect, or (with a caller-supplied client that follows
/// them: `asked` is then the URL asked for) one that came through a redirect: API calls go
/// to the URL asked for only.
pub(crate) fn check_not_redirected(
    response: &reqwest::Response,
    asked: Option<&Url>,
) -> Result<(), VideoError> {
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|location| response.url().join(location).ok());
        let target = location.map_or_else(|| "an unnamed location".to_owned(), |url| host_of(&url));
        return Err(redirected(response.url(), status.as_u16(), &target));
    }
    match asked {
        Some(asked) if response.url() != asked => {
            Err(redirected(asked, status.as_u16(), &host_of(response.url())))
        }
        _ => Ok(()),
    }
}

/// The error for an API call redirected from `asked` to `target`.
#[cold]
fn redirected(asked: &Url, status: u16, target: &str) -> VideoError {
    VideoError::Configuration {
        message: format!(
            "the API at {} redirected the call (HTTP {status}) to {target}; API calls never \
             follow redirects: if that host is the API, use it as the base URL",
            host_of(asked),
        ),
        details: video_core::ErrorDetails::none(),
    }
}

/// The headers with every echo of a secret replaced (a server may echo the key in any of
/// them); a value is copied only when it holds one.
fn scrubbed_headers(mut headers: HeaderMap, scrubber: &Scrubber) -> HeaderMap {
    for value in headers.values_mut() {
        if !scrubber.may_hold_secret(value.as_bytes()) {
            continue;
        }
        let bytes = Bytes::copy_from_slice(value.as_bytes());
        let scrubbed = scrubber.bytes(bytes.clone());
        if scrubbed != bytes
            && let Ok(replaced) = HeaderValue::from_bytes(&scrubbed)
        {
            *value = replaced;
        }
    }
    headers
}

pub(crate) fn is_event_stream(headers: &HeaderMap) -> bool {
    const EVENT_STREAM: &[u8] = b"text/event-stream";
    headers.get(CONTENT_TYPE).is_some_and(|value| {
        let value = value.as_bytes().trim_ascii_start();
        value.len() >= EVENT_STREAM.len()
            && value[..EVENT_STREAM.len()].eq_ignore_ascii_case(EVENT_STREAM)
    })
}
