//! `video --provider dmx --model <relay model>` end to end against the fake relay: every
//! family generates a playable MP4, fails cleanly on a content-policy failure (exit 4, the
//! task id shown), and is finished by `video resume` after the process is killed mid-wait;
//! an expired Hailuo link is minted again and the file saved.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scratch, code, is_playable_mp4, json, stderr};
use video_fake::{FakeRelay, FakeRelayConfig};

/// One model of each family.
const MODELS: [&str; 6] = [
    "kling-v3",
    "doubao-seedance-2-0-260128",
    "MiniMax-Hailuo-2.3",
    "viduq3-pro",
    "wan2.6-t2v",
    "PixVerse-V6",
];

async fn start_relay(render: Duration) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(render)
        .with_video_bytes(64 * 1024)
        .with_stream_interval(Duration::from_millis(50));
    FakeRelay::start(config).await.unwrap()
}

fn scratch_for(relay: &FakeRelay) -> Scratch {
    Scratch::new().relay(relay.base_url(), relay.key())
}

/// `ffprobe`'s codec for the file's first video stream, when ffprobe is installed.
fn ffprobe_codec(path: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .args(["stream=codec_name", "-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_family_generates_a_playable_video_and_fails_cleanly() {
    let relay = start_relay(Duration::from_millis(300)).await;
    let scratch = scratch_for(&relay);
    for model in MODELS {
        let file = format!("{model}.mp4");
        let args = ["--provider", "dmx", "--model", model, "--json", "generate"];
        let out = scratch
            .run(&[&args[..], &["a red fox in snow", "--output", &file]].concat())
            .await;
        assert_eq!(code(&out), 0, "{model}: {}", stderr(&out));
        assert_eq!(json(&out)["status"], "succeeded", "{model}");
        let path = scratch.path(&file);
        assert!(is_playable_mp4(&path), "{model}: not a playable H.264 MP4");
        if let Some(codec) = ffprobe_codec(&path) {
            assert_eq!(codec, "h264", "{model}: ffprobe");
        }

        let failed = scratch.run(&[&args[..], &["a fox [fail]"]].concat()).await;
        assert_eq!(code(&failed), 4, "{model}: {}", stderr(&failed));
        let report = json(&failed);
        assert_eq!(
            report["error"]["kind"], "content_rejected",
            "{model}: {report}"
        );
        let id = report["task_id"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty(),
            "{model}: the failed task's id is shown: {report}"
        );
    }
    assert_eq!(relay.counters().submissions_accepted, 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_family_is_finished_by_resume_after_a_kill() {
    let relay = start_relay(Duration::from_secs(2)).await;
    for model in MODELS {
        let scratch = scratch_for(&relay);
        let args = ["--provider", "dmx", "--model", model, "generate", "a fox"];
        let args = [&args[..], &["--output", "fox.mp4"]].concat();
        let submitted = common::killed_once_submitted(&scratch, &args).await;
        assert!(submitted, "{model}: the task never reached the journal");

        // Another process, configured for no model in particular, finds the task from
        // the journaled provider, model and route alone.
        let resumed = scratch.run(&["--json", "resume"]).await;
        assert_eq!(code(&resumed), 0, "{model}: {}", stderr(&resumed));
        assert_eq!(json(&resumed)["tasks"][0]["state"], "downloaded", "{model}");
        assert!(is_playable_mp4(&scratch.path("fox.mp4")), "{model}");
    }
    assert_eq!(
        relay.counters().submissions_accepted,
        6,
        "resume never resubmits"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_hailuo_link_is_minted_again_and_the_file_saved() {
    let relay = start_relay(Duration::from_millis(200)).await;
    relay.expire_next_downloads(1);
    let scratch = scratch_for(&relay);
    let out = scratch
        .run(&[
            "--provider",
            "dmx",
            "--model",
            "MiniMax-Hailuo-02",
            "--json",
            "generate",
            "a fox",
            "--output",
            "fox.mp4",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(is_playable_mp4(&scratch.path("fox.mp4")));
    assert_eq!(
        relay.counters().downloads,
        2,
        "the expired link, then a fresh one"
    );
    let journal = std::fs::read(scratch.journal()).unwrap();
    let text = String::from_utf8_lossy(&journal);
    assert!(!text.contains("link="), "no minted link is journaled");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_and_download_work_from_the_journaled_route() {
    let relay = start_relay(Duration::from_millis(200)).await;
    let scratch = scratch_for(&relay);
    let submitted = scratch
        .run(&[
            "--provider",
            "dmx",
            "--model",
            "viduq3-pro",
            "--json",
            "submit",
            "a fox",
        ])
        .await;
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    let id = json(&submitted)["task_id"].as_str().unwrap().to_owned();
    // Vidu's query is the streamed one: a snapshot stays open until the task ends (within
    // its window), so no sleep is needed here.
    let status = scratch
        .run(&["--provider", "dmx", "--json", "status", &id])
        .await;
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    assert_eq!(json(&status)["status"], "succeeded");
    let waited = scratch
        .run(&["--provider", "dmx", "--json", "wait", &id])
        .await;
    assert_eq!(code(&waited), 0, "{}", stderr(&waited));
    let saved = scratch
        .run(&[
            "--provider",
            "dmx",
            "--json",
            "download",
            &id,
            "--output",
            "v.mp4",
        ])
        .await;
    assert_eq!(code(&saved), 0, "{}", stderr(&saved));
    assert!(is_playable_mp4(&scratch.path("v.mp4")));
}

#[tokio::test(flavor = "multi_thread")]
async fn models_lists_every_relay_model_with_its_modes() {
    let scratch = Scratch::new();
    let out = scratch.run(&["--json", "models"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let listed = json(&out);
    for model in listed["models"].as_array().unwrap() {
        assert!(
            model["catalog_model"].is_string(),
            "every provider model is in the catalog: {model}"
        );
        assert!(model["price_text"].is_string(), "{model}");
    }
    for model in listed["catalog"].as_array().unwrap() {
        let routes = model["routes"].as_array().unwrap();
        assert!(!routes.is_empty(), "{model}");
        for route in routes {
            assert!(
                route["source"].is_string() && route["as_of"].is_string(),
                "{route}"
            );
            assert_eq!(
                route["available"], true,
                "every route is in this build: {route}"
            );
            assert!(route["capabilities"].is_object(), "{route}");
        }
    }
    let relay: Vec<&serde_json::Value> = listed["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|model| model["provider"] == "dmx")
        .collect();
    for model in MODELS
        .iter()
        .chain(&["MiniMax-Hailuo-2.3-Fast", "viduq2-ctv", "wan2.6-i2v"])
    {
        let row = relay.iter().find(|row| row["model"] == *model);
        let row = row.unwrap_or_else(|| panic!("{model} is not listed"));
        assert!(
            row["modes"].as_str().is_some_and(|m| !m.is_empty()),
            "{model}"
        );
        let prompt = row["capabilities"]["max_prompt_chars"]
            .as_u64()
            .unwrap_or(0);
        assert!(prompt > 0, "{model}: {row}");
    }
}
