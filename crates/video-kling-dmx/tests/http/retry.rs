//! Core's retry rules applied to this client's classification: `generate` resubmits only
//! what provably created no task.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;
use video_core::{Event, Pipeline, TaskStatus, VideoError, VideoRequest, generate};
use wiremock::{MockServer, ResponseTemplate};

use crate::common::*;

/// A server whose first submission answers `first`, later ones `submit_ok.json`; queries
/// answer `query_succeed.json`.
async fn server_refusing_once(first: ResponseTemplate) -> MockServer {
    server_answering_submits(first, reply(200, "submit_ok.json")).await
}

/// Runs `generate` and counts the submit retries it reported.
async fn generate_counting(uri: &str) -> (Result<video_core::Task, VideoError>, u32) {
    let retries = Mutex::new(0_u32);
    let observer = |event: &Event<'_>| {
        if let Event::SubmitRetry { .. } = event {
            *retries.lock().unwrap() += 1;
        }
    };
    let request = VideoRequest::new("a red fox running through fresh snow");
    let client = client(uri);
    let result = Pipeline::new(&client)
        .policy(fast_policy())
        .on_event(observer)
        .generate(&request)
        .await
        .map(|done| done.task);
    (result, retries.into_inner().unwrap())
}

#[tokio::test]
async fn relay_429_without_a_code_is_retried() {
    let first = ResponseTemplate::new(429).set_body_json(
        json!({"error": {"message": "upstream throttled", "type": "dmxapi_error", "param": "", "code": "rate_limit"}}),
    );
    let server = server_refusing_once(first).await;
    let (result, retries) = generate_counting(&server.uri()).await;
    assert_eq!(result.unwrap().status, TaskStatus::Succeeded);
    assert_eq!(retries, 1);
    assert_eq!(received(&server, SUBMIT_MODEL).await, 2);
}

#[tokio::test]
async fn concurrency_limit_1303_is_retried() {
    let server = server_refusing_once(reply(429, "error_kling_1303_concurrency.json")).await;
    let (result, retries) = generate_counting(&server.uri()).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(retries, 1);
    assert_eq!(received(&server, SUBMIT_MODEL).await, 2);
}

#[tokio::test]
async fn rate_limit_1302_is_retried_after_at_least_a_second() {
    let server = server_refusing_once(reply(429, "error_kling_1302_rate_limit.json")).await;
    let started = Instant::now();
    let (result, retries) = generate_counting(&server.uri()).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(retries, 1);
    assert_eq!(received(&server, SUBMIT_MODEL).await, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "1302 waits ≥ 1 s"
    );
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    let uri = refused_uri().await;
    let (result, retries) = generate_counting(&uri).await;
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            VideoError::Transport {
                reached_server: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(retries, fast_retry().max_retries);
}

#[tokio::test]
async fn a_timeout_after_sending_is_never_resubmitted() {
    let server = server_refusing_once(reply(200, "submit_ok.json").set_delay(ms(400))).await;
    let client = builder(&server.uri())
        .request_timeout(ms(50))
        .build()
        .unwrap();
    let request = VideoRequest::new("a red fox");
    let error = generate(&client, &request, &fast_policy())
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
    assert_eq!(received(&server, SUBMIT_MODEL).await, 1);
}

#[tokio::test]
async fn refusals_that_are_not_rate_limits_are_never_resubmitted() {
    let cases = [
        (reply(429, "error_kling_1102_quota.json"), "quota_exceeded"),
        (
            ResponseTemplate::new(429).set_body_json(json!({"code": 1304, "message": "ip"})),
            "forbidden",
        ),
        (
            // A 5xx or a gateway page may hide a task: `generate` reports it as an unknown
            // outcome (as the journal does), never resubmitting.
            ResponseTemplate::new(503).set_body_json(json!({"code": 5001, "message": "busy"})),
            "unknown_outcome",
        ),
        (reply(502, "error_gateway.html"), "unknown_outcome"),
        (reply(401, "error_relay_unauthorized.json"), "unauthorized"),
    ];
    for (first, kind) in cases {
        let server = server_refusing_once(first).await;
        let (result, retries) = generate_counting(&server.uri()).await;
        let error = result.unwrap_err();
        assert_eq!(error.kind(), kind, "{error}");
        assert_eq!(retries, 0, "{kind}");
        assert_eq!(received(&server, SUBMIT_MODEL).await, 1, "{kind}");
    }
}

#[tokio::test]
async fn queries_are_retried_through_gateway_errors() {
    let server = MockServer::start().await;
    submit_mock()
        .respond_with(reply(200, "submit_ok.json"))
        .mount(&server)
        .await;
    query_mock()
        .respond_with(reply(502, "error_gateway.html"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    query_mock()
        .respond_with(reply(200, "query_succeed.json"))
        .with_priority(2)
        .mount(&server)
        .await;
    let (result, _) = generate_counting(&server.uri()).await;
    assert_eq!(result.unwrap().status, TaskStatus::Succeeded);
    assert_eq!(received(&server, QUERY_MODEL).await, 3);
}
