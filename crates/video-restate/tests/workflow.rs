//! The workflow against a real restate-server and the fake provider over loopback, with the
//! `video-worker` binary as the worker: a job finishes with a playable file; a worker killed
//! mid-wait and restarted finishes its jobs; with Kling's API a worker killed right after
//! sending the create still yields exactly one create; a failed task ends the job with its
//! task id and the provider's message; a cancelled job stops querying; a callback wakes the
//! wait.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Restate, Worker, free_port, is_playable_mp4, sha256_of};
use serde_json::json;
use tempfile::TempDir;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};

async fn fake(render_ms: u64, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(render_ms))
        .with_video_bytes(48 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

/// The worker's environment for `provider` against the fake.
fn env(fake: &FakeRelay, provider: &str) -> Vec<(String, String)> {
    match provider {
        "kling" => vec![
            ("KLING_BASE_URL".into(), fake.base_url().into()),
            ("KLING_ACCESS_KEY".into(), fake.kling_access_key().into()),
            ("KLING_SECRET_KEY".into(), fake.kling_secret_key().into()),
        ],
        _ => vec![
            ("DMXAPI_BASE_URL".into(), fake.base_url().into()),
            ("DMXAPI_API_KEY".into(), fake.key().into()),
        ],
    }
}

struct Fleet {
    restate: Restate,
    worker: Worker,
    output: TempDir,
}

async fn fleet(fake: &FakeRelay, provider: &str, poll_ms: u64) -> Fleet {
    fleet_of(fake, provider, None, poll_ms).await
}

/// A fleet serving `model` of `provider` (its default model when `None`).
async fn fleet_of(fake: &FakeRelay, provider: &str, model: Option<&str>, poll_ms: u64) -> Fleet {
    let restate = Restate::start().await;
    let output = tempfile::tempdir().unwrap();
    let poll = poll_ms.to_string();
    let mut args = vec![
        "--provider",
        provider,
        "--output",
        output.path().to_str().unwrap(),
        "--poll-ms",
        &poll,
    ];
    if let Some(model) = model {
        args.extend(["--model", model]);
    }
    let worker = Worker::start(free_port(), &args, &env(fake, provider)).await;
    restate.register(&worker.url()).await;
    Fleet {
        restate,
        worker,
        output,
    }
}

/// Checks a finished job's result: one saved, playable video whose hash is the file's.
fn check_saved(result: &serde_json::Value, output: &Path) {
    let video = &result["videos"][0];
    let location = Path::new(video["location"].as_str().unwrap());
    assert!(location.starts_with(output), "{location:?}");
    assert!(
        is_playable_mp4(location),
        "{location:?} is not a playable MP4"
    );
    assert_eq!(video["sha256"], sha256_of(location));
    assert_eq!(video["bytes"], 48 * 1024);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_finishes_with_a_playable_file_with_either_provider() {
    for provider in ["kling", "kling-dmx"] {
        let fake = fake(300, Faults::default()).await;
        let fleet = fleet(&fake, provider, 100).await;
        fleet
            .restate
            .submit(
                "job-ok-1",
                json!({"prompt": "a red fox", "duration_secs": 5}),
            )
            .await;
        let (code, result) = fleet.restate.attach("job-ok-1").await;
        assert_eq!(code, 200, "{provider}: {result}");
        check_saved(&result, fleet.output.path());
        assert!(
            result["submit_window_ms"].as_f64().is_some(),
            "the window is measured"
        );
        let status = fleet.restate.status("job-ok-1").await;
        assert_eq!(status["phase"], "succeeded", "{status}");
        assert_eq!(fake.counters().submissions_accepted, 1, "{provider}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_that_expired_while_queued_is_refreshed_by_querying_again() {
    // The first link the fake mints answers 403 for good; the workflow queries the task once
    // more (a journaled step) and saves from the fresh link.
    let fake = fake(300, Faults::default().with_expired_first_links(1)).await;
    let fleet = fleet(&fake, "kling", 100).await;
    fleet
        .restate
        .submit("job-expired-1", json!({"prompt": "a red fox"}))
        .await;
    let (code, result) = fleet.restate.attach("job-expired-1").await;
    assert_eq!(code, 200, "{result}");
    check_saved(&result, fleet.output.path());
    assert_eq!(
        fake.counters().faults_injected,
        1,
        "one expired link was met"
    );
    assert_eq!(fake.counters().submissions_accepted, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relay_family_job_mints_its_hailuo_link_again_after_it_expired() {
    // Hailuo's result is a file id; the link is minted at download time. The first one the
    // fake mints answers 403: the workflow queries again and the next download mints anew.
    let fake = fake(300, Faults::default().with_expired_first_links(1)).await;
    let fleet = fleet_of(&fake, "dmx", Some("MiniMax-Hailuo-2.3"), 100).await;
    fleet
        .restate
        .submit(
            "job-hailuo-1",
            json!({"prompt": "a red fox", "duration_secs": 6}),
        )
        .await;
    let (code, result) = fleet.restate.attach("job-hailuo-1").await;
    assert_eq!(code, 200, "{result}");
    check_saved(&result, fleet.output.path());
    assert_eq!(
        fake.counters().faults_injected,
        1,
        "one expired link was met"
    );
    assert_eq!(
        fake.counters().downloads,
        2,
        "the expired link, then a fresh one"
    );
    assert_eq!(fake.counters().submissions_accepted, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_wait_and_restarted_finishes_its_jobs() {
    let fake = fake(3000, Faults::default()).await;
    let mut fleet = fleet(&fake, "kling", 200).await;
    let jobs = ["job-a", "job-b", "job-c"];
    for job in jobs {
        fleet
            .restate
            .submit(job, json!({"prompt": format!("{job} at dawn")}))
            .await;
    }
    // Wait until every job is waiting (submitted and queried), then SIGKILL the worker.
    for _ in 0..200 {
        if fake.counters().submissions_accepted == 3 && fake.counters().queries >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(fake.counters().submissions_accepted, 3);
    fleet.worker.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    fleet.worker.restart().await;
    for job in jobs {
        let (code, result) = fleet.restate.attach(job).await;
        assert_eq!(code, 200, "{job}: {result}");
        check_saved(&result, fleet.output.path());
    }
    assert_eq!(
        fake.counters().submissions_received,
        3,
        "no job submitted twice"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_right_after_sending_the_create_yields_exactly_one_create() {
    let faults = Faults::default().with_create_reply_delay(Duration::from_secs(3));
    let fake = fake(300, faults).await;
    let mut fleet = fleet(&fake, "kling", 100).await;
    fleet
        .restate
        .submit("job-crash", json!({"prompt": "a heron"}))
        .await;
    for _ in 0..400 {
        if fake.counters().submissions_accepted == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        fake.counters().submissions_accepted,
        1,
        "the create reached Kling"
    );
    fleet.worker.kill(); // before its reply arrived
    fleet.worker.restart().await;
    let (code, result) = fleet.restate.attach("job-crash").await;
    assert_eq!(code, 200, "{result}");
    check_saved(&result, fleet.output.path());
    let counters = fake.counters();
    assert_eq!(
        counters.submissions_received, 1,
        "the replayed step looked the task up"
    );
    assert_eq!(counters.submissions_accepted, 1, "exactly one create");
    assert!(counters.lookups >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_task_ends_the_job_with_its_task_id_and_message() {
    let fake = fake(200, Faults::default()).await;
    let fleet = fleet(&fake, "kling", 100).await;
    fleet
        .restate
        .submit("job-fails", json!({"prompt": "a storm [fail]"}))
        .await;
    let (code, result) = fleet.restate.attach("job-fails").await;
    assert_eq!(code, 422, "{result}");
    let message = result["message"].as_str().unwrap_or_default().to_owned();
    let status = fleet.restate.status("job-fails").await;
    // A routed task id is stored as {"id", "route"}.
    let task_id = status["task_id"]["id"].as_str().unwrap().to_owned();
    assert!(message.contains(&task_id), "{message}");
    assert!(message.contains("risk control"), "{message}");
    assert_eq!(status["phase"], "failed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_job_stops_querying() {
    let fake = fake(60_000, Faults::default()).await;
    let fleet = fleet(&fake, "kling", 100).await;
    fleet
        .restate
        .submit("job-cancel", json!({"prompt": "a long render"}))
        .await;
    for _ in 0..200 {
        if fake.counters().queries >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(fake.counters().queries >= 2, "the job was polling");
    fleet
        .restate
        .call("job-cancel", "cancel", json!("not needed"))
        .await;
    let (code, result) = fleet.restate.attach("job-cancel").await;
    assert_eq!(code, 409, "{result}");
    let after_cancel = fake.counters().queries;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        fake.counters().queries,
        after_cancel,
        "no query after the cancellation"
    );
    assert_eq!(
        fleet.restate.status("job-cancel").await["phase"],
        "cancelled"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_callback_wakes_the_wait() {
    let fake = fake(300, Faults::default()).await;
    // Polling once a minute: only the callback can finish this job within the test.
    let restate = Restate::start().await;
    let output = tempfile::tempdir().unwrap();
    let args = [
        "--provider",
        "kling",
        "--output",
        output.path().to_str().unwrap(),
        "--poll-ms",
        "60000",
        "--callback-base",
        &restate.ingress,
    ];
    let worker = Worker::start(free_port(), &args, &env(&fake, "kling")).await;
    restate.register(&worker.url()).await;
    restate
        .submit("job-hook", json!({"prompt": "a kite"}))
        .await;
    let (code, result) = tokio::time::timeout(Duration::from_secs(30), restate.attach("job-hook"))
        .await
        .expect("the callback woke the wait well before the next poll");
    assert_eq!(code, 200, "{result}");
    check_saved(&result, output.path());
    assert!(fake.counters().callbacks_sent >= 1);
}
