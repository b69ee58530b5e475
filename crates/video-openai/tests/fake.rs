//! The OpenAI client against the project's fake over real HTTP: the conformance suite in each
//! credential style, a content redirect to another origin followed without the credential,
//! list and delete, and a lost create reply recognised in the list (one match adopted; two
//! alike, or none, left for a person).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use video_core::journal::{EntryState, MemoryStore, Providers, Resume, Resumed, TaskStore};
use video_core::provider::testkit::run_all;
use video_core::{
    Destination, Pipeline, PollPolicy, RetryPolicy, TaskId, VideoError, VideoProvider,
    VideoRequest, generate,
};
use video_fake::conformance::FakeHarness;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};
use video_openai::{AuthStyle, OpenAiClient};

async fn fake_with(faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(150))
        .with_video_bytes(16 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn client(fake: &FakeRelay, style: AuthStyle) -> OpenAiClient {
    OpenAiClient::builder()
        .api_key(fake.key())
        .base_url(&fake.openai_base_url())
        .auth_style(style)
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

async fn conformance(style: AuthStyle) {
    let fake = fake_with(Faults::default()).await;
    let provider = client(&fake, style);
    let harness = FakeHarness::new(fake, provider, policy())
        .with_unknown_task_id(TaskId::new("video_ffffffffffffffff"));
    run_all(&harness).await;
    assert!(harness.fake().counters().auth_failures == 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn passes_the_conformance_suite_with_a_bearer_key() {
    conformance(AuthStyle::Bearer).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn passes_the_conformance_suite_with_a_raw_key() {
    conformance(AuthStyle::Raw).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn passes_the_conformance_suite_with_azures_api_key_header() {
    conformance(AuthStyle::ApiKey).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_content_redirect_to_another_origin_gets_no_credential() {
    let mut faults = Faults::default();
    faults.redirect_content = true;
    let fake = fake_with(faults).await;
    let provider = client(&fake, AuthStyle::Bearer);
    let folder = tempfile::tempdir().unwrap();
    let done = Pipeline::new(&provider)
        .policy(policy())
        .save(Destination::file(folder.path().join("cat.mp4")))
        .generate(&VideoRequest::new("a cat"))
        .await
        .unwrap();
    assert!(done.saved[0].bytes > 0);
    let counters = fake.counters();
    assert_eq!(
        counters.downloads, 2,
        "the content route, then the video host"
    );
    assert_eq!(counters.downloads_with_credentials, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_and_deletes_finished_videos() {
    let fake = fake_with(Faults::default()).await;
    let provider = client(&fake, AuthStyle::Bearer);
    let task = generate(&provider, &VideoRequest::new("a heron"), &policy())
        .await
        .unwrap();
    let listed = provider.list_recent(10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, task.id);
    assert!(provider.delete(&task.id).await.unwrap());
    let gone = provider.task(&task.id).await.unwrap_err();
    assert!(matches!(gone, VideoError::NotFound { .. }), "{gone}");
}

fn window() -> (SystemTime, SystemTime) {
    let now = SystemTime::now();
    (now - Duration::from_secs(60), now + Duration::from_secs(60))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_submission_is_found_only_when_exactly_one_video_matches() {
    let fake = fake_with(Faults::default()).await;
    let provider = client(&fake, AuthStyle::Bearer);
    let fox = VideoRequest::builder("a fox").duration_secs(8).build();
    let sent = provider.submit(&fox).await.unwrap();
    let found = provider.find_submitted(&fox, window()).await.unwrap();
    assert_eq!(found.map(|task| task.id), Some(sent.id), "one match");
    let longer = VideoRequest::builder("a fox").duration_secs(12).build();
    assert!(
        provider
            .find_submitted(&longer, window())
            .await
            .unwrap()
            .is_none(),
        "none"
    );
    provider.submit(&fox).await.unwrap();
    assert!(
        provider
            .find_submitted(&fox, window())
            .await
            .unwrap()
            .is_none(),
        "two alike"
    );
    let past = (
        SystemTime::UNIX_EPOCH,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1),
    );
    let heron = VideoRequest::new("a heron");
    provider.submit(&heron).await.unwrap();
    assert!(
        provider
            .find_submitted(&heron, past)
            .await
            .unwrap()
            .is_none(),
        "outside the window"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resume_adopts_the_one_video_a_lost_reply_created() {
    let mut faults = Faults::default();
    faults.dropped_create_replies = 1;
    let fake = fake_with(faults).await;
    let provider = client(&fake, AuthStyle::Bearer);
    let journal = MemoryStore::new();
    let folder = tempfile::tempdir().unwrap();
    let error = Pipeline::new(&provider)
        .policy(policy())
        .journal(&journal)
        .save(Destination::file(folder.path().join("fox.mp4")))
        .generate(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error}"
    );
    let providers = Providers::new().with(Arc::new(provider), policy());
    let report = Resume::new(&journal, &providers).run().await.unwrap();
    match &report.resumed[..] {
        [Resumed::Finished { entry, .. }] => assert_eq!(entry.state, EntryState::Downloaded),
        other => panic!("{other:?}"),
    }
    assert!(folder.path().join("fox.mp4").exists());
    assert_eq!(
        fake.counters().submissions_accepted,
        1,
        "adopted, not resubmitted"
    );
    let again = Resume::new(&journal, &providers).run().await.unwrap();
    assert!(again.resumed.is_empty(), "{:?}", again.resumed);
    let entries = journal.entries().await.unwrap().entries;
    assert_eq!(entries.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_alike_leave_a_lost_reply_unresolved() {
    let mut faults = Faults::default();
    faults.dropped_create_replies = 1;
    let fake = fake_with(faults).await;
    let provider = client(&fake, AuthStyle::Bearer);
    let journal = MemoryStore::new();
    let lost = Pipeline::new(&provider)
        .policy(policy())
        .journal(&journal)
        .submit(&VideoRequest::new("a fox"))
        .await;
    assert!(lost.is_err());
    // Another video alike, not journaled here (another app, or a person retrying).
    provider.submit(&VideoRequest::new("a fox")).await.unwrap();
    let providers = Providers::new().with(Arc::new(provider), policy());
    let report = Resume::new(&journal, &providers).run().await.unwrap();
    match &report.resumed[..] {
        [Resumed::Unresolved(entry)] => assert_eq!(entry.state, EntryState::UnknownOutcome),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        fake.counters().submissions_accepted,
        2,
        "nothing resubmitted"
    );
}

#[test]
fn a_bad_auth_style_and_a_missing_key_are_configuration_errors() {
    let env = |name: &str| match name {
        "OPENAI_AUTH_STYLE" => Some("token".to_owned()),
        "OPENAI_API_KEY" => Some("sk-x".to_owned()),
        _ => None,
    };
    let error = video_openai::OpenAiBuilder::from_lookup(env)
        .build()
        .unwrap_err();
    assert!(matches!(error, VideoError::Configuration { .. }), "{error}");
    let error = OpenAiClient::builder().build().unwrap_err();
    assert!(
        matches!(error, VideoError::MissingCredentials { .. }),
        "{error}"
    );
    let shown = format!("{:?}", OpenAiClient::builder().api_key("sk-secret-1"));
    assert!(!shown.contains("sk-secret-1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listed_id_that_is_not_a_task_id_is_never_adopted() {
    let fake = fake_with(Faults::default().with_task_id_prefix("\u{1b}[31m")).await;
    let provider = client(&fake, AuthStyle::Bearer);
    let fox = VideoRequest::new("a fox");
    // The create is refused for its id, though the server made the task.
    assert!(provider.submit(&fox).await.is_err());
    let found = provider.find_submitted(&fox, window()).await;
    assert!(found.is_err(), "{found:?}");
    assert!(provider.list_recent(10).await.is_err());
}
