//! `GET /videos/{task_id}.mp4`: the finished video, with `Content-Length` and `Range`.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::time::Instant;
use video_core::provider::sample::SampleMp4;

use super::{AtomicCounters, Engine, Stage};

/// Bytes per body chunk.
const CHUNK: usize = 64 * 1024;

/// Serves a finished task's video (404 before it is finished or for an unknown id).
pub(crate) async fn video(
    State(state): State<Arc<Engine>>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    AtomicCounters::bump(&state.counters.downloads);
    let credentials = [header::AUTHORIZATION.as_str(), "api-key", "x-api-key"];
    if credentials.iter().any(|name| headers.contains_key(*name)) {
        AtomicCounters::bump(&state.counters.downloads_with_credentials);
    }
    let finished = file
        .strip_suffix(".mp4")
        .and_then(|id| state.task(id))
        .filter(|task| task.stage_at(Instant::now(), state.config.render_time) == Stage::Succeed);
    let Some(task) = finished else {
        return cdn_error(StatusCode::NOT_FOUND, "NoSuchKey");
    };
    if state.is_expired_link(link_number(query.as_deref()))
        || state.take_expire_next()
        || state.roll(state.config.faults.expired_link_rate)
    {
        return cdn_error(StatusCode::FORBIDDEN, "AccessDenied: signature expired");
    }
    serve(&state, &task, &headers)
}

/// The bytes of `task`'s video (a front's content route calls this once it has checked the
/// request its own way): `Range`, truncation and drip-feed faults applied.
pub(crate) fn serve(state: &Engine, task: &super::FakeTask, headers: &HeaderMap) -> Response {
    let seed = state.config.seed ^ task.number;
    let sample = Arc::new(SampleMp4::new(state.config.video_bytes, seed));
    let total = sample.len();
    let range = match headers
        .get(header::RANGE)
        .map(|value| parse_range(value, total))
    {
        None => None,
        Some(Some(range)) => Some(range),
        Some(None) => return unsatisfiable(total),
    };
    let truncate = state.roll(state.config.faults.truncate_download_rate);
    let span = range.clone().unwrap_or(0..total);
    let body = match state.config.faults.drip_download {
        Some(pause) => drip(sample, span.clone(), pause),
        None => body(sample, span.clone(), truncate),
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(span.end - span.start),
    );
    if let Some(range) = range {
        let value = format!("bytes {}-{}/{total}", range.start, range.end - 1);
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(header::CONTENT_RANGE, value);
        }
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
    }
    response
}

/// The bytes of `span`, generated chunk by chunk; cut off halfway when `truncate`.
fn body(sample: Arc<SampleMp4>, span: Range<u64>, truncate: bool) -> Body {
    let stop = if truncate {
        span.start + (span.end - span.start) / 2
    } else {
        span.end
    };
    let chunks = futures::stream::unfold(span.start, move |at| {
        let sample = Arc::clone(&sample);
        async move {
            if at >= stop {
                return (truncate && at < span.end).then(|| {
                    let error = std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "fault: truncated",
                    );
                    (Err(error), span.end)
                });
            }
            let len = usize::try_from(stop - at).unwrap_or(CHUNK).min(CHUNK);
            let mut buf = vec![0; len];
            let written = sample.read_at(at, &mut buf);
            buf.truncate(written);
            Some((Ok(Bytes::from(buf)), at + written as u64))
        }
    });
    Body::from_stream(chunks)
}

/// The bytes of `span`, one at a time with `pause` between them.
fn drip(sample: Arc<SampleMp4>, span: Range<u64>, pause: Duration) -> Body {
    let bytes = futures::stream::unfold(span.start, move |at| {
        let sample = Arc::clone(&sample);
        async move {
            if at >= span.end {
                return None;
            }
            if at > span.start {
                tokio::time::sleep(pause).await;
            }
            let mut byte = [0_u8; 1];
            sample.read_at(at, &mut byte);
            Some((
                Ok::<_, std::io::Error>(Bytes::copy_from_slice(&byte)),
                at + 1,
            ))
        }
    });
    Body::from_stream(bytes)
}

/// Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against a file of `total` bytes.
fn parse_range(value: &HeaderValue, total: u64) -> Option<Range<u64>> {
    let spec = value.to_str().ok()?.trim().strip_prefix("bytes=")?;
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (total.saturating_sub(n), total)
        }
        (start, "") => (start.parse().ok()?, total),
        (start, end) => (
            start.parse().ok()?,
            end.parse::<u64>().ok()?.saturating_add(1).min(total),
        ),
    };
    (start < end && start < total).then_some(start..end)
}

fn unsatisfiable(total: u64) -> Response {
    let range = format!("bytes */{total}");
    let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
    if let Ok(value) = HeaderValue::from_str(&range) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    response
}

fn cdn_error(status: StatusCode, code: &str) -> Response {
    let body = format!("<?xml version=\"1.0\"?><Error><Code>{code}</Code></Error>");
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

/// The `link` number of a video URL's query, if any.
fn link_number(query: Option<&str>) -> Option<u64> {
    crate::replies::query_param(query, "link").and_then(|value| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &'static str, total: u64) -> Option<Range<u64>> {
        parse_range(&HeaderValue::from_static(text), total)
    }

    #[test]
    fn ranges_parse_like_rfc_9110() {
        assert_eq!(range("bytes=0-99", 1000), Some(0..100));
        assert_eq!(range("bytes=900-", 1000), Some(900..1000));
        assert_eq!(range("bytes=-100", 1000), Some(900..1000));
        assert_eq!(range("bytes=990-5000", 1000), Some(990..1000));
        assert_eq!(range("bytes=1000-", 1000), None);
        assert_eq!(range("bytes=5-2", 1000), None);
        assert_eq!(range("items=0-1", 1000), None);
    }
}
