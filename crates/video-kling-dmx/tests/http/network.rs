//! Network failures, classified by whether a submission may have reached the server.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use video_core::{TaskId, VideoError, VideoProvider, VideoRequest};
use wiremock::MockServer;

use crate::common::*;

#[tokio::test]
async fn slow_submission_is_an_unknown_outcome_sent_once() {
    let server = MockServer::start().await;
    submit_mock()
        .respond_with(reply(200, "submit_ok.json").set_delay(ms(500)))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .request_timeout(ms(50))
        .build()
        .unwrap();
    let request = VideoRequest::builder("a fox in the snow")
        .duration_secs(5)
        .build();
    let error = client.submit(&request).await.unwrap_err();
    match &error {
        VideoError::UnknownOutcome { attempt, .. } => {
            assert_eq!(attempt.provider, "kling-dmx");
            assert_eq!(attempt.request, request);
            assert!(attempt.sent_at.elapsed().unwrap() < Duration::from_secs(5));
        }
        other => panic!("expected UnknownOutcome, got {other:?}"),
    }
    assert!(!error.is_unaccepted_submission());
    assert_eq!(received(&server, SUBMIT_MODEL).await, 1);
}

#[tokio::test]
async fn slow_query_is_a_retryable_timeout() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(200, "query_processing.json").set_delay(ms(500)))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .request_timeout(ms(50))
        .build()
        .unwrap();
    let error = client.task(&TaskId::new(TASK_ID)).await.unwrap_err();
    match &error {
        VideoError::Timeout { elapsed } => assert!(*elapsed >= ms(40), "{elapsed:?}"),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(error.is_retryable());
}

async fn closing_server() -> String {
    raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        drop(stream);
    })
    .await
}

#[tokio::test]
async fn dropped_connection_after_sending() {
    let uri = closing_server().await;
    let client = client(&uri);
    let error = client.submit(&VideoRequest::new("fox")).await.unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "submit: {error:?}"
    );
    assert!(!error.is_unaccepted_submission());
    let error = client.task(&TaskId::new(TASK_ID)).await.unwrap_err();
    assert!(
        matches!(
            error,
            VideoError::Transport {
                reached_server: true,
                ..
            }
        ),
        "query: {error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn reply_cut_short_is_an_unknown_outcome() {
    let uri = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"code\":0,";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let error = client(&uri)
        .submit(&VideoRequest::new("fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn unreadable_success_reply_is_an_unknown_outcome() {
    let server = MockServer::start().await;
    submit_mock()
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_raw("<html>ok</html>", "text/html"),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .submit(&VideoRequest::new("fox"))
        .await
        .unwrap_err();
    match error {
        VideoError::UnknownOutcome { source, .. } => {
            assert!(source.to_string().contains("not a JSON object"), "{source}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn refused_connection_was_never_sent() {
    let uri = refused_uri().await;
    let client = client(&uri);
    let error = client.submit(&VideoRequest::new("fox")).await.unwrap_err();
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
    let error = client.task(&TaskId::new(TASK_ID)).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}

#[tokio::test]
async fn in_flight_cap_queues_requests() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(200, "query_processing.json").set_delay(ms(100)))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).max_in_flight(1).build().unwrap();
    let id = TaskId::new(TASK_ID);
    let started = Instant::now();
    let (a, b) = tokio::join!(client.task(&id), client.task(&id));
    assert!(a.is_ok() && b.is_ok());
    assert!(
        started.elapsed() >= ms(200),
        "two 100 ms requests with a cap of 1 took {:?}",
        started.elapsed()
    );
}
