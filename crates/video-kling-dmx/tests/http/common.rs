//! Helpers shared by the HTTP tests: fixtures, clients pointed at loopback servers, mocks,
//! and tiny raw TCP servers for what wiremock cannot do (dropped connections, chunked writes).

use std::future::Future;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use video_core::{AspectRatio, PollPolicy, Quality, RetryPolicy, Sound, VideoRequest};
use video_kling_dmx::{KlingDmxClient, KlingDmxClientBuilder};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// A distinctive key that must never appear in any output.
pub(crate) const KEY: &str = "sk-TEST-SECRET-9f8e7d";
pub(crate) const SUBMIT_MODEL: &str = "kling-v2-6-text2video";
pub(crate) const QUERY_MODEL: &str = "kling-text2video-get";
pub(crate) const IMAGE_SUBMIT_MODEL: &str = "kling-v2-6-image2video";
pub(crate) const IMAGE_QUERY_MODEL: &str = "kling-image2video-get";
pub(crate) const TASK_ID: &str = "840242793980637239";

pub(crate) fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

/// A builder aimed at `uri` with the test key and short timeouts.
pub(crate) fn builder(uri: &str) -> KlingDmxClientBuilder {
    KlingDmxClient::builder()
        .api_key(KEY)
        .base_url(uri)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(5))
        .stream_timeout(Duration::from_secs(5))
}

pub(crate) fn client(uri: &str) -> KlingDmxClient {
    builder(uri).build().unwrap()
}

/// The request of `fixtures/submit_request.json`.
pub(crate) fn full_request() -> VideoRequest {
    VideoRequest::builder("A person dancing on a beach at sunset")
        .negative_prompt("")
        .quality(Quality::High)
        .sound(Sound::Off)
        .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
        .duration_secs(5)
        .callback_url("https://example.com/hooks/video")
        .build()
}

/// A JSON reply with a fixture body.
pub(crate) fn reply(status: u16, name: &str) -> ResponseTemplate {
    let mime = if name.ends_with(".html") {
        "text/html"
    } else {
        "application/json"
    };
    ResponseTemplate::new(status).set_body_raw(fixture(name), mime)
}

/// An event-stream reply with a fixture body.
pub(crate) fn sse_reply(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(fixture(name), "text/event-stream")
}

/// POSTs to the endpoint naming the submission model.
pub(crate) fn submit_mock() -> MockBuilder {
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .and(body_partial_json(json!({ "model": SUBMIT_MODEL })))
}

/// POSTs to the endpoint naming the query model.
pub(crate) fn query_mock() -> MockBuilder {
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .and(body_partial_json(json!({ "model": QUERY_MODEL })))
}

/// Requests the server received whose body names `model`.
pub(crate) async fn received(server: &MockServer, model: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| {
            request
                .body_json::<Value>()
                .is_ok_and(|body| body["model"] == model)
        })
        .count()
}

/// Polling every 10 ms, retrying submissions after 5–20 ms, no jitter.
pub(crate) fn fast_policy() -> PollPolicy {
    PollPolicy::fixed(ms(10))
        .with_deadline(Duration::from_secs(5))
        .with_submit_retry(fast_retry())
}

pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_delays(ms(5), ms(20))
        .with_concurrency_delay(ms(5))
        .with_jitter(0.0)
}

/// A loopback URL nothing listens on: a port bound and released.
pub(crate) async fn refused_uri() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// A raw server: each connection is handed to `handle` in its own task. Lives as long as
/// the test's runtime.
pub(crate) async fn raw_server<F, Fut>(handle: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    });
    uri
}

/// Reads one HTTP request (headers and a `Content-Length` body) and returns it as text.
pub(crate) async fn read_request(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return text;
            }
        }
    }
    String::from_utf8_lossy(&buf).to_string()
}

/// Writes `head` then `pieces` as chunked transfer encoding, pausing `pause` between writes.
pub(crate) async fn write_chunked(
    stream: &mut TcpStream,
    head: &str,
    pieces: &[Vec<u8>],
    pause: Duration,
) {
    let head = format!("{head}transfer-encoding: chunked\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for piece in pieces {
        let mut frame = format!("{:x}\r\n", piece.len()).into_bytes();
        frame.extend_from_slice(piece);
        frame.extend_from_slice(b"\r\n");
        if stream.write_all(&frame).await.is_err() {
            return;
        }
        let _ = stream.flush().await;
        tokio::time::sleep(pause).await;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let _ = stream.shutdown().await;
}

/// A server whose first submission answers `first` and later ones `then`; queries answer
/// `query_succeed.json`.
pub(crate) async fn server_answering_submits(
    first: ResponseTemplate,
    then: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    submit_mock()
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    submit_mock()
        .respond_with(then)
        .with_priority(2)
        .mount(&server)
        .await;
    query_mock()
        .respond_with(reply(200, "query_succeed.json"))
        .mount(&server)
        .await;
    server
}
