//! Every row of Kling's error table (protocol notes §10), over HTTP: on a submission each
//! refusal is a refusal (no task, never `UnknownOutcome`), the server errors may have
//! created a task (`UnknownOutcome`); on a query, 1203 is `NotFound` and 5000–5002 retryable.

use serde_json::json;
use video_core::{RateLimitScope, TaskId, VideoError, VideoProvider, VideoRequest};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

/// Kling's table: HTTP status and code.
const TABLE: [(u16, i64); 22] = [
    (401, 1000),
    (401, 1001),
    (401, 1002),
    (401, 1003),
    (401, 1004),
    (429, 1100),
    (429, 1101),
    (429, 1102),
    (403, 1103),
    (400, 1200),
    (400, 1201),
    (404, 1202),
    (404, 1203),
    (400, 1300),
    (400, 1301),
    (429, 1302),
    (429, 1303),
    (429, 1304),
    (500, 5000),
    (503, 5001),
    (504, 5002),
    (429, 1102),
];

fn answer(status: u16, code: i64) -> ResponseTemplate {
    let body =
        json!({"code": code, "message": format!("kling says {code}"), "request_id": "req-7"});
    ResponseTemplate::new(status).set_body_json(body)
}

async fn server_answering(status: u16, code: i64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(answer(status, code))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(answer(status, code))
        .mount(&server)
        .await;
    server
}

/// What a code means on a submission.
fn expected_on_submit(code: i64, error: &VideoError) -> bool {
    match code {
        1000..=1004 => matches!(error, VideoError::Unauthorized { .. }),
        1100..=1102 => matches!(error, VideoError::QuotaExceeded { .. }),
        1103 | 1304 => matches!(error, VideoError::Forbidden { .. }),
        1200 | 1201 => matches!(error, VideoError::InvalidRequest { .. }),
        1202 | 1203 => matches!(error, VideoError::Configuration { .. }),
        1300 | 1301 => matches!(error, VideoError::ContentRejected { .. }),
        1302 => matches!(
            error,
            VideoError::RateLimited {
                scope: RateLimitScope::Requests,
                retry_after: Some(_),
                ..
            }
        ),
        1303 => matches!(
            error,
            VideoError::RateLimited {
                scope: RateLimitScope::Concurrency,
                ..
            }
        ),
        5000..=5002 => matches!(error, VideoError::UnknownOutcome { .. }),
        _ => false,
    }
}

#[tokio::test]
async fn every_code_on_a_submission_is_a_refusal_or_an_unknown_outcome() {
    for (status, code) in TABLE {
        let server = server_answering(status, code).await;
        let error = client(&server.uri())
            .submit(&VideoRequest::new("a fox"))
            .await
            .unwrap_err();
        assert!(
            expected_on_submit(code, &error),
            "{status}/{code}: {error:?}"
        );
        let refused = !(5000..=5002).contains(&code);
        assert_eq!(
            error.is_refused_submission(),
            refused,
            "{status}/{code}: {error:?}"
        );
        let text = error.to_string();
        assert!(!text.contains(SECRET_KEY) && !text.contains(ACCESS_KEY));
        let requests = server.received_requests().await.unwrap().len();
        let expected = if matches!(code, 1003 | 1004) { 2 } else { 1 };
        assert_eq!(
            requests, expected,
            "{status}/{code}: one attempt (a refused token: re-minted once)"
        );
    }
}

#[tokio::test]
async fn every_code_on_a_query_is_classified() {
    let id = TaskId::new("871234567890123456").with_route("text2video");
    for (status, code) in TABLE {
        let server = server_answering(status, code).await;
        let error = client(&server.uri()).task(&id).await.unwrap_err();
        let ok = match code {
            1203 => {
                matches!(&error, VideoError::NotFound { task_id } if task_id.as_str() == id.as_str())
            }
            5000..=5002 => matches!(
                error,
                VideoError::Provider {
                    retryable: true,
                    ..
                }
            ),
            1302 | 1303 => error.is_retryable(),
            _ => !error.is_retryable(),
        };
        assert!(ok, "{status}/{code}: {error:?}");
    }
}

#[tokio::test]
async fn a_gateway_page_on_a_submission_may_have_created_a_task() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;
    let request = VideoRequest::builder("a fox")
        .client_reference("vsdk-gateway")
        .build();
    match client(&server.uri()).submit(&request).await {
        Err(VideoError::UnknownOutcome { attempt, .. }) => {
            assert_eq!(
                attempt.request.client_reference.as_deref(),
                Some("vsdk-gateway")
            );
        }
        other => panic!("{other:?}"),
    }
}
