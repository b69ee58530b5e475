//! The `video` command end to end against the fake relay over loopback: the real client,
//! the journal, a process killed mid-wait, a lost submission reply, exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{Scratch, code, is_mp4, json, stderr};
use video_fake::{FakeRelay, FakeRelayConfig, Faults};

async fn start_relay(render: Duration, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(render)
        .with_video_bytes(64 * 1024)
        .with_stream_interval(Duration::from_millis(50))
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn scratch_for(relay: &FakeRelay) -> Scratch {
    Scratch::new().relay(relay.base_url(), relay.key())
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_against_the_relay_uses_the_real_client() {
    let relay = start_relay(Duration::from_millis(300), Faults::default()).await;
    let scratch = scratch_for(&relay);
    let out = scratch
        .run(&[
            "--json",
            "generate",
            "a red fox in snow",
            "--output",
            "fox.mp4",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["status"], "succeeded");
    assert_eq!(report["videos"][0]["bytes"], 64 * 1024);
    assert!(is_mp4(&scratch.path("fox.mp4")));
    assert!(
        !stderr(&out).contains("notice:"),
        "the key selects kling-dmx"
    );
    let counters = relay.counters();
    assert_eq!(counters.submissions_accepted, 1);
    assert!(counters.queries >= 1);
    assert_eq!(counters.downloads, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn stream_mode_waits_in_one_query() {
    let relay = start_relay(Duration::from_millis(400), Faults::default()).await;
    let out = scratch_for(&relay)
        .run(&["generate", "a fox", "--stream"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let counters = relay.counters();
    assert_eq!(counters.stream_queries, 1);
    assert_eq!(
        counters.queries, 1,
        "no polling besides the one streaming query"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_killed_while_waiting_is_finished_by_resume() {
    let relay = start_relay(Duration::from_secs(2), Faults::default()).await;
    let scratch = scratch_for(&relay);
    // Wait until the submission is journaled with its task id, then SIGKILL.
    let args = ["generate", "a fox", "--output", "fox.mp4"];
    let submitted = common::killed_once_submitted(&scratch, &args).await;
    assert!(submitted, "the task never reached the journal");
    assert!(!scratch.path("fox.mp4").exists());

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    let resumed = json(&resumed);
    assert_eq!(resumed["tasks"][0]["state"], "downloaded");
    assert!(
        is_mp4(&scratch.path("fox.mp4")),
        "resume downloads to the recorded path"
    );
    assert_eq!(
        relay.counters().submissions_accepted,
        1,
        "resume never resubmits"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_submission_reply_is_unknown_outcome_and_never_resubmitted() {
    let faults = Faults::default().with_dropped_replies(1.0);
    let relay = start_relay(Duration::from_millis(200), faults).await;
    let scratch = scratch_for(&relay);
    let out = scratch.run(&["--json", "generate", "a fox"]).await;
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "unknown_outcome");
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert_eq!(tasks["tasks"][0]["state"], "unknown-outcome");
    assert_eq!(tasks["tasks"][0]["prompt"], "a fox");

    let resumed = json(&scratch.run(&["--json", "resume"]).await);
    assert_eq!(resumed["tasks"][0]["state"], "unknown-outcome");
    assert!(
        resumed["tasks"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not resubmitted")
    );
    let counters = relay.counters();
    assert_eq!(counters.submissions_received, 1);
    assert_eq!(counters.submissions_accepted, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_follow_the_error_classes() {
    let relay = start_relay(Duration::from_millis(200), Faults::default()).await;
    let bad_key = Scratch::new().relay(relay.base_url(), "sk-wrong");
    assert_eq!(code(&bad_key.run(&["generate", "a fox"]).await), 3);

    let scratch = scratch_for(&relay);
    let failed = scratch.run(&["--json", "generate", "a fox [fail]"]).await;
    assert_eq!(code(&failed), 4, "{}", stderr(&failed));
    assert_eq!(json(&failed)["error"]["kind"], "content_rejected");

    let slow = start_relay(Duration::from_secs(30), Faults::default()).await;
    let timed_out = scratch_for(&slow)
        .run(&["--json", "generate", "a fox", "--timeout", "1"])
        .await;
    assert_eq!(code(&timed_out), 5);
    let report = json(&timed_out);
    assert_eq!(report["error"]["kind"], "wait_timeout");
    assert_eq!(
        report["state"], "submitted",
        "the journal keeps it for `video resume`"
    );

    let refused = Scratch::new().relay("http://127.0.0.1:9", "sk-any");
    assert_eq!(code(&refused.run(&["generate", "a fox"]).await), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_video_wait_leaves_the_row_for_resume() {
    let relay = start_relay(Duration::from_millis(1500), Faults::default()).await;
    let scratch = scratch_for(&relay);
    let submitted = json(
        &scratch
            .run(&["--json", "submit", "a fox", "--output", "fox.mp4"])
            .await,
    );
    let id = submitted["task_id"].as_str().unwrap().to_owned();
    let mut child = scratch
        .video(&["wait", &id])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert_eq!(tasks["tasks"][0]["state"], "submitted");

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    assert_eq!(json(&resumed)["tasks"][0]["state"], "downloaded");
    assert!(is_mp4(&scratch.path("fox.mp4")));
    assert_eq!(relay.counters().submissions_accepted, 1);
}
