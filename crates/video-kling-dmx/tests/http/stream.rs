//! The streaming query (the long wait): server-sent events over real HTTP.

use std::time::{Duration, Instant};

use video_core::{TaskId, TaskStatus, VideoError, VideoProvider, wait};
use video_kling_dmx::KlingDmxClient;
use wiremock::MockServer;
use wiremock::matchers::body_json;

use crate::common::*;

fn streaming(uri: &str) -> KlingDmxClient {
    builder(uri).build().unwrap()
}

const SSE_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n";

#[tokio::test]
async fn completed_stream_is_a_succeeded_task() {
    let server = MockServer::start().await;
    query_mock()
        .and(body_json(fixture_json("query_stream_request.json")))
        .respond_with(sse_reply("query_stream_completed.sse"))
        .expect(1)
        .mount(&server)
        .await;
    let client = streaming(&server.uri());
    let task = client
        .long_wait(&TaskId::new(TASK_ID), Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.id.as_str(), TASK_ID);
    assert_eq!(task.status, TaskStatus::Succeeded);
    let video = &task.videos[0];
    assert!(
        video
            .url()
            .unwrap()
            .starts_with("https://v4-fdl.kechuangai.com/ksc2/kdDWtKH8kEZgms9USQ.mp4?")
    );
    assert_eq!(video.duration_secs, Some(5.041));
    assert_eq!(video.id, None);
    assert_eq!(task.created_at, None);
}

#[tokio::test]
async fn error_stream_is_a_failed_task() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(sse_reply("query_stream_error.sse"))
        .mount(&server)
        .await;
    let client = streaming(&server.uri());
    let task = client
        .long_wait(&TaskId::new("840242793980637240"), Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.status, TaskStatus::Failed);
    assert_eq!(
        task.status_message.as_deref(),
        Some("Failure to pass the risk control system")
    );
    assert!(matches!(
        client.failure_error(&task),
        VideoError::ContentRejected { .. }
    ));
}

#[tokio::test]
async fn stream_mode_accepts_a_json_envelope() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(200, "query_succeed.json"))
        .mount(&server)
        .await;
    let task = streaming(&server.uri())
        .long_wait(&TaskId::new(TASK_ID), Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(task.videos[0].id.as_deref(), Some("840242794144206900"));
}

#[tokio::test]
async fn stream_mode_classifies_error_replies() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(404, "error_task_not_found.json"))
        .mount(&server)
        .await;
    let error = streaming(&server.uri())
        .long_wait(&TaskId::new(TASK_ID), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::NotFound { task_id } if task_id.as_str() == TASK_ID));
}

#[tokio::test]
async fn events_split_across_many_writes_parse() {
    let body = fixture("query_stream_completed.sse");
    let pieces: Vec<Vec<u8>> = body.chunks(37).map(<[u8]>::to_vec).collect();
    let uri = raw_server(move |mut stream| {
        let pieces = pieces.clone();
        async move {
            read_request(&mut stream).await;
            write_chunked(&mut stream, SSE_HEAD, &pieces, ms(2)).await;
        }
    })
    .await;
    let task = streaming(&uri)
        .long_wait(&TaskId::new(TASK_ID), Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(task.videos[0].duration_secs, Some(5.041));
}

#[tokio::test]
async fn a_stream_ending_early_is_retryable() {
    let uri = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let created =
            b"event: response.created\ndata: {\"type\":\"response.created\"}\n\n".to_vec();
        write_chunked(&mut stream, SSE_HEAD, &[created], ms(1)).await;
    })
    .await;
    let error = streaming(&uri)
        .long_wait(&TaskId::new(TASK_ID), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            VideoError::Transport {
                reached_server: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_stalled_stream_times_out_at_the_shorter_limit() {
    let uri = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let created =
            b"event: response.created\ndata: {\"type\":\"response.created\"}\n\n".to_vec();
        // One event, then silence for longer than the test's limit.
        write_chunked(&mut stream, SSE_HEAD, &[created], Duration::from_secs(3)).await;
    })
    .await;
    let client = builder(&uri)
        .stream_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .long_wait(&TaskId::new(TASK_ID), ms(150))
        .await
        .unwrap_err();
    assert!(matches!(error, VideoError::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn core_wait_uses_one_streaming_request() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(sse_reply("query_stream_completed.sse"))
        .mount(&server)
        .await;
    let client = streaming(&server.uri());
    let task = wait(
        &client,
        &TaskId::new(TASK_ID),
        &fast_policy().with_long_wait(true),
    )
    .await
    .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let body: serde_json::Value = requests[0].body_json().unwrap();
    assert_eq!(body["stream"], true);
}

#[tokio::test]
async fn core_wait_falls_back_to_polling_when_the_stream_breaks() {
    let server = MockServer::start().await;
    query_mock()
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"stream": true}),
        ))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_raw(&b"data: [DONE]\n\n"[..], "text/event-stream"),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    query_mock()
        .respond_with(reply(200, "query_succeed.json"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = streaming(&server.uri());
    let task = wait(
        &client,
        &TaskId::new(TASK_ID),
        &fast_policy().with_long_wait(true),
    )
    .await
    .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert!(
        task.videos[0].id.is_some(),
        "the polled JSON reply has video ids"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
