//! The API key never shows: not in `Debug`, not in errors (even when the relay echoes it).
//! What the logs carry is checked in `tests/logs.rs`, a test binary of its own (it needs a
//! global subscriber).

use serde_json::json;
use video_core::{TaskId, VideoError, VideoProvider, VideoRequest};
use video_kling_dmx::KlingDmxClient;
use wiremock::{MockServer, ResponseTemplate};

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
