//! The API key never shows: not in `Debug`, not in errors (even when the relay echoes it),
//! not in logs; prompts and signed URLs stay out of logs too.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use video_core::{TaskId, Video, VideoError, VideoProvider, VideoRequest};
use video_kling_dmx::KlingDmxClient;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn assert_hidden(error: &VideoError) {
    let shown = format!("{error} | {error:?}");
    assert!(!shown.contains(KEY), "key leaked: {shown}");
}

#[tokio::test]
async fn debug_output_hides_the_key() {
    let builder = KlingDmxClient::builder().api_key(KEY);
    let shown = format!("{builder:?}");
    assert!(shown.contains("api_key: [redacted]"), "{shown}");
    assert!(!shown.contains(KEY));
    let client = builder.build().unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert!(
        shown.contains("[redacted]") && !shown.contains(KEY),
        "{shown}"
    );
    let cloned = client.clone();
    assert!(!format!("{cloned:?}").contains(KEY));
}

#[tokio::test]
async fn errors_hide_the_key_even_when_the_relay_echoes_it() {
    let server = MockServer::start().await;
    let echo = json!({"error": {"message": format!("invalid token {KEY}"), "type": "dmxapi_error", "param": "", "code": "invalid_api_key"}});
    submit_mock()
        .respond_with(ResponseTemplate::new(401).set_body_json(echo))
        .mount(&server)
        .await;
    query_mock()
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw(format!("<html>bad gateway for {KEY}</html>"), "text/html"),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let error = client.submit(&VideoRequest::new("fox")).await.unwrap_err();
    assert!(
        matches!(error, VideoError::Unauthorized { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("[redacted]"));
    assert_hidden(&error);
    let error = client.task(&TaskId::new(TASK_ID)).await.unwrap_err();
    assert!(matches!(error, VideoError::Provider { .. }), "{error:?}");
    assert_hidden(&error);
}

#[tokio::test]
async fn network_errors_hide_the_key() {
    let client = client(&refused_uri().await);
    assert_hidden(&client.submit(&VideoRequest::new("fox")).await.unwrap_err());
    assert_hidden(&client.task(&TaskId::new(TASK_ID)).await.unwrap_err());
    let slow = MockServer::start().await;
    submit_mock()
        .respond_with(reply(200, "submit_ok.json").set_delay(ms(300)))
        .mount(&slow)
        .await;
    let client = builder(&slow.uri())
        .request_timeout(ms(30))
        .build()
        .unwrap();
    let error = client.submit(&VideoRequest::new("fox")).await.unwrap_err();
    assert!(matches!(error, VideoError::UnknownOutcome { .. }));
    assert_hidden(&error);
}

/// A writer into a shared buffer, for capturing log output.
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

#[tokio::test]
async fn logs_carry_neither_key_nor_prompt_nor_signature() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
