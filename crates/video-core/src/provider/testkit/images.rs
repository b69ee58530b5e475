//! The image-to-video checks, gated on the provider's capabilities (the model is opendal's
//! capability-gated behaviour tests).

use super::Conformance;
use crate::error::VideoError;
use crate::image::Image;
use crate::pipeline::generate;
use crate::provider::sample::looks_like_mp4;
use crate::request::VideoRequest;
use crate::task::TaskStatus;

/// A 300×300 PNG header: enough for the checks that run before anything is sent.
fn small_png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&300_u32.to_be_bytes());
    bytes.extend_from_slice(&300_u32.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// Without image-to-video, an image request is refused before sending. With it: a URL frame
/// (when URLs are taken) goes submit → wait → download to an MP4; an inline image, or a last
/// frame, the provider does not take is refused before sending, naming the field.
pub async fn image_to_video(target: &dyn Conformance) {
    let provider = target.provider();
    let capabilities = provider.capabilities().image_to_video.clone();
    let url = Image::url(target.image_url());
    let before = target.submissions_received().await;
    let Some(capabilities) = capabilities else {
        let request = VideoRequest::builder("a fox").image(url).build();
        refused(target, &request, "first_frame").await;
        return;
    };
    if !capabilities.inline {
        let inline = Image::from_bytes(small_png()).unwrap_or(Image::url("http://x.invalid/a.png"));
        let request = VideoRequest::builder("a fox").image(inline).build();
        refused(target, &request, "first_frame").await;
    }
    if !capabilities.last_frame && capabilities.urls {
        let request = VideoRequest::builder("a fox")
            .images(url.clone(), url.clone())
            .build();
        refused(target, &request, "last_frame").await;
    }
    assert_eq!(
        target.submissions_received().await,
        before,
        "a refused image request reached the server"
    );
    if capabilities.urls {
        from_a_url(target, url).await;
    }
}

/// Submit an image request and expect `InvalidRequest` naming `field`, before sending.
async fn refused(target: &dyn Conformance, request: &VideoRequest, field: &str) {
    match target.provider().submit(request).await {
        Err(VideoError::InvalidRequest { field: got, .. }) => {
            assert_eq!(got, field, "InvalidRequest names the wrong field");
        }
        other => panic!("an image request the provider cannot take must be refused, got {other:?}"),
    }
}

/// The whole job with a URL frame.
async fn from_a_url(target: &dyn Conformance, url: Image) {
    let provider = target.provider();
    let request = VideoRequest::builder("the astronaut stands up")
        .image(url)
        .build();
    let task = match generate(provider, &request, &target.poll_policy()).await {
        Ok(task) => task,
        Err(error) => panic!("image-to-video from a URL failed: {error}"),
    };
    assert_eq!(task.status, TaskStatus::Succeeded);
    let again = provider.task(&task.id).await;
    assert!(
        matches!(&again, Ok(t) if t.status == TaskStatus::Succeeded),
        "an image-to-video task must be found again by its id, got {again:?}"
    );
    let Some(video) = task.videos.first() else {
        panic!("a succeeded image-to-video task must list a video");
    };
    let bytes = match provider.download(video).await {
        Ok(stream) => stream.collect_bytes().await,
        Err(error) => Err(error),
    };
    match bytes {
        Ok(bytes) => assert!(looks_like_mp4(&bytes), "the video is not an MP4"),
        Err(error) => panic!("downloading the image-to-video result failed: {error}"),
    }
}
