//! The real client against a hostile relay (the fake relay's fault modes), over loopback:
//! an echoed key, a cross-host redirect, huge replies, a drip-fed download, a proxy's HTML
//! 401/403, an unknown business code, hostile task ids.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::{
    PollPolicy, RetryPolicy, SaveOptions, TaskId, VideoError, VideoProvider, VideoRequest,
    download_to_file, generate, wait,
};
use video_fake::hostile::shown;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};
use video_kling_dmx::{KlingDmxClient, KlingDmxClientBuilder};

const KEY: &str = "sk-TEST-SECRET-hostile-4c3b";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn policy() -> PollPolicy {
    PollPolicy::fixed(ms(20))
        .with_deadline(Duration::from_secs(10))
        .with_submit_retry(RetryPolicy::none())
}

async fn relay(faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_key(KEY)
        .with_render_time(ms(100))
        .with_video_bytes(32 * 1024)
        .with_stream_interval(ms(20))
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn builder(relay: &FakeRelay) -> KlingDmxClientBuilder {
    KlingDmxClient::builder()
        .api_key(KEY)
        .base_url(relay.base_url())
        .request_timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn a_key_echoed_in_a_streaming_reply_never_reaches_the_error_or_the_task() {
    let relay = relay(Faults::default().with_echoed_key()).await;
    let client = builder(&relay).build().unwrap();
    let long = policy().with_long_wait(true);
    let error = generate(&client, &VideoRequest::new("a fox [fail]"), &long)
        .await
        .unwrap_err();
    assert!(
        !shown(&error).contains(KEY),
        "key leaked: {}",
        shown(&error)
    );
    assert!(shown(&error).contains("[redacted]"), "{}", shown(&error));

    let submitted = client
        .submit(&VideoRequest::new("a fox [fail]"))
        .await
        .unwrap();
    let task = client
        .long_wait(&submitted.id, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    let message = task.status_message.unwrap_or_default();
    assert!(
        !message.contains(KEY) && message.contains("[redacted]"),
        "{message}"
    );
    assert_eq!(relay.counters().stream_queries, 2);
}

#[tokio::test]
async fn a_key_echoed_in_json_replies_never_reaches_the_task() {
    let relay = relay(Faults::default().with_echoed_key()).await;
    let client = builder(&relay).build().unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let text = format!("{task:?}");
    assert!(!text.contains(KEY) && text.contains("[redacted]"), "{text}");
}

#[tokio::test]
async fn a_key_echoed_raw_or_escaped_never_reaches_an_error_or_a_task() {
    use video_fake::{EchoForm, RateLimitFault};
    for form in [EchoForm::Raw, EchoForm::Escaped, EchoForm::Split] {
        let faults = Faults::default()
            .with_echoed_key_as(form)
            .with_rate_limit(RateLimitFault::first(1302, 1));
        let relay = relay(faults).await;
        let client = builder(&relay).build().unwrap();
        let refused = client
            .submit(&VideoRequest::new("a fox"))
            .await
            .unwrap_err();
        let failed = generate(&client, &VideoRequest::new("a fox [fail]"), &policy())
            .await
            .unwrap_err();
        let task = generate(&client, &VideoRequest::new("a fox"), &policy())
            .await
            .unwrap();
        let text = format!(
            "{} {} {task:?} {}",
            shown(&refused),
            shown(&failed),
            serde_json::to_string(&task).unwrap()
        );
        assert!(!text.contains(KEY), "{form:?} leaked: {text}");
        assert!(text.contains("[redacted]"), "{form:?}: {text}");
    }
}

#[tokio::test]
async fn api_calls_never_follow_a_redirect_to_another_host() {
    let other = FakeRelay::start(FakeRelayConfig::default().with_key(""))
        .await
        .unwrap();
    let other_base = format!("http://localhost:{}", other.address().port());
    let relay = relay(Faults::default().with_api_redirect(other_base)).await;
    let client = builder(&relay).build().unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    match &error {
        VideoError::Configuration { message, .. } => {
            assert!(message.contains("localhost"), "names the target: {message}");
            assert!(message.contains("307"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(
        error.is_refused_submission(),
        "a redirect created no task here"
    );
    let error = client
        .task(&TaskId::new("850000000000000000"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::Configuration { .. }),
        "{error:?}"
    );
    assert_eq!(
        other.counters().submissions_received,
        0,
        "the prompt never left"
    );
    assert_eq!(other.counters().queries, 0);
}

#[tokio::test]
async fn huge_replies_fail_at_the_cap_without_being_read() {
    let relay = relay(Faults::default().with_huge_replies(64 << 20)).await;
    let client = builder(&relay).max_reply_bytes(1 << 20).build().unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "a 2xx reply too large to read may hide a task: {error:?}"
    );
    assert!(shown(&error).contains("1048576"), "{}", shown(&error));
    assert_eq!(relay.counters().submissions_accepted, 1);

    let error = client
        .task(&TaskId::new("850000000000000000"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            VideoError::TooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_huge_streamed_event_fails_at_the_cap() {
    let relay = relay(Faults::default().with_huge_replies(64 << 20)).await;
    let client = builder(&relay).max_reply_bytes(256 << 10).build().unwrap();
    // Huge replies also make the submission's outcome unknown; the relay numbers its first
    // task 850000000000000000.
    let plain = builder(&relay).build().unwrap();
    let submitted = plain.submit(&VideoRequest::new("a fox")).await;
    assert!(matches!(submitted, Err(VideoError::UnknownOutcome { .. })));
    let id = TaskId::new("850000000000000000");
    let error = client
        .long_wait(&id, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, VideoError::TooLarge { what, limit: 262_144 } if what == "event"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_drip_fed_download_fails_on_the_throughput_rule() {
    let relay = relay(Faults::default().with_drip_download(ms(20))).await;
    let client = builder(&relay)
        .download_min_throughput(1024, ms(300))
        .build()
        .unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fox.mp4");
    let started = std::time::Instant::now();
    let saved = tokio::time::timeout(
        Duration::from_secs(10),
        download_to_file(&client, &task.videos[0], &path, SaveOptions::new()),
    )
    .await
    .expect("the download must not hang");
    let error = saved.unwrap_err();
    assert!(shown(&error).contains("too slow"), "{}", shown(&error));
    assert!(error.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(!path.exists());
}

#[tokio::test]
async fn a_download_has_an_overall_deadline() {
    // The rate is only judged every minute here, so the deadline (300 ms plus 32 KiB at
    // 100 KiB/s = 0.62 s) is what ends a 1-byte-per-2-ms download.
    let relay = relay(Faults::default().with_drip_download(ms(2))).await;
    let client = builder(&relay)
        .download_min_throughput(100 * 1024, Duration::from_secs(60))
        .download_deadline(ms(300))
        .build()
        .unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let stream = client.download(&task.videos[0]).await.unwrap();
    let error = tokio::time::timeout(Duration::from_secs(10), stream.collect_bytes())
        .await
        .expect("the deadline ends it")
        .unwrap_err();
    assert!(matches!(error, VideoError::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn a_proxy_html_401_or_403_is_a_refusal_not_a_decode_error() {
    for (status, unauthorized) in [(401, true), (403, false)] {
        let relay = relay(Faults::default().with_auth_page(status)).await;
        let client = builder(&relay).build().unwrap();
        let error = client
            .submit(&VideoRequest::new("a fox"))
            .await
            .unwrap_err();
        if unauthorized {
            assert!(
                matches!(error, VideoError::Unauthorized { .. }),
                "{error:?}"
            );
        } else {
            assert!(matches!(error, VideoError::Forbidden { .. }), "{error:?}");
        }
        assert!(error.is_refused_submission());
        assert!(!error.is_retryable());
    }
}

#[tokio::test]
async fn an_unknown_code_on_submit_is_an_unknown_outcome_when_generating() {
    let relay = relay(Faults::default().with_unknown_submit_code(1999)).await;
    let client = builder(&relay).build().unwrap();
    let error = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("1999"), "{error}");
    assert!(error.to_string().contains("GMT"), "readable time: {error}");
    assert!(!error.to_string().contains("SystemTime"), "{error}");
}

#[tokio::test]
async fn a_task_id_with_control_characters_is_never_accepted() {
    let relay = relay(Faults::default().with_task_id_prefix("\u{1b}[2J")).await;
    let client = builder(&relay).build().unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
    assert!(!shown(&error).contains('\u{1b}'), "{}", shown(&error));
}

#[tokio::test]
async fn a_path_like_task_id_is_kept_as_an_opaque_id() {
    let relay = relay(Faults::default().with_task_id_prefix("../../")).await;
    let client = builder(&relay).build().unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    assert!(task.id.as_str().starts_with("../../"));
    assert!(!task.id.file_stem().contains('/'));
    let bytes = client
        .download(&task.videos[0])
        .await
        .unwrap()
        .collect_bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), 32 * 1024, "the video URL encodes the id");
    let again = wait(&client, &task.id, &policy()).await.unwrap();
    assert_eq!(again.id, task.id);
}
