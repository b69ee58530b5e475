//! A Kling server that echoes the credential in every form a scrub of raw bytes misses — JSON
//! `\u` escapes, a JWT split into its segments, a token minted earlier — on create, query and
//! lookup (the fake's echo fault, over loopback): nothing of any credential reaches an error,
//! a task or its JSON (what the journal and `--json` print).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::{
    Mode, PollPolicy, RetryPolicy, VideoError, VideoProvider, VideoRequest, generate,
};
use video_fake::hostile::shown;
use video_fake::{EchoForm, FakeRelay, FakeRelayConfig, Faults, RateLimitFault};
use video_kling::{KlingClient, KlingClientBuilder};

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_millis(20))
        .with_deadline(Duration::from_secs(10))
        .with_submit_retry(RetryPolicy::none())
}

/// With `expired_tokens`, the first request is refused as an expired token (so a JWT client
/// mints a second one); the first submission that gets through is refused as rate limited:
/// an error reply that echoes.
async fn start(form: EchoForm, expired_tokens: u32) -> FakeRelay {
    let faults = Faults::default()
        .with_echoed_key_as(form)
        .with_expired_tokens(expired_tokens)
        .with_rate_limit(RateLimitFault::first(1302, 1));
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(60))
        .with_video_bytes(4096)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn jwt_client(fake: &FakeRelay) -> KlingClient {
    base(fake)
        .access_key(fake.kling_access_key(), fake.kling_secret_key())
        .build()
        .unwrap()
}

fn base(fake: &FakeRelay) -> KlingClientBuilder {
    KlingClient::builder()
        .base_url(fake.base_url())
        .request_timeout(Duration::from_secs(5))
}

/// Create (refused, echoing), query (a failed task's message, echoing) and lookup (the same
/// task found by its reference): everything a caller could print.
async fn everything_shown(client: &KlingClient) -> String {
    let refused = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    let mut text = shown(&refused);
    let request = VideoRequest::builder("a fox [fail]")
        .client_reference("echo-order-1")
        .build();
    let failed = generate(client, &request, &policy()).await.unwrap_err();
    assert!(
        matches!(
            failed,
            VideoError::TaskFailed { .. } | VideoError::ContentRejected { .. }
        ),
        "{failed:?}"
    );
    text.push_str(&shown(&failed));
    let found = client
        .find_by_reference("echo-order-1", Mode::TextToVideo)
        .await
        .unwrap()
        .expect("the task is found by its reference");
    text.push_str(&format!(
        " | {found:?} | {}",
        serde_json::to_string(&found).unwrap()
    ));
    text
}

/// Everything that must never be shown: each credential the fake saw, its token, and each
/// segment of a token.
fn secrets(fake: &FakeRelay, keys: &[&str]) -> Vec<String> {
    let mut secrets: Vec<String> = keys.iter().map(|key| (*key).to_owned()).collect();
    for credential in fake.credentials_seen() {
        let bare = credential.trim_start_matches("Bearer ").to_owned();
        secrets.extend(bare.split('.').filter(|s| s.len() >= 12).map(str::to_owned));
        secrets.push(bare);
    }
    secrets
}

fn assert_clean(shown: &str, secrets: &[String], form: EchoForm) {
    for secret in secrets {
        assert!(!shown.contains(secret.as_str()), "{form:?} leaked: {shown}");
    }
    assert!(
        shown.contains("[redacted]"),
        "{form:?}: the echo happened and was scrubbed: {shown}"
    );
    assert!(!shown.contains("\\u00"), "{form:?}: {shown}");
}

#[tokio::test]
async fn every_echo_form_of_a_jwt_is_scrubbed_on_create_query_and_lookup() {
    for form in [
        EchoForm::Raw,
        EchoForm::Escaped,
        EchoForm::Split,
        EchoForm::Earlier,
    ] {
        let fake = start(form, 1).await;
        let client = jwt_client(&fake);
        let shown = everything_shown(&client).await;
        // The re-minted token equals the first when both fall in the same second (a JWT's
        // claims are in seconds); `video-http`'s auth tests cover distinct earlier tokens.
        assert!(
            fake.counters().auth_failures >= 1,
            "{form:?}: a token was re-minted"
        );
        let keys = [fake.kling_access_key(), fake.kling_secret_key()];
        assert_clean(&shown, &secrets(&fake, &keys), form);
    }
}

#[tokio::test]
async fn every_echo_form_of_an_api_key_is_scrubbed() {
    for form in [EchoForm::Raw, EchoForm::Escaped] {
        let fake = start(form, 0).await;
        let client = base(&fake).api_key(fake.kling_api_key()).build().unwrap();
        let shown = everything_shown(&client).await;
        assert_clean(&shown, &secrets(&fake, &[fake.kling_api_key()]), form);
    }
}
