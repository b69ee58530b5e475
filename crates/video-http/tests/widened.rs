//! The widened client over real HTTP on loopback: body kinds, headers and query pairs per
//! call, credentials in any header never crossing origins on a redirect, reply headers,
//! per-call caps, and download statuses read by whether credentials were sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use video_core::{SubmissionAttempt, VideoError, VideoRequest};
use video_http::{ApiCall, Auth, HttpClient, HttpOptions, Multipart};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-WIDE-SECRET-7a7a";

fn client(auth: Auth) -> HttpClient {
    let mut options = HttpOptions::new("video-http-test/1");
    options.request_timeout = Duration::from_secs(5);
    HttpClient::new(options, auth).unwrap()
}

fn secret() -> SecretString {
    SecretString::from(KEY.to_owned())
}

/// Every way a credential can travel: raw `Authorization`, `Bearer`, and two named headers.
fn every_auth() -> Vec<(&'static str, Auth)> {
    vec![
        ("raw", Auth::raw_key(secret()).unwrap()),
        ("bearer", Auth::bearer(secret()).unwrap()),
        ("api-key", Auth::named("api-key", secret()).unwrap()),
        (
            "x-goog-api-key",
            Auth::named("x-goog-api-key", secret()).unwrap(),
        ),
    ]
}

fn carries_key(request: &Request) -> bool {
    request
        .headers
        .values()
        .any(|value| value.to_str().is_ok_and(|text| text.contains(KEY)))
}

#[tokio::test]
async fn a_redirect_to_another_host_name_receives_no_credential_header_of_any_name() {
    let cdn = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v.mp4"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![7_u8; 32], "video/mp4"))
        .mount(&cdn)
        .await;
    // The same loopback server under another host name is another origin.
    let elsewhere = cdn.uri().replace("127.0.0.1", "localhost");
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/videos/video_1/content"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{elsewhere}/v.mp4")),
        )
        .mount(&api)
        .await;
    let base = Url::parse(&api.uri()).unwrap();
    for (style, auth) in every_auth() {
        let content = format!("{}/v1/videos/video_1/content", api.uri());
        let bytes = client(auth)
            .download(&content, Some(&base))
            .await
            .unwrap()
            .collect_bytes()
            .await
            .unwrap();
        assert_eq!(bytes.len(), 32, "{style}");
    }
    let at_api = api.received_requests().await.unwrap();
    assert_eq!(at_api.len(), 4);
    assert!(
        at_api.iter().all(carries_key),
        "the API origin gets the key"
    );
    let at_cdn = cdn.received_requests().await.unwrap();
    assert_eq!(at_cdn.len(), 4);
    for request in &at_cdn {
        assert!(
            !carries_key(request),
            "a credential crossed origins: {:?}",
            request.headers
        );
        for name in ["authorization", "api-key", "x-goog-api-key"] {
            assert!(
                request.headers.get(name).is_none(),
                "{name} sent to the CDN"
            );
        }
    }
}

#[tokio::test]
async fn refusals_of_sent_credentials_are_auth_errors_and_the_rest_expired_links() {
    let server = MockServer::start().await;
    for (at, status) in [("/401", 401), ("/403", 403), ("/404", 404), ("/410", 410)] {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"error":{"message":"not ready"}}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let api = Url::parse(&server.uri()).unwrap();
    let http = client(Auth::named("api-key", secret()).unwrap());
    let fetch = |at: &str, with_key: bool| {
        let http = http.clone();
        let api = api.clone();
        let url = format!("{}{at}", server.uri());
        async move {
            let api = with_key.then_some(&api);
            http.download(&url, api).await.err().unwrap()
        }
    };
    assert!(matches!(
        fetch("/401", true).await,
        VideoError::Unauthorized { .. }
    ));
    assert!(matches!(
        fetch("/403", true).await,
        VideoError::Forbidden { .. }
    ));
    assert!(matches!(
        fetch("/404", true).await,
        VideoError::LinkExpired { status: 404 }
    ));
    assert!(matches!(
        fetch("/410", true).await,
        VideoError::LinkExpired { status: 410 }
    ));
    for at in ["/401", "/403", "/404", "/410"] {
        assert!(
            matches!(fetch(at, false).await, VideoError::LinkExpired { .. }),
            "{at} without credentials"
        );
    }
    let json = fetch("/json", true).await;
    assert!(
        matches!(json, VideoError::Decode { .. }) && json.is_retryable(),
        "{json:?}"
    );
}

#[tokio::test]
async fn multipart_form_headers_and_query_pairs_go_out_as_asked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/videos"))
        .and(header("api-key", KEY))
        .and(header("x-runway-version", "2024-11-06"))
        .and(body_string_contains("name=\"prompt\"\r\n\r\na red fox\r\n"))
        .and(body_string_contains(
            "name=\"input_reference\"; filename=\"frame.png\"\r\nContent-Type: image/png",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", format!("req-{KEY}"))
                .set_body_string(r#"{"id":"video_1"}"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/form"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("a=1&b=two+words"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/query"))
        .and(query_param("task_id", "1&2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let http = client(Auth::named("api-key", secret()).unwrap());
    let create = Url::parse(&format!("{}/v1/videos", server.uri())).unwrap();
    let parts = Multipart::new().text("prompt", "a red fox").file(
        "input_reference",
        "frame.png",
        "image/png",
        b"PNG-BYTES".to_vec(),
    );
    let reply = http
        .reply(ApiCall::post_multipart(&create, parts).header("x-runway-version", "2024-11-06"))
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "every matcher held");
    assert_eq!(
        reply.header("x-request-id"),
        Some("req-[redacted]"),
        "headers are exposed, scrubbed"
    );
    let form = Url::parse(&format!("{}/form", server.uri())).unwrap();
    let pairs = vec![("a".into(), "1".into()), ("b".into(), "two words".into())];
    assert_eq!(
        http.reply(ApiCall::post_form(&form, pairs))
            .await
            .unwrap()
            .status,
        204
    );
    let query = Url::parse(&format!("{}/v1/query", server.uri())).unwrap();
    let reply = http
        .reply(ApiCall::get(&query).query("task_id", "1&2"))
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn a_call_without_credentials_sends_none_and_caps_apply_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(4096)))
        .mount(&server)
        .await;
    let http = client(Auth::bearer(secret()).unwrap());
    let big = Url::parse(&format!("{}/big", server.uri())).unwrap();
    let error = http
        .reply(
            ApiCall::get(&big)
                .max_reply_bytes(1024)
                .without_credentials(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::TooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    assert_eq!(
        http.reply(ApiCall::get(&big)).await.unwrap().body.len(),
        4096
    );
    let sent = server.received_requests().await.unwrap();
    assert!(!carries_key(&sent[0]) && carries_key(&sent[1]));
}

#[tokio::test]
async fn a_submission_that_may_have_arrived_is_an_unknown_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let mut options = HttpOptions::new("t/1");
    options.request_timeout = Duration::from_millis(50);
    let http = HttpClient::new(options, Auth::none()).unwrap();
    let create = Url::parse(&format!("{}/v1/videos", server.uri())).unwrap();
    let attempt = SubmissionAttempt::new("p", VideoRequest::new("fox"));
    let error = http
        .submit(ApiCall::post(&create, b"{}".to_vec()), &attempt)
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn headers_of_the_options_go_with_every_api_call_but_not_with_downloads() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tasks/1"))
        .and(header("x-api-version", "2024-11-06"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v.mp4"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![7_u8; 32], "video/mp4"))
        .mount(&server)
        .await;
    let mut options =
        HttpOptions::new("video-http-test/1").with_header("X-Api-Version", "2024-11-06");
    options.request_timeout = Duration::from_secs(5);
    let http = HttpClient::new(options, Auth::none()).unwrap();
    let url = Url::parse(&format!("{}/v1/tasks/1", server.uri())).unwrap();
    assert_eq!(http.reply(ApiCall::get(&url)).await.unwrap().status, 200);
    let video = format!("{}/v.mp4", server.uri());
    drop(http.download(&video, None).await.unwrap());
    let requests = server.received_requests().await.unwrap();
    let download = requests.iter().find(|r| r.url.path() == "/v.mp4").unwrap();
    assert!(!download.headers.contains_key("x-api-version"));

    let owned = HttpOptions::new("t").with_header("Authorization", "Bearer x");
    let error = HttpClient::new(owned, Auth::none()).unwrap_err();
    assert!(matches!(error, VideoError::Configuration { .. }), "{error}");
}
