//! Downloads: streaming, lengths, expired links, no key to third parties, URL and redirect
//! rules, and the in-flight cap held while a download is read.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use video_core::provider::sample::sample_mp4;
use video_core::{SaveOptions, TaskId, Video, VideoError, VideoProvider, download_to_file};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn video_server(bytes: Vec<u8>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v.mp4"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bytes, "video/mp4"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn streams_the_bytes_with_their_length_and_no_key() {
    let bytes = sample_mp4(200_000, 3);
    let server = video_server(bytes.clone()).await;
    let client = client(&server.uri());
    let video = Video::new(format!("{}/v.mp4?sig=SECRET", server.uri()));
    let stream = client.download(&video).await.unwrap();
    assert_eq!(stream.content_length(), Some(bytes.len() as u64));
    assert_eq!(stream.collect_bytes().await.unwrap(), bytes);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
    let all_headers = format!("{:?}", requests[0].headers);
    assert!(!all_headers.contains(KEY));
}

#[tokio::test]
async fn saves_to_a_file() {
    let bytes = sample_mp4(50_000, 1);
    let server = video_server(bytes.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.mp4");
    let video = Video::new(format!("{}/v.mp4", server.uri()));
    let saved = download_to_file(&client(&server.uri()), &video, &target, SaveOptions::new())
        .await
        .unwrap();
    assert_eq!(saved.bytes, bytes.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), bytes);
}

#[tokio::test]
async fn expired_links_and_other_statuses() {
    let server = MockServer::start().await;
    for status in [403_u16, 404, 410, 500, 400] {
        Mock::given(method("GET"))
            .and(path(format!("/s{status}.mp4")))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
    }
    let client = client(&server.uri());
    for status in [403_u16, 404, 410] {
        let video = Video::new(format!("{}/s{status}.mp4", server.uri()));
        match client.download(&video).await {
            Err(VideoError::LinkExpired { status: got }) => assert_eq!(got, status),
            other => panic!("{status}: {other:?}"),
        }
    }
    let error = client
        .download(&Video::new(format!("{}/s500.mp4", server.uri())))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            VideoError::Provider {
                retryable: true,
                ..
            }
        ),
        "{error:?}"
    );
    let error = client
        .download(&Video::new(format!("{}/s400.mp4", server.uri())))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            VideoError::Provider {
                retryable: false,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn unsafe_urls_are_refused_without_a_request() {
    let client = client("http://127.0.0.1:9");
    for url in [
        "http://example.com/v.mp4",
        "ftp://example.com/v.mp4",
        "file:///etc/passwd",
        "not a url",
    ] {
        match client.download(&Video::new(url)).await {
            Err(VideoError::InvalidRequest { field, .. }) => assert_eq!(field, "url"),
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn loopback_names_are_allowed_over_plain_http() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let url = format!(
        "{}/missing.mp4",
        server.uri().replace("127.0.0.1", "localhost")
    );
    let error = client.download(&Video::new(url)).await.unwrap_err();
    assert!(
        matches!(error, VideoError::LinkExpired { status: 404 }),
        "{error:?}"
    );
}

async fn redirect_chain(server: &MockServer, hops: usize) {
    for hop in 0..hops {
        Mock::given(method("GET"))
            .and(path(format!("/r{hop}")))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", format!("{}/r{}", server.uri(), hop + 1)),
            )
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(format!("/r{hops}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(sample_mp4(10_000, 1), "video/mp4"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn redirects_are_followed_up_to_a_cap() {
    let server = MockServer::start().await;
    redirect_chain(&server, 2).await;
    let client = client(&server.uri());
    let bytes = client
        .download(&Video::new(format!("{}/r0", server.uri())))
        .await
        .unwrap()
        .collect_bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), 10_000);

    let server = MockServer::start().await;
    redirect_chain(&server, 8).await;
    let error = client
        .download(&Video::new(format!("{}/r0", server.uri())))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            VideoError::Provider {
                retryable: false,
                ..
            }
        ) && error.code() == Some("redirect"),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().len() <= 6);
}

#[tokio::test]
async fn redirect_to_plain_http_elsewhere_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/r0"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "http://example.com/v.mp4"),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .download(&Video::new(format!("{}/r0", server.uri())))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, VideoError::Provider { .. }) && error.code() == Some("redirect"),
        "{error:?}"
    );
    assert!(
        !error.to_string().contains("/r0"),
        "no URL in the message: {error}"
    );
}

#[tokio::test]
async fn a_short_body_is_an_error() {
    let uri = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let mut reply =
            b"HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: 10000\r\n\r\n".to_vec();
        reply.extend(sample_mp4(5_000, 1));
        let _ = stream.write_all(&reply).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let stream = client(&uri)
        .download(&Video::new(format!("{uri}/v.mp4")))
        .await
        .unwrap();
    assert_eq!(stream.content_length(), Some(10_000));
    let error = stream.collect_bytes().await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}

#[tokio::test]
async fn an_open_download_holds_its_in_flight_slot() {
    let server = video_server(sample_mp4(10_000, 1)).await;
    query_mock()
        .respond_with(reply(200, "query_processing.json"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).max_in_flight(1).build().unwrap();
    let stream = client
        .download(&Video::new(format!("{}/v.mp4", server.uri())))
        .await
        .unwrap();
    let id = TaskId::new(TASK_ID);
    let blocked = tokio::time::timeout(ms(100), client.task(&id)).await;
    assert!(
        blocked.is_err(),
        "the query must wait for the download's slot"
    );
    drop(stream);
    let task = tokio::time::timeout(Duration::from_secs(2), client.task(&id))
        .await
        .unwrap()
        .unwrap();
    assert!(task.id.same_raw_id(&id));
}
