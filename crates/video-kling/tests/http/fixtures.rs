//! The create bodies go out as the fixtures show, and every reply fixture is read.

use video_core::{
    AspectRatio, Image, Quality, Sound, TaskId, TaskStatus, VideoProvider, VideoRequest,
};
use video_kling::KlingRequestExt;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

#[tokio::test]
async fn a_text_submission_sends_the_fixture_and_gets_a_routed_task() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/videos/text2video"))
        .and(body_json(fixture_json("direct_t2v_create_request.json")))
        .respond_with(reply(200, "direct_create_reply.json"))
        .expect(1)
        .mount(&server)
        .await;
    let request = VideoRequest::builder(
        "A person dancing on a beach at sunset, waves rolling in, warm light",
    )
    .negative_prompt("blurry, distorted hands, low quality")
    .quality(Quality::High)
    .sound(Sound::On)
    .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
    .duration_secs(10)
    .watermark(false)
    .callback_url("https://example.com/hooks/kling")
    .client_reference("order-2026-000124")
    .build();
    let task = client(&server.uri()).submit(&request).await.unwrap();
    assert_eq!(task.id.as_str(), "871234567890123456");
    assert_eq!(task.id.route(), Some("text2video"));
    assert_eq!(task.status, TaskStatus::Submitted);
    let auth = &tokens(&server).await[0];
    assert!(
        auth.starts_with("Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."),
        "{auth}"
    );
}

#[tokio::test]
async fn an_image_submission_goes_to_image2video() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/videos/image2video"))
        .and(body_json(fixture_json("direct_i2v_create_request.json")))
        .respond_with(reply(200, "direct_create_reply.json"))
        .expect(1)
        .mount(&server)
        .await;
    let request = VideoRequest::builder("Camera zooms out, the girl smiles")
        .images(
            Image::url(
                "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/multi-2.png",
            ),
            Image::url(
                "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/multi-1.png",
            ),
        )
        .negative_prompt("")
        .quality(Quality::High)
        .sound(Sound::Off)
        .duration_secs(5)
        .watermark(true)
        .callback_url("https://example.com/hooks/kling")
        .client_reference("order-2026-000126")
        .build();
    let task = client(&server.uri()).submit(&request).await.unwrap();
    assert_eq!(task.id.route(), Some("image2video"));
    assert_eq!(task.client_reference.as_deref(), Some("order-2026-000126"));
}

#[tokio::test]
async fn every_query_fixture_is_read_under_its_route() {
    let cases = [
        ("direct_query_submitted.json", TaskStatus::Submitted),
        ("direct_query_processing.json", TaskStatus::Processing),
        ("direct_query_succeed.json", TaskStatus::Succeeded),
        ("direct_query_failed.json", TaskStatus::Failed),
    ];
    for (name, status) in cases {
        let server = MockServer::start().await;
        let id = fixture_json(name)["data"]["task_id"]
            .as_str()
            .unwrap()
            .to_owned();
        Mock::given(method("GET"))
            .and(path(format!("/v1/videos/image2video/{id}")))
            .respond_with(reply(200, name))
            .expect(1)
            .mount(&server)
            .await;
        let handle = TaskId::new(id).with_route("image2video");
        let task = client(&server.uri()).task(&handle).await.unwrap();
        assert_eq!(task.status, status, "{name}");
        assert_eq!(task.id, handle, "{name}: the handle keeps its route");
        if status == TaskStatus::Succeeded {
            let video = &task.videos[0];
            assert!(
                video.url().unwrap().contains("pkey=AAXUWmCwX5Kl7Tzi"),
                "byte-exact URL"
            );
            assert_eq!(video.duration_secs, Some(5.041));
            assert!(video.watermarked.is_some());
            assert_eq!(task.usage.as_ref().unwrap().charged.as_deref(), Some("5"));
        }
    }
}

#[tokio::test]
async fn a_bare_id_is_found_under_image2video_after_text2video_says_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/videos/text2video/871234567890123456"))
        .respond_with(reply(404, "direct_error_404_1203.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/videos/image2video/871234567890123456"))
        .respond_with(reply(200, "direct_query_succeed.json"))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .task(&TaskId::new("871234567890123456"))
        .await
        .unwrap();
    assert_eq!(task.id.route(), Some("image2video"));
    assert_eq!(task.status, TaskStatus::Succeeded);
}

#[tokio::test]
async fn inline_images_go_out_as_raw_base64() {
    use base64::Engine;
    let server = MockServer::start().await;
    let expected = fixture_json("direct_i2v_create_request_base64_voice.json");
    Mock::given(method("POST"))
        .and(path("/v1/videos/image2video"))
        .and(body_json(expected.clone()))
        .respond_with(reply(200, "direct_create_reply.json"))
        .expect(1)
        .mount(&server)
        .await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(expected["image"].as_str().unwrap())
        .unwrap();
    let request = VideoRequest::builder(expected["prompt"].as_str().unwrap())
        .image(Image::from_bytes(bytes).unwrap())
        .voices(["891495440020668439"])
        .sound(Sound::On)
        .quality(Quality::High)
        .duration_secs(5)
        .client_reference("order-2026-000127")
        .build();
    client(&server.uri()).submit(&request).await.unwrap();
}
