//! The real client end to end against the fake's Kling front over loopback: the conformance
//! suite in both modes (lookup by reference included), JWT and API-key auth with a token
//! expiring mid-run, duplicate references refused, a lost create reply found by its
//! reference, and the hostile faults.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::provider::testkit::run_all;
use video_core::{
    Image, Mode, PollPolicy, RetryPolicy, TaskStatus, VideoError, VideoProvider, VideoRequest,
    generate,
};
use video_fake::conformance::FakeHarness;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};
use video_kling::{KlingClient, KlingClientBuilder};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn policy() -> PollPolicy {
    let retry = RetryPolicy::default()
        .with_delays(ms(5), ms(40))
        .with_concurrency_delay(ms(20))
        .with_jitter(0.0)
        .with_max_retries(8);
    PollPolicy::fixed(ms(20))
        .with_deadline(Duration::from_secs(10))
        .with_submit_retry(retry)
}

async fn start(faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(ms(80))
        .with_video_bytes(32 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn builder(fake: &FakeRelay) -> KlingClientBuilder {
    KlingClient::builder()
        .access_key(fake.kling_access_key(), fake.kling_secret_key())
        .base_url(fake.base_url())
        .request_timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn the_real_client_passes_conformance_against_the_fake_in_both_modes() {
    for api_key in [false, true] {
        let fake = start(Faults::default()).await;
        let client = if api_key {
            KlingClient::builder()
                .api_key(fake.kling_api_key())
                .base_url(fake.base_url())
                .build()
                .unwrap()
        } else {
            builder(&fake).build().unwrap()
        };
        let harness = FakeHarness::new(fake, client, policy());
        run_all(&harness).await;
        let counters = harness.fake().counters();
        assert!(counters.image_submissions >= 1, "image-to-video ran");
        assert!(
            counters.lookups >= 2,
            "lookup by reference ran in both modes"
        );
        assert_eq!(counters.auth_failures, 0);
    }
}

#[tokio::test]
async fn an_expired_token_mid_run_is_reminted_and_the_job_finishes() {
    let fake = start(Faults::default().with_expired_tokens(1)).await;
    let client = builder(&fake).build().unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    let counters = fake.counters();
    assert_eq!(counters.auth_failures, 1);
    assert_eq!(counters.submissions_accepted, 1);
}

#[tokio::test]
async fn wrong_keys_are_unauthorized_and_never_shown() {
    let fake = start(Faults::default().with_echoed_key()).await;
    let client = KlingClient::builder()
        .access_key(fake.kling_access_key(), "SK-WRONG-SECRET-9d")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::Unauthorized { .. }),
        "{error:?}"
    );
    let text = format!("{error} {error:?}");
    assert!(!text.contains("SK-WRONG"), "{text}");
    assert!(
        !text.contains("eyJ"),
        "the echoed token is scrubbed: {text}"
    );
    assert_eq!(fake.counters().submissions_accepted, 0);
}

#[tokio::test]
async fn a_reference_is_used_once() {
    let fake = start(Faults::default()).await;
    let client = builder(&fake).build().unwrap();
    let request = VideoRequest::builder("a fox")
        .client_reference("order-0001")
        .build();
    client.submit(&request).await.unwrap();
    match client.submit(&request).await {
        Err(VideoError::InvalidRequest { field, .. }) => assert_eq!(field, "client_reference"),
        other => panic!("a duplicate reference must be refused, got {other:?}"),
    }
    assert_eq!(fake.counters().submissions_accepted, 1, "not paid twice");
}

#[tokio::test]
async fn a_lost_create_reply_is_found_by_its_reference() {
    let fake = start(Faults::default().with_dropped_create_replies(1)).await;
    let client = builder(&fake).build().unwrap();
    let request = VideoRequest::builder("the astronaut stands up")
        .image(Image::url("https://example.com/a.jpg"))
        .client_reference("vsdk-lost-reply-1")
        .build();
    let error = client.submit(&request).await.unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
    let found = client
        .find_by_reference("vsdk-lost-reply-1", Mode::ImageToVideo)
        .await
        .unwrap()
        .expect("the task exists");
    assert_eq!(found.id.route(), Some("image2video"));
    assert!(client.task(&found.id).await.is_ok());
    assert!(
        client
            .find_by_reference("vsdk-lost-reply-1", Mode::TextToVideo)
            .await
            .unwrap()
            .is_none(),
        "references are per endpoint family"
    );
    assert_eq!(fake.counters().submissions_accepted, 1);
}

#[tokio::test]
async fn hostile_faults_are_handled() {
    // Hostile task ids stay opaque and are queried as one path segment.
    let fake = start(Faults::default().with_task_id_prefix("../../")).await;
    let client = builder(&fake).build().unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    assert!(task.id.as_str().starts_with("../../"));
    assert_eq!(task.status, TaskStatus::Succeeded);

    // Huge replies are cut at the cap.
    let fake = start(Faults::default().with_huge_replies(8 << 20)).await;
    let client = builder(&fake).max_reply_bytes(64 * 1024).build().unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    // The task may exist (the reply was cut at the cap): an unknown outcome caused by it.
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. })
            && format!("{error:?}").contains("TooLarge"),
        "{error:?}"
    );

    // A cross-host redirect is refused, nothing re-sent.
    let other = start(Faults::default()).await;
    let fake = start(Faults::default().with_api_redirect(other.base_url())).await;
    let client = builder(&fake).build().unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(format!("{error}").contains("redirect"), "{error}");
    assert_eq!(other.counters().submissions_received, 0);
}

#[tokio::test]
async fn a_link_that_expired_while_queued_is_refreshed_and_the_file_saved() {
    // The first link the fake mints answers 403 for good: the pipeline queries the task once
    // more and saves from the fresh link.
    let fake = start(Faults::default().with_expired_first_links(1)).await;
    let client = builder(&fake).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let refreshed = std::sync::atomic::AtomicUsize::new(0);
    let done = video_core::Pipeline::new(&client)
        .policy(policy())
        .save(video_core::Destination::folder(dir.path()))
        .on_event(|event| {
            if matches!(event, video_core::Event::RefreshingLink { .. }) {
                refreshed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .generate(&VideoRequest::new("a fox"))
        .await
        .unwrap();
    assert_eq!(done.saved.len(), 1);
    assert_eq!(
        std::fs::metadata(&done.saved[0].path).unwrap().len(),
        32 * 1024
    );
    assert_eq!(refreshed.into_inner(), 1);
    assert_eq!(
        fake.counters().faults_injected,
        1,
        "the expired link was met"
    );
}
