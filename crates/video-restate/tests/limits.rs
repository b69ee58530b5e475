//! What a fleet shares, against a real restate-server and the fake: an account's limit
//! (`--max-running`) is never passed at the provider (the fake's high-water mark of running
//! tasks), every job still finishes; a fleet budget (`--max-cost`) sends exactly what it
//! holds, across a worker killed mid-run, and ends the rest "over budget, not sent".

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Restate, Worker, free_port};
use serde_json::json;
use video_fake::{FakeRelay, FakeRelayConfig};

async fn fake(render_ms: u64) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(render_ms))
        .with_video_bytes(16 * 1024);
    FakeRelay::start(config).await.unwrap()
}

fn kling_env(fake: &FakeRelay, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = vec![
        ("KLING_BASE_URL".into(), fake.base_url().into()),
        ("KLING_ACCESS_KEY".into(), fake.kling_access_key().into()),
        ("KLING_SECRET_KEY".into(), fake.kling_secret_key().into()),
    ];
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    env
}

/// A Kling worker's options: its output folder, 50 ms polls, and `extra`.
fn kling_args<'a>(output: &'a std::path::Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--provider", "kling", "--output", output.to_str().unwrap()];
    args.extend(["--poll-ms", "50"]);
    args.extend(extra);
    args
}

/// Starts jobs `prefix-1..=n` and waits for each: (finished, over budget).
async fn run_jobs(restate: &Restate, prefix: &str, n: usize) -> (usize, usize) {
    for i in 1..=n {
        restate
            .submit(
                &format!("{prefix}-{i}"),
                json!({"prompt": format!("fox {i}"), "duration_secs": 5}),
            )
            .await;
    }
    let (mut finished, mut over) = (0, 0);
    for i in 1..=n {
        let (code, body) = restate.attach(&format!("{prefix}-{i}")).await;
        match code {
            200 => finished += 1,
            _ if body.to_string().contains("over budget") => over += 1,
            _ => panic!("job {i}: {code} {body}"),
        }
    }
    (finished, over)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_accounts_limit_holds_at_the_provider_and_every_job_finishes() {
    let fake = fake(400).await;
    let restate = Restate::start().await;
    let output = tempfile::tempdir().unwrap();
    let args = kling_args(output.path(), &["--max-running", "2"]);
    let worker = Worker::start(free_port(), &args, &kling_env(&fake, &[])).await;
    restate.register(&worker.url()).await;
    let (finished, _) = run_jobs(&restate, "limited", 8).await;
    assert_eq!(finished, 8);
    let counters = fake.counters();
    assert_eq!(counters.submissions_accepted, 8);
    // Without the limit all eight would run at once.
    assert!(
        (1..=2).contains(&counters.max_running),
        "two at a time at most: {counters:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fleet_budget_sends_what_it_holds_across_a_worker_kill() {
    let fake = fake(300).await;
    let restate = Restate::start().await;
    let output = tempfile::tempdir().unwrap();
    let catalog = output.path().join("catalog.json");
    std::fs::write(
        &catalog,
        r#"{"as_of": "2026-12-04", "models": [{"id": "kling-v2.6", "routes": [
            {"provider": "kling", "model": "kling-v2-6", "source": "test", "as_of": "2026-12-04",
             "price": {"currency": "USD", "per_video": "1"}}]}]}"#,
    )
    .unwrap();
    let budget = [
        "--max-cost",
        "10USD",
        "--catalog",
        catalog.to_str().unwrap(),
    ];
    let args = kling_args(output.path(), &budget);
    let mut worker = Worker::start(free_port(), &args, &kling_env(&fake, &[])).await;
    restate.register(&worker.url()).await;
    for i in 1..=20 {
        restate
            .submit(
                &format!("paid-{i}"),
                json!({"prompt": format!("fox {i}"), "duration_secs": 5}),
            )
            .await;
    }
    for _ in 0..200 {
        if fake.counters().submissions_accepted >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    worker.kill();
    worker.restart().await;
    let (mut finished, mut over) = (0, 0);
    for i in 1..=20 {
        let (code, body) = restate.attach(&format!("paid-{i}")).await;
        match code {
            200 => finished += 1,
            _ if body.to_string().contains("over budget") => over += 1,
            _ => panic!("job {i}: {code} {body}"),
        }
    }
    assert_eq!((finished, over), (10, 10));
    assert_eq!(
        fake.counters().submissions_accepted,
        10,
        "exactly what 10 USD holds"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_fleet_serves_two_providers_each_with_its_own_account_limit() {
    let (direct, relay) = tokio::join!(fake(400), fake(400));
    let restate = Restate::start().await;
    let output = tempfile::tempdir().unwrap();
    let args = [
        "--provider",
        "kling",
        "--provider",
        "kling-dmx",
        "--output",
        output.path().to_str().unwrap(),
        "--poll-ms",
        "50",
        "--max-running",
        "kling=1",
        "--max-running",
        "kling-dmx=2",
    ];
    let mut env = kling_env(&direct, &[]);
    env.push(("DMXAPI_BASE_URL".into(), relay.base_url().into()));
    env.push(("DMXAPI_API_KEY".into(), relay.key().into()));
    let worker = Worker::start(free_port(), &args, &env).await;
    restate.register(&worker.url()).await;
    for i in 1..=8 {
        let mut body = json!({"prompt": format!("fox {i}"), "duration_secs": 5});
        if i % 2 == 0 {
            body["provider"] = json!("kling-dmx");
        }
        restate.submit(&format!("mixed-{i}"), body).await;
    }
    for i in 1..=8 {
        let (code, body) = restate.attach(&format!("mixed-{i}")).await;
        assert_eq!(code, 200, "job {i}: {body}");
    }
    let (kling, dmx) = (direct.counters(), relay.counters());
    assert_eq!(
        (kling.submissions_accepted, dmx.submissions_accepted),
        (4, 4)
    );
    assert_eq!(
        (kling.max_running, dmx.max_running),
        (1, 2),
        "each account's own limit"
    );
    let unknown = json!({"prompt": "fox", "provider": "runway"});
    restate.submit("mixed-unknown", unknown).await;
    let (code, body) = restate.attach("mixed-unknown").await;
    assert_eq!(code, 400, "{body}");
    assert!(
        body.to_string()
            .contains("does not serve provider `runway`"),
        "{body}"
    );
}
