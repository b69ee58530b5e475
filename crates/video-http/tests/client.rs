//! The shared HTTP client over real HTTP on loopback (wiremock): auth, redirects, caps,
//! scrubbing on every path, events, downloads and their rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use video_core::VideoError;
use video_http::{Answer, ApiCall, Auth, HttpClient, HttpOptions};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-HTTP-SECRET-1b2c";

fn client(auth: Auth) -> HttpClient {
    let mut options = HttpOptions::new("video-http-test/1");
    options.request_timeout = Duration::from_secs(5);
    options.max_reply_bytes = 64 * 1024;
    HttpClient::new(options, auth).unwrap()
}

fn raw() -> Auth {
    Auth::raw_key(SecretString::from(KEY.to_owned())).unwrap()
}

fn url(server: &MockServer, at: &str) -> Url {
    Url::parse(&format!("{}{at}", server.uri())).unwrap()
}

fn whole(answer: Answer) -> video_http::Reply {
    match answer {
        Answer::Reply(reply) => reply,
        Answer::Events(_) => panic!("expected a reply"),
    }
}

#[tokio::test]
async fn the_auth_is_applied_and_every_echo_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api"))
        .and(header("authorization", KEY))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(format!("{{\"message\":\"bad {KEY}\"}}")),
        )
        .mount(&server)
        .await;
    let answer = client(raw())
        .call(ApiCall::post(&url(&server, "/api"), b"{}".to_vec()))
        .await
        .unwrap();
    let reply = whole(answer);
    assert_eq!(reply.status, 401);
    let body = String::from_utf8(reply.body.to_vec()).unwrap();
    assert_eq!(body, "{\"message\":\"bad [redacted]\"}");

    Mock::given(method("GET"))
        .and(path("/bearer"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let bearer = Auth::bearer(SecretString::from(KEY.to_owned())).unwrap();
    let answer = client(bearer)
        .call(ApiCall::get(&url(&server, "/bearer")))
        .await
        .unwrap();
    assert_eq!(whole(answer).status, 204);
}

#[tokio::test]
async fn api_calls_never_follow_a_redirect() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", "http://elsewhere.example/api"),
        )
        .mount(&server)
        .await;
    let error = client(raw())
        .call(ApiCall::post(&url(&server, "/api"), b"{}".to_vec()))
        .await
        .unwrap_err();
    match error {
        VideoError::Configuration { message, .. } => {
            assert!(
                message.contains("elsewhere.example") && message.contains("307"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_caller_client_that_follows_a_redirect_is_caught_after_the_fact() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    // Our own client first: building it installs the TLS provider a bare reqwest needs.
    let own = client(raw());
    let mut options = HttpOptions::new("video-http-test/1");
    // reqwest's default policy follows up to ten redirects.
    options.http_client = Some(reqwest::Client::new());
    let caller = HttpClient::new(options, raw()).unwrap();
    let error = caller
        .call(ApiCall::get(&url(&server, "/api")))
        .await
        .unwrap_err();
    match error {
        VideoError::Configuration { message, .. } => {
            assert!(message.contains("redirected the call"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Our own client, asked for the page the redirect led to, takes it as it is.
    let own = own
        .call(ApiCall::get(&url(&server, "/moved")))
        .await
        .unwrap();
    assert_eq!(whole(own).status, 200);
}

#[tokio::test]
async fn replies_past_the_cap_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 200 * 1024]))
        .mount(&server)
        .await;
    let error = client(raw())
        .call(ApiCall::get(&url(&server, "/big")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::TooLarge { limit: 65_536, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn events_are_parsed_scrubbed_and_capped() {
    let server = MockServer::start().await;
    let body = format!("event: note\ndata: token {KEY}\n\ndata: [DONE]\n\n");
    Mock::given(method("POST"))
        .and(path("/sse"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_raw(body, "text/event-stream"),
        )
        .mount(&server)
        .await;
    let answer = client(raw())
        .call(ApiCall::post(&url(&server, "/sse"), b"{}".to_vec()).events())
        .await
        .unwrap();
    let Answer::Events(mut events) = answer else {
        panic!("expected events");
    };
    let first = events.next().await.unwrap().unwrap();
    assert_eq!(
        (first.event.as_str(), first.data.as_str()),
        ("note", "token [redacted]")
    );
    assert_eq!(events.next().await.unwrap().unwrap().data, "[DONE]");

    let huge = format!("data: {}\n\n", "y".repeat(100 * 1024));
    Mock::given(method("POST"))
        .and(path("/huge"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_raw(huge, "text/event-stream"),
        )
        .mount(&server)
        .await;
    let answer = client(raw())
        .call(ApiCall::post(&url(&server, "/huge"), b"{}".to_vec()).events())
        .await
        .unwrap();
    let Answer::Events(mut events) = answer else {
        panic!("expected events");
    };
    let error = events.next().await.unwrap().unwrap_err();
    assert!(matches!(error, VideoError::TooLarge { .. }), "{error:?}");
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_was_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let target = Url::parse(&format!("http://127.0.0.1:{port}/api")).unwrap();
    let error = client(raw())
        .call(ApiCall::post(&target, b"{}".to_vec()))
        .await
        .unwrap_err();
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
    assert!(error.is_unaccepted_submission());
}

#[tokio::test]
async fn downloads_carry_credentials_only_to_the_api_origin() {
    let cdn = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![7_u8; 1000]))
        .mount(&cdn)
        .await;
    let client = client(raw());
    let api = Url::parse("https://api.example/v1").unwrap();
    let stream = client
        .download(&format!("{}/v.mp4?sig=1", cdn.uri()), Some(&api))
        .await
        .unwrap();
    assert_eq!(stream.collect_bytes().await.unwrap().len(), 1000);
    let same_origin = url(&cdn, "/");
    client
        .download(&format!("{}/auth.mp4", cdn.uri()), Some(&same_origin))
        .await
        .unwrap();
    let requests = cdn.received_requests().await.unwrap();
    assert!(
        requests[0].headers.get("authorization").is_none(),
        "another origin"
    );
    assert_eq!(
        requests[1]
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        KEY,
        "the API's own origin"
    );

    Mock::given(method("GET"))
        .and(path("/gone.mp4"))
        .respond_with(ResponseTemplate::new(410))
        .with_priority(1)
        .mount(&cdn)
        .await;
    let error = client
        .download(&format!("{}/gone.mp4", cdn.uri()), None)
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::LinkExpired { status: 410 }));
    let refused = client
        .download("http://cdn.example/v.mp4", None)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, VideoError::InvalidRequest { .. }),
        "plain http off loopback"
    );
}

#[tokio::test]
async fn bad_options_are_configuration_errors() {
    let mut options = HttpOptions::new("ua");
    options.max_in_flight = 0;
    assert!(matches!(
        HttpClient::new(options, Auth::none()),
        Err(VideoError::Configuration { .. })
    ));
    let options = HttpOptions::new("bad\nagent");
    assert!(HttpClient::new(options, Auth::none()).is_err());
}
