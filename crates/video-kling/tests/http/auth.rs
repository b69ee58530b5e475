//! Tokens: a JWT refused for its time (1004, 1003) is re-minted once and the call made
//! again; a static API key is sent as is and never retried.

use video_core::{TaskId, TaskStatus, VideoError, VideoProvider};
use video_kling::KlingClient;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

use crate::common::*;

fn id() -> TaskId {
    TaskId::new("871234567890123456").with_route("image2video")
}

#[tokio::test]
async fn an_expired_token_is_reminted_once_and_the_call_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(reply(401, "direct_error_401_1004.json"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(reply(200, "direct_query_succeed.json"))
        .with_priority(2)
        .mount(&server)
        .await;
    // A token cached in the client before the refusal.
    let client = client(&server.uri());
    let task = client.task(&id()).await.unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    let sent = tokens(&server).await;
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|t| t.starts_with("Bearer ey")));
    // Minted within the same second, the fresh token may equal the old one; what matters
    // is that the client asked again after the refusal, once.
}

#[tokio::test]
async fn a_token_refused_twice_is_unauthorized_after_two_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(reply(401, "direct_error_401_1004.json"))
        .mount(&server)
        .await;
    let error = client(&server.uri()).task(&id()).await.unwrap_err();
    assert!(
        matches!(error, VideoError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_api_key_is_sent_as_bearer_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(reply(401, "direct_error_401_1004.json"))
        .mount(&server)
        .await;
    let client = KlingClient::builder()
        .api_key("kling-api-key-SECRET")
        .base_url(&server.uri())
        .build()
        .unwrap();
    let error = client.task(&id()).await.unwrap_err();
    assert!(!error.to_string().contains("kling-api-key-SECRET"));
    assert_eq!(tokens(&server).await, ["Bearer kling-api-key-SECRET"]);
    assert!(!format!("{client:?}").contains("SECRET"));
}
