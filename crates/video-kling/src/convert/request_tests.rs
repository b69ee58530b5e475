//! The create bodies against the protocol notes' fixtures, and each model rule.

use base64::Engine;
use serde_json::{Value, json};
use video_core::{AspectRatio, Image, Quality, Sound, VideoRequest};

use super::*;
use crate::models::find;
use crate::options::{CameraAxis, CameraControl, KlingRequestExt};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn body(request: &VideoRequest, model: &str) -> Value {
    serde_json::to_value(create_body(request, model, find(model).unwrap()).unwrap()).unwrap()
}

fn refused(request: &VideoRequest, model: &str) -> String {
    match create_body(request, model, find(model).unwrap()) {
        Err(VideoError::InvalidRequest { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn text_to_video_matches_its_fixture() {
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
    let sent = body(&request, "kling-v2-6");
    assert_eq!(sent, fixture("direct_t2v_create_request.json"));
    assert!(sent["duration"].is_string(), "duration is a string");
}

#[test]
fn image_to_video_with_urls_matches_its_fixture() {
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
    assert_eq!(
        body(&request, "kling-v2-6"),
        fixture("direct_i2v_create_request.json")
    );
}

#[test]
fn inline_images_go_out_as_raw_base64_with_voices() {
    let expected = fixture("direct_i2v_create_request_base64_voice.json");
    let encoded = expected["image"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    let request = VideoRequest::builder(expected["prompt"].as_str().unwrap())
        .image(Image::from_bytes(bytes).unwrap())
        .voices(["891495440020668439"])
        .sound(Sound::On)
        .quality(Quality::High)
        .duration_secs(5)
        .client_reference("order-2026-000127")
        .build();
    let sent = body(&request, "kling-v2-6");
    assert_eq!(sent, expected);
    assert!(!sent["image"].as_str().unwrap().starts_with("data:"));
}

#[test]
fn camera_and_cfg_scale_on_kling_v1_match_their_fixture() {
    let mut expected = fixture("direct_t2v_create_request_camera.json");
    // An empty callback URL is not a URL: the request cannot express it, and omits it.
    expected.as_object_mut().unwrap().remove("callback_url");
    let request = VideoRequest::builder("A lighthouse on a cliff at dusk, seagulls circling")
        .negative_prompt("")
        .cfg_scale(0.5)
        .quality(Quality::Standard)
        .aspect_ratio(AspectRatio::PORTRAIT_9_16)
        .duration_secs(5)
        .camera_control(CameraControl::simple(CameraAxis::Zoom, 5.0))
        .client_reference("order-2026-000125")
        .build();
    assert_eq!(body(&request, "kling-v1"), expected);
}

#[test]
fn each_model_rule_is_checked_before_sending() {
    let text = || VideoRequest::builder("a fox");
    let image = || VideoRequest::builder("a fox").image(Image::url("https://e.com/a.png"));
    let zoom = CameraControl::simple(CameraAxis::Zoom, 5.0);
    let cases: Vec<(VideoRequest, &str, &str)> = vec![
        (text().cfg_scale(0.5).build(), "kling-v2-6", "cfg_scale"),
        (text().cfg_scale(1.5).build(), "kling-v1", "cfg_scale"),
        (
            text().camera_control(zoom.clone()).build(),
            "kling-v2-6",
            "camera_control",
        ),
        (
            text()
                .camera_control(zoom.clone())
                .quality(Quality::High)
                .build(),
            "kling-v1",
            "camera_control",
        ),
        (
            text()
                .camera_control(zoom.clone())
                .duration_secs(10)
                .build(),
            "kling-v1",
            "camera_control",
        ),
        (
            VideoRequest::builder("a fox")
                .images(
                    Image::url("https://e.com/a.png"),
                    Image::url("https://e.com/b.png"),
                )
                .camera_control(zoom)
                .build(),
            "kling-v1",
            "camera_control",
        ),
        (
            text().voices(["v"]).sound(Sound::On).build(),
            "kling-v2-6",
            "voice_list",
        ),
        (image().voices(["v"]).build(), "kling-v2-6", "voice_list"),
        (
            image().voices(["v"]).sound(Sound::On).build(),
            "kling-v2-5-turbo",
            "voice_list",
        ),
        (
            image().aspect_ratio(AspectRatio::SQUARE_1_1).build(),
            "kling-v2-6",
            "aspect_ratio",
        ),
        (
            text().quality(Quality::High).build(),
            "kling-v2-master",
            "quality",
        ),
        (
            text().extra("watermark_info", json!("yes")).build(),
            "kling-v2-6",
            "watermark_info",
        ),
    ];
    for (request, model, field) in cases {
        assert_eq!(
            refused(&request, model),
            field,
            "{model}: {:?}",
            request.extra
        );
    }
}

#[test]
fn extras_pass_through_but_never_override_typed_fields() {
    let request = VideoRequest::builder("a fox")
        .extra("static_mask", json!("https://e.com/m.png"))
        .extra("external_task_id", json!("hijack"))
        .extra("model_name", json!("kling-v1"))
        .client_reference("mine")
        .build();
    let sent = body(&request, "kling-v2-6");
    assert_eq!(sent["static_mask"], "https://e.com/m.png");
    assert_eq!(sent["external_task_id"], "mine");
    assert_eq!(sent["model_name"], "kling-v2-6");
}
