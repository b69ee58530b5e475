//! Image-to-video over real HTTP: every `dmx_i2v_*` fixture, the query model following the
//! task's route (and found by trying both for a bare id), inline images refused unsent.

use std::time::Duration;

use serde_json::Value;
use video_core::{
    Image, Quality, Sound, TaskId, TaskStatus, VideoError, VideoProvider, VideoRequest,
};
use video_kling_dmx::QueryForm;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const I2V_ID: &str = "842081252995395657";
const FIRST: &str = "https://h2.inkwai.com/bs2/upload-ylab-stunt/se/ai_portal_queue_mmu_image_upscale_aiweb/3214b798-e1b4-4b00-b7af-72b5b0417420_raw_image_0.jpg";

fn doc_request() -> VideoRequest {
    VideoRequest::builder("宇航员站起身哼着歌走了")
        .image(Image::url(FIRST))
        .quality(Quality::High)
        .sound(Sound::On)
        .aspect_ratio(video_core::AspectRatio::LANDSCAPE_16_9)
        .duration_secs(10)
        .build()
}

fn text_reply(status: u16, name: &str) -> ResponseTemplate {
    let mime = if name.ends_with(".txt") {
        "text/event-stream"
    } else {
        "application/json"
    };
    ResponseTemplate::new(status)
        .insert_header("content-type", mime)
        .set_body_raw(fixture(name), mime)
}

fn i2v_id() -> TaskId {
    TaskId::new(I2V_ID).with_route("image2video")
}

#[tokio::test]
async fn a_submission_sends_the_documented_body_and_gets_a_routed_task() {
    for reply_fixture in [
        "dmx_i2v_submit_reply.json",
        "dmx_i2v_submit_wrapped_success.json",
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/responses"))
            .and(header("authorization", KEY))
            .and(body_json(fixture_json("dmx_i2v_submit_request.json")))
            .respond_with(text_reply(200, reply_fixture))
            .expect(1)
            .mount(&server)
            .await;
        let task = client(&server.uri()).submit(&doc_request()).await.unwrap();
        assert_eq!(task.status, TaskStatus::Submitted);
        assert_eq!(task.id.route(), Some("image2video"), "{reply_fixture}");
        assert!(task.id.as_str().starts_with("84208125299539565"));
    }
}

#[tokio::test]
async fn first_last_and_voice_bodies_go_out_as_the_fixtures_show() {
    let cases = [
        (
            VideoRequest::builder("The astronaut stands up and walks out of frame")
                .images(
                    Image::url("https://example.com/frames/first.jpg"),
                    Image::url("https://example.com/frames/last.jpg"),
                )
                .negative_prompt("blurry, distorted")
                .sound(Sound::Off)
                .duration_secs(5)
                .callback_url("https://example.com/hooks/video")
                .build(),
            "dmx_i2v_submit_request_first_last.json",
        ),
        (
            VideoRequest::builder("宇航员站起身哼着歌走了")
                .image(Image::url(FIRST))
                .sound(Sound::On)
                .duration_secs(5)
                .extra(
                    "voice_list",
                    serde_json::json!([{"voice_id": "genshin_vindi2"}]),
                )
                .build(),
            "dmx_i2v_submit_request_voice.json",
        ),
    ];
    for (request, name) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(body_json(fixture_json(name)))
            .respond_with(text_reply(200, "dmx_i2v_submit_reply.json"))
            .expect(1)
            .mount(&server)
            .await;
        client(&server.uri()).submit(&request).await.unwrap();
    }
}

#[tokio::test]
async fn queries_use_the_image_query_model_in_both_forms() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(fixture_json("dmx_i2v_query_request.json")))
        .respond_with(text_reply(200, "dmx_i2v_query_nonstream_succeed.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(fixture_json("dmx_i2v_query_stream_request.json")))
        .respond_with(text_reply(200, "dmx_i2v_query_stream_completed.txt"))
        .mount(&server)
        .await;
    // A snapshot streams by default (the only form documented for image-to-video)...
    let client = client(&server.uri());
    let task = client.task(&i2v_id()).await.unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(task.videos[0].duration_secs, Some(10.041));
    assert_eq!(task.id, i2v_id(), "the route stays with the task");
    // ...and uses the JSON form when configured so.
    let json_form = builder(&server.uri())
        .image_query_form(QueryForm::Json)
        .build()
        .unwrap();
    let task = json_form.task(&i2v_id()).await.unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(task.videos[0].duration_secs, Some(10.041));
    let requests = server.received_requests().await.unwrap();
    let streams: Vec<bool> = requests
        .iter()
        .map(|r| r.body_json::<Value>().unwrap()["stream"] == true)
        .collect();
    assert_eq!(streams, [true, false]);
    let streamed = client
        .long_wait(&i2v_id(), Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(streamed.status, TaskStatus::Succeeded);
    assert!(
        streamed.videos[0]
            .url()
            .unwrap()
            .contains("pkey=AAXUWmCwX5Kl7Tzi"),
        "byte-exact URL"
    );
    assert_eq!(streamed.videos[0].duration_secs, Some(10.041));
}

#[tokio::test]
async fn a_streamed_error_text_is_a_failed_task() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(text_reply(200, "dmx_i2v_query_stream_error.txt"))
        .mount(&server)
        .await;
    let id = TaskId::new("842081252995395659").with_route("image2video");
    let task = client(&server.uri())
        .long_wait(&id, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.status, TaskStatus::Failed);
    assert_eq!(
        task.status_message.as_deref(),
        Some("Failure to pass the risk control system")
    );
}

#[tokio::test]
async fn a_bare_id_is_found_by_trying_the_image_query_model_next() {
    let server = MockServer::start().await;
    query_mock()
        .respond_with(reply(404, "error_task_not_found.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(fixture_json("dmx_i2v_query_stream_request.json")))
        .respond_with(text_reply(200, "dmx_i2v_query_stream_completed.txt"))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .task(&TaskId::new(I2V_ID))
        .await
        .unwrap();
    assert_eq!(task.id.route(), Some("image2video"));
    let models: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.body_json::<Value>().unwrap()["model"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(models, [QUERY_MODEL, IMAGE_QUERY_MODEL]);
}

#[tokio::test]
async fn field_rules_are_checked_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let png = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        1, 0x2c, 0, 0, 1, 0x2c, 8, 2, 0, 0, 0,
    ];
    let cases = [
        (
            VideoRequest::builder("a fox")
                .image(Image::from_bytes(png).unwrap())
                .build(),
            "first_frame",
            "needs an image URL",
        ),
        (
            VideoRequest::builder("a fox")
                .image(Image::url("ftp://x/a.jpg"))
                .build(),
            "first_frame",
            "http or https",
        ),
        (
            VideoRequest::builder("a fox")
                .image(Image::url(FIRST))
                .quality(Quality::Standard)
                .build(),
            "quality",
            "",
        ),
        (
            VideoRequest::builder("a fox")
                .image(Image::url(FIRST))
                .duration_secs(7)
                .build(),
            "duration_secs",
            "",
        ),
    ];
    for (request, expected_field, words) in cases {
        match client.submit(&request).await {
            Err(VideoError::InvalidRequest { field, reason, .. }) => {
                assert_eq!(field, expected_field, "{reason}");
                assert!(reason.contains(words), "{reason}");
            }
            other => panic!("{expected_field}: {other:?}"),
        }
    }
    let voices = VideoRequest::builder("a fox")
        .image(Image::url(FIRST))
        .extra("voice_list", serde_json::json!(["a", "b", "c"]))
        .build();
    assert!(matches!(
        client.submit(&voices).await,
        Err(VideoError::InvalidRequest { field, .. }) if field == "voice_list"
    ));
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_snapshot_stream_still_open_after_the_window_means_still_rendering() {
    // A stream that says it started and then stays silent (the relay holding the request
    // while Kling renders).
    let uri = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n";
        let created = b"event: response.created\ndata: {\"type\":\"response.created\"}\n\n";
        write_chunked(
            &mut stream,
            head,
            &[created.to_vec()],
            Duration::from_secs(30),
        )
        .await;
    })
    .await;
    let client = builder(&uri)
        .snapshot_window(Duration::from_millis(300))
        .build()
        .unwrap();
    let task = client.task(&i2v_id()).await.unwrap();
    assert_eq!(task.status, TaskStatus::Processing);
    assert_eq!(task.id, i2v_id());
    // A server that never answers at all is an error, not "still rendering".
    let silent = raw_server(|mut stream| async move {
        read_request(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = builder(&silent)
        .snapshot_window(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client.task(&i2v_id()).await.unwrap_err();
    assert!(matches!(error, VideoError::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn a_snapshot_stream_ending_without_an_outcome_means_still_rendering() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(text_reply(
            200,
            "dmx_i2v_query_stream_completed.txt",
        ).set_body_raw(
            "event: response.created\ndata: {\"type\":\"response.created\"}\n\ndata: [DONE]\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let task = client(&server.uri()).task(&i2v_id()).await.unwrap();
    assert_eq!(task.status, TaskStatus::Processing);
    let error = client(&server.uri())
        .long_wait(&i2v_id(), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        error.is_retryable(),
        "the long wait falls back to polling: {error}"
    );
}
