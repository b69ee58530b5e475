//! Image-to-video from the command line against the fake relay over loopback: a URL makes a
//! playable video, a local file is refused before anything is sent (the relay needs URLs),
//! and a task submitted by one process is resumed, inspected and downloaded by others with
//! the image-to-video query model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scratch, code, is_playable_mp4, json, stderr, write_png};
use video_fake::{FakeRelay, FakeRelayConfig};

const FIRST_FRAME: &str = "https://images.example.com/a.jpg";
const LAST_FRAME: &str = "https://images.example.com/b.jpg";

async fn start_relay(render: Duration) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(render)
        .with_video_bytes(64 * 1024);
    FakeRelay::start(config).await.unwrap()
}

fn scratch_for(relay: &FakeRelay) -> Scratch {
    Scratch::new().relay(relay.base_url(), relay.key())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_url_makes_a_playable_video() {
    let relay = start_relay(Duration::from_millis(200)).await;
    let scratch = scratch_for(&relay);
    let out = scratch
        .run(&[
            "--json",
            "generate",
            "the astronaut stands up",
            "--image",
            FIRST_FRAME,
            "--output",
            "astronaut.mp4",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["state"], "downloaded");
    assert!(is_playable_mp4(&scratch.path("astronaut.mp4")));
    let counters = relay.counters();
    assert_eq!(counters.image_submissions, 1);
    assert_eq!(
        counters.image_queries, counters.queries,
        "every query used kling-image2video-get"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_image_is_refused_before_anything_is_sent() {
    let relay = start_relay(Duration::from_millis(200)).await;
    let scratch = scratch_for(&relay);
    write_png(&scratch.path("a.png"));
    let out = scratch
        .run(&["generate", "the astronaut stands up", "--image", "./a.png"])
        .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("--image"), "names the flag: {message}");
    assert!(message.contains("needs an image URL"), "{message}");
    assert!(message.contains("https://"), "says what to do: {message}");
    assert_eq!(relay.counters().submissions_received, 0, "nothing sent");
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert!(
        tasks["tasks"].as_array().is_none_or(Vec::is_empty),
        "nothing journaled: {tasks}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_image_arguments_are_invalid_input() {
    let relay = start_relay(Duration::from_millis(200)).await;
    let scratch = scratch_for(&relay);
    std::fs::write(scratch.path("notes.txt"), "not an image").unwrap();
    let cases: [&[&str]; 3] = [
        &["generate", "x", "--image", "./missing.png"],
        &["generate", "x", "--image", "./notes.txt"],
        &["generate", "x", "--image", "ftp://images.example.com/a.png"],
    ];
    for args in cases {
        let out = scratch.run(args).await;
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--image"), "{}", stderr(&out));
    }
    let out = scratch
        .run(&["generate", "x", "--last-frame", LAST_FRAME])
        .await;
    assert_eq!(code(&out), 2, "a last frame needs a first frame");
    assert_eq!(relay.counters().submissions_received, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_process_resumes_an_image_task_with_its_query_model() {
    let relay = start_relay(Duration::from_millis(400)).await;
    let scratch = scratch_for(&relay);
    let submitted = scratch
        .run(&[
            "--json",
            "submit",
            "the astronaut stands up",
            "--image",
            FIRST_FRAME,
            "--last-frame",
            LAST_FRAME,
            "--output",
            "astronaut.mp4",
        ])
        .await;
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    assert_eq!(relay.counters().queries, 0, "submit does not wait");

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    assert_eq!(json(&resumed)["tasks"][0]["state"], "downloaded");
    assert!(is_playable_mp4(&scratch.path("astronaut.mp4")));
    let counters = relay.counters();
    assert!(counters.image_queries >= 1);
    assert_eq!(
        counters.queries, counters.image_queries,
        "the journaled handle names the image route: no text-to-video query was tried"
    );
    assert_eq!(counters.submissions_accepted, 1, "never resubmitted");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_wait_and_download_work_on_a_bare_image_task_id() {
    let relay = start_relay(Duration::from_millis(300)).await;
    let submitter = scratch_for(&relay);
    let submitted = submitter
        .run(&["--json", "submit", "the astronaut", "--image", FIRST_FRAME])
        .await;
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    let id = json(&submitted)["task_id"].as_str().unwrap().to_owned();

    // Another user, another journal: only the bare id is known.
    let other = scratch_for(&relay);
    let status = other.run(&["--json", "status", &id]).await;
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    assert_eq!(json(&status)["task_id"], id.as_str());
    let waited = other.run(&["--json", "wait", &id]).await;
    assert_eq!(code(&waited), 0, "{}", stderr(&waited));
    assert_eq!(json(&waited)["status"], "succeeded");
    let downloaded = other
        .run(&["--json", "download", &id, "--output", "mine.mp4"])
        .await;
    assert_eq!(code(&downloaded), 0, "{}", stderr(&downloaded));
    assert!(is_playable_mp4(&other.path("mine.mp4")));
    assert!(
        relay.counters().image_queries >= 3,
        "found on the image route"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_lines_take_images() {
    let relay = start_relay(Duration::from_millis(200)).await;
    let scratch = scratch_for(&relay);
    write_png(&scratch.path("a.png"));
    let file = scratch.path("requests.jsonl");
    let lines = [
        format!(r#"{{"prompt": "stands up", "image": "{FIRST_FRAME}", "output": "up.mp4"}}"#),
        format!(r#"{{"prompt": "turns", "image": "{FIRST_FRAME}", "last_frame": "{LAST_FRAME}"}}"#),
        r#"{"prompt": "local", "image": "a.png"}"#.to_owned(),
        format!(r#"{{"prompt": "no first", "last_frame": "{LAST_FRAME}"}}"#),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = scratch
        .run(&["--json", "batch", file.to_str().unwrap()])
        .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let results: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let line = |n: u64| results.iter().find(|r| r["line"] == n).unwrap();
    assert_eq!(line(1)["state"], "downloaded", "{}", line(1));
    assert_eq!(line(2)["state"], "downloaded", "{}", line(2));
    assert_eq!(line(3)["error"]["kind"], "invalid_request", "{}", line(3));
    assert_eq!(line(4)["error"]["kind"], "invalid_request", "{}", line(4));
    assert!(is_playable_mp4(&scratch.path("up.mp4")));
    assert_eq!(relay.counters().image_submissions, 2);
    assert_eq!(relay.counters().submissions_received, 2);
}

#[tokio::test]
async fn a_provider_that_takes_bytes_gets_the_local_file_inline() {
    let scratch = Scratch::new();
    write_png(&scratch.path("a.png"));
    let out = scratch
        .run(&[
            "--json",
            "--provider",
            "mock",
            "generate",
            "the astronaut stands up",
            "--image",
            "a.png",
            "--output",
            "mock.mp4",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["state"], "downloaded");
    assert!(is_playable_mp4(&scratch.path("mock.mp4")));
}
