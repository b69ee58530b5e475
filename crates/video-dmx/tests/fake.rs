//! Every relay family against the project's fake relay, over real HTTP: the conformance
//! suite on one model of each family, every other model generating a video, the Hailuo
//! link minted at download time (and minted again once it expired), resume by route.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::provider::testkit::run_all;
use video_core::{
    Image, Locator, PollPolicy, RetryPolicy, TaskId, VideoError, VideoProvider, VideoRequest,
    generate,
};
use video_dmx::DmxProvider;
use video_fake::conformance::FakeHarness;
use video_fake::{FakeRelay, FakeRelayConfig};

async fn fake() -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(150))
        .with_stream_interval(Duration::from_millis(20))
        .with_video_bytes(16 * 1024);
    FakeRelay::start(config).await.unwrap()
}

fn provider(fake: &FakeRelay, model: &str) -> DmxProvider {
    DmxProvider::builder()
        .api_key(fake.key())
        .base_url(fake.base_url())
        .model(model)
        .snapshot_window(Duration::from_millis(200))
        .build()
        .unwrap()
}

fn policy() -> PollPolicy {
    let retry = RetryPolicy::default()
        .with_delays(Duration::from_millis(5), Duration::from_millis(40))
        .with_jitter(0.0);
    PollPolicy::fixed(Duration::from_millis(20))
        .with_deadline(Duration::from_secs(20))
        .with_submit_retry(retry)
}

async fn conformance(model: &str) {
    let fake = fake().await;
    let provider = provider(&fake, model);
    run_all(&FakeHarness::new(fake, provider, policy())).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kling_v3_passes_the_conformance_suite() {
    conformance("kling-v3").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn seedance_passes_the_conformance_suite() {
    conformance("doubao-seedance-2-0-260128").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hailuo_passes_the_conformance_suite() {
    conformance("MiniMax-Hailuo-2.3").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn vidu_passes_the_conformance_suite() {
    conformance("viduq3-pro").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wan_passes_the_conformance_suite() {
    conformance("wan2.6-t2v").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pixverse_passes_the_conformance_suite() {
    conformance("PixVerse-V6").await;
}

fn frame(n: u8) -> Image {
    Image::url(format!("https://example.com/frames/{n}.jpg"))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_other_model_generates_its_own_mode() {
    let fake = fake().await;
    let cases = [
        (
            "doubao-seedance-2-0-fast-260128",
            VideoRequest::new("a fox"),
        ),
        (
            "MiniMax-Hailuo-2.3-Fast",
            VideoRequest::builder("a fox").image(frame(1)).build(),
        ),
        (
            "MiniMax-Hailuo-02",
            VideoRequest::builder("a fox")
                .images(frame(1), frame(2))
                .build(),
        ),
        (
            "viduq2-pro",
            VideoRequest::builder("a fox")
                .images(frame(1), frame(2))
                .build(),
        ),
        (
            "viduq2-ctv",
            VideoRequest::builder("@1 runs")
                .extra(
                    "subjects",
                    serde_json::json!([{"id": "1", "images": ["https://example.com/1.png"]}]),
                )
                .build(),
        ),
        (
            "wan2.6-i2v",
            VideoRequest::builder("a fox").image(frame(1)).build(),
        ),
    ];
    for (model, request) in cases {
        let provider = provider(&fake, model);
        let task = generate(&provider, &request, &policy())
            .await
            .unwrap_or_else(|e| panic!("{model}: {e}"));
        let bytes = provider
            .download(&task.videos[0])
            .await
            .unwrap()
            .collect_bytes()
            .await
            .unwrap();
        assert_eq!(&bytes[4..8], b"ftyp", "{model}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hailuo_link_is_minted_at_download_and_never_journaled() {
    let fake = FakeRelay::start(
        FakeRelayConfig::default()
            .with_render_time(Duration::from_millis(50))
            .with_video_bytes(8 * 1024)
            .with_link_lifetime(Duration::ZERO),
    )
    .await
    .unwrap();
    let provider = provider(&fake, "MiniMax-Hailuo-2.3");
    let task = generate(&provider, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let locator = &task.videos[0].locator;
    assert!(matches!(locator, Locator::Provider(r) if r.starts_with("MiniMax-Hailuo-get/")));
    // Every link the fake mints is dead on arrival here: the download says so, typed.
    let error = provider.download(&task.videos[0]).await.unwrap_err();
    assert!(matches!(error, VideoError::LinkExpired { .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bare_id_is_queried_by_this_models_family_and_a_routed_one_by_its_own() {
    let fake = fake().await;
    let seedance = provider(&fake, "doubao-seedance-2-0-260128");
    let wan = provider(&fake, "wan2.6-t2v");
    let task = wan.submit(&VideoRequest::new("a fox")).await.unwrap();
    assert_eq!(task.id.route(), Some("wan2.6-get"));
    // A process configured for another model finds it from the journaled route alone.
    let found = seedance.task(&task.id).await.unwrap();
    assert_eq!(found.id, task.id);
    let bare = TaskId::new(task.id.as_str());
    assert!(matches!(
        seedance.task(&bare).await,
        Err(VideoError::NotFound { .. })
    ));
    let unknown = TaskId::new("x").with_route("no-such-get");
    assert!(matches!(
        seedance.task(&unknown).await,
        Err(VideoError::Configuration { .. })
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fake_relay_takes_the_key_raw_or_as_bearer_like_the_relay() {
    let fake = fake().await;
    let task = provider(&fake, "doubao-seedance-2-0-260128")
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap();
    let client = video_http::reqwest::Client::new();
    let endpoint = format!("{}/v1/responses", fake.base_url());
    let body = format!(
        r#"{{"model":"seedance-2-0-get","input":"{}"}}"#,
        task.id.as_str()
    );
    for (credential, status) in [
        (fake.key().to_owned(), 200),
        (format!("Bearer {}", fake.key()), 200),
        ("Bearer sk-wrong".to_owned(), 401),
    ] {
        let reply = client
            .post(&endpoint)
            .header("authorization", credential)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status().as_u16(), status);
    }
}
