//! Every fixture reply over real HTTP, the exact request on the wire, and every error row.

use std::time::Duration;

use serde_json::json;
use video_core::{
    RateLimitScope, TaskId, TaskStatus, Usage, VideoError, VideoProvider, VideoRequest,
};
use video_kling_dmx::KlingDmxClient;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn submit_sends_the_exact_body_and_the_raw_key() {
    let server = MockServer::start().await;
    let mut expected = fixture_json("submit_request.json");
    // An empty negative prompt is omitted.
    expected.as_object_mut().unwrap().remove("negative_prompt");
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .and(header("authorization", KEY))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected))
        .respond_with(reply(200, "submit_ok.json"))
        .expect(1)
        .mount(&server)
        .await;
    let task = client(&server.uri()).submit(&full_request()).await.unwrap();
    assert_eq!(task.id.as_str(), TASK_ID);
    assert_eq!(task.status, TaskStatus::Submitted);
    assert_eq!(
        task.request_id.as_deref(),
        Some("1a06838f-d2cc-4328-a73e-401cb23e8080")
    );
    assert_eq!(task.usage, Some(Usage::new(Some(2125), None)));
    let requests = server.received_requests().await.unwrap();
    let auth = requests[0].headers.get("authorization").unwrap();
    assert_eq!(auth.to_str().unwrap(), KEY);
    assert!(!auth.to_str().unwrap().starts_with("Bearer"));
    let agent = requests[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(agent.starts_with("video-kling-dmx/"), "{agent}");
    let body: serde_json::Value = requests[0].body_json().unwrap();
    assert!(body["duration"].is_u64(), "duration must be a JSON number");
}

#[tokio::test]
async fn wrapped_success_with_http_400_is_a_success() {
    let server = MockServer::start().await;
    submit_mock()
        .respond_with(reply(400, "submit_wrapped_success.json"))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .submit(&VideoRequest::new("fox"))
        .await
        .unwrap();
    assert_eq!(task.id.as_str(), "840242793980637241");
    assert_eq!(task.status, TaskStatus::Submitted);
}

#[tokio::test]
async fn query_fixtures_map_to_tasks_and_the_query_body_is_exact() {
    let cases = [
        ("query_processing.json", TaskStatus::Processing, 0),
        ("query_succeed.json", TaskStatus::Succeeded, 1),
        ("query_succeed_full.json", TaskStatus::Succeeded, 1),
        ("query_failed.json", TaskStatus::Failed, 0),
    ];
    for (name, status, videos) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/responses"))
            .and(header("authorization", KEY))
            .and(body_json(fixture_json("query_request.json")))
            .respond_with(reply(200, name))
            .expect(1)
            .mount(&server)
            .await;
        let task = client(&server.uri())
            .task(&TaskId::new(TASK_ID))
            .await
            .unwrap();
        assert_eq!(task.status, status, "{name}");
        assert_eq!(task.videos.len(), videos, "{name}");
        assert!(task.created_at.is_some(), "{name}");
        assert!(task.request_id.is_some(), "{name}");
    }
}

#[tokio::test]
async fn full_success_keeps_every_documented_field() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(200, "query_succeed_full.json"))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .task(&TaskId::new(TASK_ID))
        .await
        .unwrap();
    let video = &task.videos[0];
    assert_eq!(video.duration_secs, Some(10.041));
    assert!(video.watermarked.is_some());
    assert_eq!(video.id.as_deref(), Some("840242794144206900"));
    assert_eq!(task.client_reference.as_deref(), Some("order-2026-000123"));
    assert_eq!(task.usage, Some(Usage::new(None, Some("1".into()))));
    assert_eq!(task.raw_status.as_deref(), Some("succeed"));
}

#[tokio::test]
async fn failed_task_turns_into_a_content_rejection() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(200, "query_failed.json"))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let task = client
        .task(&TaskId::new("840242793980637240"))
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Failed);
    assert!(matches!(
        client.failure_error(&task),
        VideoError::ContentRejected { message, .. } if message.contains("risk control")
    ));
}

#[tokio::test]
async fn unknown_status_is_kept() {
    let server = MockServer::start().await;
    let body = json!({"code": 0, "message": "SUCCEED", "request_id": "r",
        "data": {"task_id": TASK_ID, "task_status": "queued", "new_field": 1}});
    query_mock()
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .task(&TaskId::new(TASK_ID))
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Unknown("queued".into()));
    assert_eq!(task.raw_status.as_deref(), Some("queued"));
}

/// One error row over HTTP: the reply, the call, and the expected variant name.
struct Row {
    status: u16,
    retry_after: Option<&'static str>,
    body: Vec<u8>,
    mime: &'static str,
    submit: bool,
    kind: &'static str,
    unaccepted: bool,
    retry_after_secs: Option<u64>,
}

fn row(status: u16, name: &str, submit: bool, kind: &'static str) -> Row {
    Row {
        status,
        retry_after: None,
        body: fixture(name),
        mime: if name.ends_with(".html") {
            "text/html"
        } else {
            "application/json"
        },
        submit,
        kind,
        unaccepted: kind == "rate_limited",
        retry_after_secs: None,
    }
}

fn relay_row(status: u16, code: &str, submit: bool, kind: &'static str) -> Row {
    let body = json!({"error": {"message": "relay says no", "type": "dmxapi_error", "param": "", "code": code}});
    Row {
        body: body.to_string().into_bytes(),
        ..row(status, "error_relay_unauthorized.json", submit, kind)
    }
}

fn kling_row(status: u16, code: i64, submit: bool, kind: &'static str) -> Row {
    let body = json!({"code": code, "message": "kling says no", "request_id": "rq"});
    Row {
        body: body.to_string().into_bytes(),
        ..row(status, "error_relay_unauthorized.json", submit, kind)
    }
}

#[tokio::test]
async fn every_error_row_over_http() {
    let rows = vec![
        Row {
            retry_after: Some("2"),
            retry_after_secs: Some(2),
            ..row(
                429,
                "error_kling_1302_rate_limit.json",
                true,
                "rate_limited",
            )
        },
        Row {
            retry_after_secs: Some(1),
            ..row(
                429,
                "error_kling_1302_rate_limit.json",
                true,
                "rate_limited",
            )
        },
        row(
            429,
            "error_kling_1303_concurrency.json",
            true,
            "rate_limited",
        ),
        row(429, "error_kling_1102_quota.json", true, "quota_exceeded"),
        row(
            400,
            "error_kling_1201_invalid.json",
            true,
            "invalid_request",
        ),
        row(404, "error_task_not_found.json", false, "not_found"),
        row(404, "error_task_not_found.json", true, "configuration"),
        row(401, "error_relay_unauthorized.json", true, "unauthorized"),
        row(401, "error_relay_unauthorized.json", false, "unauthorized"),
        row(503, "error_relay_no_channel.json", true, "configuration"),
        row(502, "error_gateway.html", false, "provider"),
        // A failure that does not prove a refusal, on a submission: the task may exist.
        row(502, "error_gateway.html", true, "unknown_outcome"),
        kling_row(401, 1001, true, "unauthorized"),
        kling_row(403, 1103, true, "forbidden"),
        kling_row(404, 1202, true, "configuration"),
        kling_row(400, 1301, true, "content_rejected"),
        kling_row(429, 1304, true, "forbidden"),
        kling_row(503, 5001, true, "unknown_outcome"),
        kling_row(504, 5002, false, "provider"),
        kling_row(400, 4242, true, "unknown_outcome"),
        relay_row(400, "bad_request", true, "invalid_request"),
        relay_row(403, "insufficient_quota", true, "quota_exceeded"),
        relay_row(404, "not_found", false, "configuration"),
        relay_row(413, "too_large", true, "invalid_request"),
        Row {
            retry_after: Some("3"),
            retry_after_secs: Some(3),
            ..relay_row(429, "rate_limit", true, "rate_limited")
        },
        relay_row(500, "internal", false, "provider"),
        // A gateway timeout on a submission: the task may exist.
        relay_row(504, "timeout", true, "unknown_outcome"),
        relay_row(524, "timeout", true, "unknown_outcome"),
        relay_row(504, "timeout", false, "provider"),
        relay_row(524, "timeout", false, "provider"),
    ];
    let server = MockServer::start().await;
    let client = client(&server.uri());
    for (index, row) in rows.into_iter().enumerate() {
        server.reset().await;
        let concurrency = row.body.windows(4).any(|w| w == b"1303");
        let mut template = ResponseTemplate::new(row.status).set_body_raw(row.body, row.mime);
        if let Some(after) = row.retry_after {
            template = template.insert_header("retry-after", after);
        }
        Mock::given(method("POST"))
            .respond_with(template)
            .mount(&server)
            .await;
        let result = if row.submit {
            client.submit(&VideoRequest::new("fox")).await
        } else {
            // A routed id: one query (a bare id is also tried as image-to-video).
            client
                .task(&TaskId::new(TASK_ID).with_route("text2video"))
                .await
        };
        let error = result
            .err()
            .unwrap_or_else(|| panic!("row {index}: expected an error"));
        assert_eq!(error.kind(), row.kind, "row {index}: {error}");
        assert_eq!(
            error.is_unaccepted_submission(),
            row.unaccepted,
            "row {index}"
        );
        assert_eq!(
            error.retry_after(),
            row.retry_after_secs.map(Duration::from_secs),
            "row {index}"
        );
        if row.kind == "provider" && row.status >= 500 {
            assert!(error.is_retryable(), "row {index}: 5xx is retryable");
        }
        if let VideoError::RateLimited { scope, .. } = &error {
            let expected = if concurrency {
                RateLimitScope::Concurrency
            } else {
                RateLimitScope::Requests
            };
            assert_eq!(*scope, expected, "row {index}");
        }
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "row {index}"
        );
    }
}

#[tokio::test]
async fn base_url_variants_reach_v1_responses() {
    let server = MockServer::start().await;
    submit_mock()
        .respond_with(reply(200, "submit_ok.json"))
        .expect(4)
        .mount(&server)
        .await;
    let uri = server.uri();
    for base in [
        uri.clone(),
        format!("{uri}/"),
        format!("{uri}/v1"),
        format!("{uri}/v1/"),
    ] {
        let client = client(&base);
        assert_eq!(client.endpoint(), format!("{uri}/v1/responses"));
        client.submit(&VideoRequest::new("fox")).await.unwrap();
    }
}

#[tokio::test]
async fn invalid_requests_never_reach_the_server() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let bad = [
        VideoRequest::new(" "),
        VideoRequest::builder("fox").duration_secs(7).build(),
        VideoRequest::new("狐".repeat(2501)),
        VideoRequest::builder("fox")
            .negative_prompt("x".repeat(2501))
            .build(),
        VideoRequest::builder("fox")
            .aspect_ratio(video_core::AspectRatio::new(4, 3))
            .build(),
        VideoRequest::builder("fox")
            .callback_url("not a url")
            .build(),
    ];
    for request in bad {
        let error = client.submit(&request).await.unwrap_err();
        assert!(
            matches!(error, VideoError::InvalidRequest { .. }),
            "{error}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_eq!(
        client.task(&TaskId::new("")).await.unwrap_err().kind(),
        "invalid_request"
    );
}

#[tokio::test]
async fn json_mode_accepts_an_event_stream_reply() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(sse_reply("query_stream_completed.sse"))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .task(&TaskId::new(TASK_ID))
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(task.videos[0].duration_secs, Some(5.041));
}

#[tokio::test]
async fn without_the_long_wait_policy_the_client_polls() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(200, "query_succeed.json"))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    assert!(
        client.capabilities().long_wait,
        "offered; the policy decides"
    );
    let done = video_core::wait(&client, &TaskId::new(TASK_ID), &fast_policy())
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| r
            .body_json::<serde_json::Value>()
            .unwrap()
            .get("stream")
            .is_none()),
        "no streaming query"
    );
}

#[tokio::test]
async fn describes_itself_as_kling_v2_6() {
    let client = KlingDmxClient::builder().api_key(KEY).build().unwrap();
    assert_eq!(client.name(), "kling-dmx");
    let caps = client.capabilities();
    assert_eq!(caps.max_prompt_chars, 2500);
    assert_eq!(caps.max_negative_prompt_chars, 2500);
    assert_eq!(caps.durations, video_core::Durations::OneOf(vec![5, 10]));
    assert_eq!(caps.aspect_ratios.len(), 3);
    assert_eq!(caps.qualities.len(), 2);
    assert!(caps.sound && caps.callbacks && caps.long_wait);
    let images = caps.image_to_video.as_ref().unwrap();
    assert!(
        images.urls && !images.inline && images.last_frame,
        "URLs only, via the relay"
    );
}
