//! The real client end to end against the fake relay (feature `fake-server`): conformance,
//! both query modes, every injected fault, callbacks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use video_core::provider::testkit::run_all;
use video_core::{
    PollPolicy, RetryPolicy, SaveOptions, TaskStatus, VideoError, VideoProvider, VideoRequest,
    download_to_file, generate,
};
use video_fake::conformance::FakeHarness;
use video_fake::{FakeRelay, FakeRelayConfig, Faults, RateLimitFault};
use video_kling_dmx::{KlingDmxClient, parse_callback};

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

fn config(render: u64) -> FakeRelayConfig {
    FakeRelayConfig::default()
        .with_render_time(ms(render))
        .with_video_bytes(32 * 1024)
        .with_stream_interval(ms(20))
}

async fn start(config: FakeRelayConfig) -> FakeRelay {
    FakeRelay::start(config).await.unwrap()
}

fn client(relay: &FakeRelay) -> KlingDmxClient {
    KlingDmxClient::builder()
        .api_key(relay.key())
        .base_url(relay.base_url())
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_real_client_passes_conformance_against_the_fake_relay() {
    for long_wait in [false, true] {
        let relay = start(config(60)).await;
        let client = client(&relay);
        let harness = FakeHarness::new(relay, client, policy().with_long_wait(long_wait));
        run_all(&harness).await;
    }
}

#[tokio::test]
async fn polling_by_default_and_one_streaming_request_with_the_long_wait() {
    let relay = start(config(150)).await;
    let request = VideoRequest::new("a fox");
    let done = generate(&client(&relay), &request, &policy())
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    let polled = relay.counters();
    assert!(
        polled.queries >= 3,
        "polling every 20 ms for 150 ms: {polled:?}"
    );
    assert_eq!(polled.stream_queries, 0);

    let relay = start(config(150)).await;
    let long = policy().with_long_wait(true);
    let done = generate(&client(&relay), &request, &long).await.unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert!(done.videos[0].url().unwrap().starts_with(relay.base_url()));
    let streamed = relay.counters();
    assert_eq!((streamed.queries, streamed.stream_queries), (1, 1));
}

#[tokio::test]
async fn rate_and_concurrency_limits_are_retried_to_success() {
    // 1303 twice (no Retry-After), then 1302 once with `Retry-After: 1` (honoured: ~1 s).
    let cases = [
        (RateLimitFault::first(1303, 2), 3),
        (RateLimitFault::first(1302, 1).with_retry_after(1), 2),
    ];
    for (limit, received) in cases {
        let code = limit.code;
        let faults = Faults::default().with_rate_limit(limit);
        let relay = start(config(30).with_faults(faults)).await;
        let started = std::time::Instant::now();
        let result = generate(&client(&relay), &VideoRequest::new("a fox"), &policy()).await;
        assert!(result.is_ok(), "code {code}: {result:?}");
        let counters = relay.counters();
        assert_eq!(counters.submissions_received, received, "code {code}");
        assert_eq!(counters.submissions_accepted, 1, "code {code}");
        if code == 1302 {
            assert!(
                started.elapsed() >= Duration::from_secs(1),
                "Retry-After honoured"
            );
        }
    }
}

#[tokio::test]
async fn a_concurrency_limit_waits_for_a_running_task_to_finish() {
    let faults = Faults::default().with_max_running_tasks(1);
    let relay = start(config(200).with_faults(faults)).await;
    let client = client(&relay);
    let first = client.submit(&VideoRequest::new("first")).await.unwrap();
    let refused = client
        .submit(&VideoRequest::new("second"))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, VideoError::RateLimited { .. }),
        "{refused:?}"
    );
    let second = generate(&client, &VideoRequest::new("second"), &policy())
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(relay.counters().submissions_accepted, 2);
}

#[tokio::test]
async fn server_errors_and_gateway_pages_are_polled_through() {
    let faults = Faults::default()
        .with_server_errors(0.4)
        .with_gateway_pages(0.3);
    let relay = start(config(100).with_faults(faults).with_seed(11)).await;
    let client = client(&relay);
    let mut ok = 0;
    let mut outcomes = Vec::new();
    for n in 0..6 {
        match client.submit(&VideoRequest::new(format!("fox {n}"))).await {
            Ok(task) => {
                ok += 1;
                outcomes.push(
                    video_core::wait(&client, &task.id, &policy())
                        .await
                        .map(|t| t.status),
                );
            }
            // A server error or a gateway page on a submission proves nothing: the task may
            // exist, so it is an unknown outcome (never retried).
            Err(error) => assert!(
                matches!(
                    &error,
                    VideoError::UnknownOutcome { source, .. }
                        if source.to_string().contains("HTTP") || source.to_string().contains("provider")
                ),
                "{error:?}"
            ),
        }
    }
    assert!(ok > 0, "the seed must let some submissions through");
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(TaskStatus::Succeeded))),
        "{outcomes:?}"
    );
    let counters = relay.counters();
    assert_eq!(
        counters.submissions_accepted, ok,
        "one accepted submission per task returned"
    );
    assert!(counters.faults_injected > 0);
}

#[tokio::test]
async fn under_mixed_faults_each_returned_task_is_one_accepted_submission() {
    let faults = Faults::default()
        .with_rate_limit(RateLimitFault::rate(1303, 0.3))
        .with_server_errors(0.15)
        .with_gateway_pages(0.15)
        .with_dropped_replies(0.15);
    let relay = start(config(40).with_faults(faults).with_seed(5)).await;
    let client = client(&relay);
    let (mut returned, mut unknown) = (0, 0);
    for n in 0..20 {
        match generate(&client, &VideoRequest::new(format!("fox {n}")), &policy()).await {
            Ok(_) | Err(VideoError::TaskFailed { .. } | VideoError::WaitTimeout { .. }) => {
                returned += 1
            }
            Err(VideoError::UnknownOutcome { .. }) => unknown += 1,
            Err(VideoError::Transport {
                reached_server: true,
                ..
            }) => unknown += 1,
            Err(_) => {}
        }
    }
    // Every returned task was accepted once; an unknown outcome may or may not hide one (a
    // 5xx or gateway page on a submission is one too, since the task may exist).
    let accepted = relay.counters().submissions_accepted;
    assert!(
        returned <= accepted && accepted <= returned + unknown,
        "accepted {accepted}, returned {returned}, unknown {unknown}"
    );
    assert!(
        returned > 0 && unknown > 0,
        "the seed must exercise both: {returned}/{unknown}"
    );
}

#[tokio::test]
async fn a_reply_dropped_after_acceptance_is_unknown_outcome_sent_once() {
    let faults = Faults::default().with_dropped_replies(1.0);
    let relay = start(config(30).with_faults(faults)).await;
    let error = generate(&client(&relay), &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
    let counters = relay.counters();
    assert_eq!(
        (counters.submissions_received, counters.submissions_accepted),
        (1, 1)
    );
}

#[tokio::test]
async fn latency_beyond_the_request_timeout_is_a_typed_error() {
    let faults = Faults::default().with_latency(ms(300));
    let relay = start(config(30).with_faults(faults)).await;
    let client = KlingDmxClient::builder()
        .api_key(relay.key())
        .base_url(relay.base_url())
        .request_timeout(ms(100))
        .build()
        .unwrap();
    let error = client
        .submit(&VideoRequest::new("a fox"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, VideoError::UnknownOutcome { .. }),
        "{error:?}"
    );
    let error = client.task(&"850000000000000000".into()).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}

#[tokio::test]
async fn a_truncated_download_leaves_no_file() {
    let faults = Faults::default().with_truncated_downloads(1.0);
    let relay = start(config(30).with_faults(faults).with_video_bytes(1 << 20)).await;
    let client = client(&relay);
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fox.mp4");
    // Cut off after the headers (the error then comes from the body) or before them.
    let error = download_to_file(&client, &task.videos[0], &path, SaveOptions::new())
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing at the destination"
    );
}

#[tokio::test]
async fn an_expired_link_is_its_own_error() {
    let faults = Faults::default().with_expired_links(1.0);
    let relay = start(config(30).with_faults(faults)).await;
    let client = client(&relay);
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let error = client.download(&task.videos[0]).await.unwrap_err();
    assert!(
        matches!(error, VideoError::LinkExpired { status: 403 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn invalid_submissions_get_1201_and_a_wrong_key_401() {
    let relay = start(config(30)).await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/responses", relay.base_url());
    let reply = http
        .post(&url)
        .header("Authorization", relay.key())
        .body(r#"{"model":"kling-v2-6-text2video","input":"fox","duration":7}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let body: serde_json::Value = reply.json().await.unwrap();
    assert_eq!(body["code"], 1201);
    assert!(body["message"].as_str().unwrap().contains("duration"));
    let wrong = KlingDmxClient::builder()
        .api_key("sk-wrong")
        .base_url(relay.base_url())
        .build()
        .unwrap();
    let error = wrong.submit(&VideoRequest::new("fox")).await.unwrap_err();
    assert!(
        matches!(error, VideoError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(
        relay.counters().submissions_received,
        1,
        "the 401 never counts"
    );
}

#[tokio::test]
async fn callbacks_arrive_on_each_status_change_and_parse() {
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let sink = Arc::clone(&sink);
            async move {
                sink.lock().unwrap().push(parse_callback(&body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let relay = start(config(100)).await;
    let request = VideoRequest::builder("a fox").callback_url(hook).build();
    let task = generate(&client(&relay), &request, &policy())
        .await
        .unwrap();
    for _ in 0..50 {
        if received.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(ms(10)).await;
    }
    let statuses: Vec<TaskStatus> = received
        .lock()
        .unwrap()
        .iter()
        .map(|parsed| parsed.as_ref().unwrap().status.clone())
        .collect();
    assert_eq!(statuses, [TaskStatus::Processing, TaskStatus::Succeeded]);
    let last = received.lock().unwrap().pop().unwrap().unwrap();
    assert!(last.id.same_raw_id(&task.id), "{:?} {:?}", last.id, task.id);
    assert_eq!(last.videos.len(), 1);
    assert_eq!(relay.counters().callbacks_sent, 2);
}

#[tokio::test]
async fn range_requests_and_the_debug_endpoint() {
    let relay = start(config(10)).await;
    let client = client(&relay);
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let part = http
        .get(task.videos[0].url().unwrap())
        .header("Range", "bytes=4-7")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 4-7/32768");
    assert_eq!(&part.bytes().await.unwrap()[..], b"ftyp");
    let counters: serde_json::Value = http
        .get(format!("{}/debug/counters", relay.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["submissions_accepted"], 1);
}

#[tokio::test]
async fn downloads_have_their_own_tighter_cap() {
    let relay = start(config(10)).await;
    let client = KlingDmxClient::builder()
        .api_key(relay.key())
        .base_url(relay.base_url())
        .max_downloads_in_flight(1)
        .build()
        .unwrap();
    let task = generate(&client, &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap();
    let first = client.download(&task.videos[0]).await.unwrap();
    let second = tokio::time::timeout(ms(100), client.download(&task.videos[0])).await;
    assert!(
        second.is_err(),
        "a second download must wait while the first stream is open"
    );
    // Queries are not held up by the open download.
    assert!(client.task(&task.id).await.is_ok());
    drop(first);
    let second =
        tokio::time::timeout(Duration::from_secs(2), client.download(&task.videos[0])).await;
    assert!(
        matches!(second, Ok(Ok(_))),
        "the slot frees when the stream is dropped"
    );
}
