//! Finding a task by its client reference: directly by the query path, else in the newest
//! list pages; absent is `Ok(None)`, a failing server an error (never "absent").

use video_core::{Mode, TaskStatus, VideoError, VideoProvider};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn the_query_path_finds_a_reference() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/videos/image2video/order-2026-000126"))
        .respond_with(reply(200, "direct_query_succeed.json"))
        .expect(1)
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .find_by_reference("order-2026-000126", Mode::ImageToVideo)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        task.id.as_str(),
        "871234567890123456",
        "the real task id, not the reference"
    );
    assert_eq!(task.id.route(), Some("image2video"));
    assert_eq!(task.client_reference.as_deref(), Some("order-2026-000126"));
    assert_eq!(task.status, TaskStatus::Succeeded);
}

#[tokio::test]
async fn a_reference_the_path_does_not_resolve_is_found_in_the_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1/videos/image2video/.+"))
        .respond_with(reply(404, "direct_error_404_1203.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/videos/image2video"))
        .and(query_param("pageNum", "1"))
        .and(query_param("pageSize", "500"))
        .respond_with(reply(200, "direct_list_reply.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let task = client
        .find_by_reference("order-2026-000127", Mode::ImageToVideo)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.id.as_str(), "871234567890123457");
    assert_eq!(task.status, TaskStatus::Processing);
    let absent = client
        .find_by_reference("vsdk-absent", Mode::ImageToVideo)
        .await
        .unwrap();
    assert!(absent.is_none(), "a short list page ends the search");
}

#[tokio::test]
async fn a_failing_server_is_an_error_not_an_absence() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .find_by_reference("vsdk-x", Mode::TextToVideo)
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert!(matches!(error, VideoError::Provider { .. }));
}
