//! Finding tasks by client reference, checked only when the provider says it can
//! ([`crate::Capabilities::lookup_by_reference`]); otherwise the default answer must be an
//! error, never "absent" (which would let a paid task be declared never created).

use super::Conformance;
use crate::image::{Image, Mode};
use crate::request::{VideoRequest, new_client_reference};

/// A task submitted with a reference is found by it (same raw id, the reference echoed), in
/// each mode the provider offers; a reference never used is `Ok(None)`.
pub async fn find_by_reference(target: &dyn Conformance) {
    let provider = target.provider();
    if !provider.capabilities().lookup_by_reference {
        let answer = provider
            .find_by_reference("vsdk-never-used", Mode::TextToVideo)
            .await;
        assert!(
            answer.is_err(),
            "without lookup_by_reference, find_by_reference must be an error, got {answer:?}"
        );
        return;
    }
    let text = VideoRequest::builder("a lighthouse at dusk");
    found_again(target, text, Mode::TextToVideo).await;
    if provider.capabilities().image_to_video.is_some() {
        let image =
            VideoRequest::builder("the astronaut stands up").image(Image::url(target.image_url()));
        found_again(target, image, Mode::ImageToVideo).await;
    }
    let unused = new_client_reference();
    match provider.find_by_reference(&unused, Mode::TextToVideo).await {
        Ok(None) => {}
        other => panic!("an unused reference must be Ok(None), got {other:?}"),
    }
}

async fn found_again(target: &dyn Conformance, builder: crate::VideoRequestBuilder, mode: Mode) {
    let provider = target.provider();
    let reference = new_client_reference();
    let request = builder.client_reference(reference.clone()).build();
    let submitted = match provider.submit(&request).await {
        Ok(task) => task,
        Err(error) => panic!("submitting with a client reference failed: {error}"),
    };
    let found = match provider.find_by_reference(&reference, mode).await {
        Ok(Some(task)) => task,
        other => panic!("the task submitted as {reference} was not found: {other:?}"),
    };
    assert!(
        found.id.same_raw_id(&submitted.id),
        "found {} instead of {}",
        found.id,
        submitted.id
    );
    assert_eq!(
        found.client_reference.as_deref(),
        Some(reference.as_str()),
        "the found task must carry its reference"
    );
    let again = provider.task(&found.id).await;
    assert!(
        again.is_ok(),
        "a found task's handle must answer task(): {again:?}"
    );
}
