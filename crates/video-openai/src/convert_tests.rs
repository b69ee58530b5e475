use super::*;
use crate::models::row;
use video_core::{AspectRatio, Image};

#[test]
fn a_url_frame_goes_as_json_and_bytes_as_a_multipart_file() {
    let sora = row("sora-2");
    let request = VideoRequest::builder("fox")
        .duration_secs(8)
        .aspect_ratio(AspectRatio::LANDSCAPE_16_9)
        .image(Image::url("https://img.example/a.png"))
        .build();
    let asked = asked(&request, &sora).unwrap();
    assert_eq!(asked.size, "1280x720");
    let CreateBody::Json(body) = create_body(&request, "sora-2", &asked).unwrap() else {
        panic!("a URL frame is JSON");
    };
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["seconds"], "8");
    assert_eq!(
        body["input_reference"]["image_url"],
        "https://img.example/a.png"
    );
    let inline = VideoRequest::builder("fox")
        .image(Image::from_bytes(png(300, 300)).unwrap())
        .build();
    let inline_asked = super::asked(&inline, &sora).unwrap();
    assert!(matches!(
        create_body(&inline, "sora-2", &inline_asked).unwrap(),
        CreateBody::Multipart(_)
    ));
}

#[test]
fn the_size_option_is_checked_against_the_table() {
    let request = VideoRequest::builder("fox")
        .extra("size", json!("1920x1080"))
        .build();
    let error = asked(&request, &row("sora-2")).unwrap_err();
    assert!(
        matches!(error, VideoError::InvalidRequest { ref field, .. } if field == "option size")
    );
    assert_eq!(
        asked(&request, &row("sora-2-pro")).unwrap().size,
        "1920x1080"
    );
}

#[test]
fn objects_become_tasks_and_moderation_is_content() {
    let object: VideoObject = serde_json::from_value(json!({
        "id": "video_1", "status": "failed", "progress": "40",
        "error": {"code": "moderation_blocked", "message": "blocked"}
    }))
    .unwrap();
    let task = task_of(object);
    assert_eq!(task.status, TaskStatus::Failed);
    assert_eq!(task.progress, Some(40));
    assert!(is_content_failure(task.status_message.as_deref().unwrap()));
    let done: VideoObject = serde_json::from_value(json!({
        "id": "video_2", "status": "completed", "expires_at": 2_000_000_000u64, "seconds": "8"
    }))
    .unwrap();
    let task = task_of(done);
    assert_eq!(task.videos.len(), 1);
    assert!(task.videos[0].expires_at.is_some());
    assert_eq!(
        task.videos[0].locator.provider_ref(),
        Some("content/video_2")
    );
}

#[test]
fn errors_by_code_then_status() {
    let running = br#"{"error":{"message":"Too many running tasks","type":"video_generation_user_error","code":null}}"#;
    let error = error_of(429, None, running, Call::Submit, None);
    assert!(matches!(
        error,
        VideoError::RateLimited {
            scope: RateLimitScope::Concurrency,
            ..
        }
    ));
    let azure =
        br#"{"error":{"code":"401","message":"Access denied due to invalid subscription key"}}"#;
    assert!(matches!(
        error_of(401, None, azure, Call::Submit, None),
        VideoError::Unauthorized { .. }
    ));
    let quota =
        br#"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
    assert!(matches!(
        error_of(429, None, quota, Call::Submit, None),
        VideoError::QuotaExceeded { .. }
    ));
    let bad = br#"{"error":{"message":"bad seconds","type":"invalid_request_error","param":"seconds","code":null}}"#;
    let error = error_of(400, None, bad, Call::Submit, None);
    assert!(
        matches!(error, VideoError::InvalidRequest { ref field, .. } if field == "seconds"),
        "{error:?}"
    );
}

/// A PNG header of `width`×`height`: enough for the checks made before sending.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}
