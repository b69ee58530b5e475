//! What the client logs: spans and task ids, never the key, the prompt or a signed URL's
//! signature.
//!
//! A test binary of its own, with ONE global subscriber installed before anything logs.
//! Tracing caches each callsite's interest process-wide: with a thread-local subscriber
//! (`set_default`) in a binary where other tests log on other threads with none, a callsite
//! first reached there is cached as "never interested" and the capturing test silently
//! misses its spans (it failed about 1 run in 4 under load). A global subscriber is known
//! when every callsite registers, so the cache is right from the start.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "http/common.rs"]
#[allow(dead_code, unreachable_pub)]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use video_core::{TaskId, Video, VideoProvider, VideoRequest};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use common::*;

/// Everything logged in this process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the global capturing subscriber once and returns the capture.
fn captured() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        captured
    })
}

#[tokio::test]
async fn logs_carry_neither_key_nor_prompt_nor_signature() {
    let captured = captured();
    let server = server_answering_submits(
        reply(200, "submit_ok.json"),
        reply(401, "error_relay_unauthorized.json"),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v.mp4"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0_u8; 64], "video/mp4"))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let prompt = "PROMPT-MARKER a fox in the snow";
    client.submit(&VideoRequest::new(prompt)).await.unwrap();
    client.submit(&VideoRequest::new(prompt)).await.unwrap_err();
    client.task(&TaskId::new(TASK_ID)).await.unwrap();
    let video = Video::new(format!("{}/v.mp4?sig=SIGNATURE-MARKER", server.uri()));
    client
        .download(&video)
        .await
        .unwrap()
        .collect_bytes()
        .await
        .unwrap();
    client
        .download(&Video::new("http://example.com/v.mp4?sig=SIGNATURE-MARKER"))
        .await
        .unwrap_err();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("kling_dmx.submit"),
        "spans are logged: {logs}"
    );
    assert!(logs.contains(TASK_ID), "the task id is logged");
    assert!(!logs.contains(KEY), "key in logs: {logs}");
    assert!(!logs.contains("PROMPT-MARKER"), "prompt in logs: {logs}");
    assert!(
        !logs.contains("SIGNATURE-MARKER"),
        "signed URL in logs: {logs}"
    );
}
