//! `video --provider openai|minimax|runway` end to end against the project's fake: each
//! generates a playable MP4, reports a content-policy failure with exit 4 and the task id,
//! survives a 429 without a second task, and is finished by `video resume` in another
//! process; OpenAI's credential never follows a redirect to another origin; MiniMax's link is
//! minted again after it expired; `video cancel` and `--cancel-on-timeout` cancel a Runway
//! task (the fake counts one cancel, the journal says cancelled).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scratch, code, is_playable_mp4, json, stderr};
use video_fake::{FakeRelay, FakeRelayConfig, Faults};

const PROVIDERS: [&str; 3] = ["openai", "minimax", "runway"];

async fn start(render: Duration, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(render)
        .with_video_bytes(64 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

/// A scratch folder whose `video` reaches `provider`'s front of `fake`.
fn scratch_for(fake: &FakeRelay, provider: &str) -> Scratch {
    let scratch = Scratch::new();
    match provider {
        "openai" => scratch
            .var("OPENAI_BASE_URL", &fake.openai_base_url())
            .var("OPENAI_API_KEY", fake.key()),
        "minimax" => scratch
            .var("MINIMAX_BASE_URL", &fake.minimax_base_url())
            .var("MINIMAX_API_KEY", fake.key()),
        _ => scratch
            .var("RUNWAYML_BASE_URL", &fake.runway_base_url())
            .var("RUNWAYML_API_SECRET", fake.key()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_provider_generates_fails_cleanly_and_survives_a_429() {
    for provider in PROVIDERS {
        let fake = start(Duration::from_millis(300), Faults::default()).await;
        let scratch = scratch_for(&fake, provider);
        let args = ["--provider", provider, "--json", "generate"];
        let out = scratch
            .run(&[&args[..], &["a red fox in snow", "--output", "fox.mp4"]].concat())
            .await;
        assert_eq!(code(&out), 0, "{provider}: {}", stderr(&out));
        assert!(is_playable_mp4(&scratch.path("fox.mp4")), "{provider}");

        let failed = scratch.run(&[&args[..], &["a fox [fail]"]].concat()).await;
        assert_eq!(code(&failed), 4, "{provider}: {}", stderr(&failed));
        let report = json(&failed);
        assert_eq!(
            report["error"]["kind"], "content_rejected",
            "{provider}: {report}"
        );
        assert!(
            report["task_id"].as_str().is_some_and(|id| !id.is_empty()),
            "{provider}: {report}"
        );

        fake.refuse_next_submissions(1);
        let throttled = scratch
            .run(&[&args[..], &["a heron", "--output", "heron.mp4"]].concat())
            .await;
        assert_eq!(code(&throttled), 0, "{provider}: {}", stderr(&throttled));
        assert_eq!(
            fake.counters().submissions_accepted,
            3,
            "{provider}: one task each"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_provider_is_finished_by_resume_in_another_process() {
    for provider in PROVIDERS {
        let fake = start(Duration::from_secs(2), Faults::default()).await;
        let scratch = scratch_for(&fake, provider);
        let args = [
            "--provider",
            provider,
            "generate",
            "a fox",
            "--output",
            "fox.mp4",
        ];
        let submitted = common::killed_once_submitted(&scratch, &args).await;
        assert!(submitted, "{provider}: the task never reached the journal");
        let resumed = scratch.run(&["--json", "resume"]).await;
        assert_eq!(code(&resumed), 0, "{provider}: {}", stderr(&resumed));
        assert_eq!(
            json(&resumed)["tasks"][0]["state"],
            "downloaded",
            "{provider}"
        );
        assert!(is_playable_mp4(&scratch.path("fox.mp4")), "{provider}");
        assert_eq!(
            fake.counters().submissions_accepted,
            1,
            "{provider}: never resubmitted"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_sends_no_credential_to_another_origin_after_a_redirect() {
    let mut faults = Faults::default();
    faults.redirect_content = true;
    let fake = start(Duration::from_millis(200), faults).await;
    for style in ["bearer", "raw", "api-key"] {
        let scratch = scratch_for(&fake, "openai").var("OPENAI_AUTH_STYLE", style);
        let out = scratch
            .run(&[
                "--provider",
                "openai",
                "--json",
                "generate",
                "a cat",
                "--output",
                "cat.mp4",
            ])
            .await;
        assert_eq!(code(&out), 0, "{style}: {}", stderr(&out));
        assert!(is_playable_mp4(&scratch.path("cat.mp4")), "{style}");
    }
    let counters = fake.counters();
    assert_eq!(
        counters.downloads, 6,
        "the content route, then the other origin, each time"
    );
    assert_eq!(counters.downloads_with_credentials, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_minimax_link_that_expired_is_minted_again() {
    let fake = start(Duration::from_millis(200), Faults::default()).await;
    fake.expire_next_downloads(1);
    let scratch = scratch_for(&fake, "minimax");
    let out = scratch
        .run(&[
            "--provider",
            "minimax",
            "--json",
            "generate",
            "a boat",
            "--output",
            "boat.mp4",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(is_playable_mp4(&scratch.path("boat.mp4")));
    assert_eq!(
        fake.counters().lookups,
        2,
        "a link minted, refused, minted again"
    );
    let journal = std::fs::read(scratch.journal()).unwrap();
    assert!(
        !String::from_utf8_lossy(&journal).contains("link="),
        "no link journaled"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn video_cancel_cancels_a_runway_task_and_the_journal_says_so() {
    let fake = start(Duration::from_secs(600), Faults::default()).await;
    let scratch = scratch_for(&fake, "runway");
    let submitted = scratch
        .run(&["--provider", "runway", "--json", "submit", "a fox"])
        .await;
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    let id = json(&submitted)["task_id"].as_str().unwrap().to_owned();
    let cancelled = scratch.run(&["--json", "cancel", &id]).await;
    assert_eq!(code(&cancelled), 0, "{}", stderr(&cancelled));
    assert_eq!(json(&cancelled)["state"], "cancelled");
    assert_eq!(fake.counters().cancels, 1);
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert_eq!(tasks["tasks"][0]["state"], "cancelled");
    let status = json(&scratch.run(&["--json", "status", &id]).await);
    assert_eq!(status["status"], "failed", "{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_on_timeout_cancels_a_runway_task_that_ran_out_of_time() {
    let fake = start(Duration::from_secs(600), Faults::default()).await;
    let scratch = scratch_for(&fake, "runway");
    let out = scratch
        .run(&[
            "--provider",
            "runway",
            "--json",
            "generate",
            "a slow fox",
            "--timeout",
            "1",
            "--cancel-on-timeout",
        ])
        .await;
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(fake.counters().cancels, 1);
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert_eq!(tasks["tasks"][0]["state"], "cancelled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_without_cancel_says_so_before_sending() {
    let fake = start(Duration::from_secs(600), Faults::default()).await;
    let scratch = scratch_for(&fake, "minimax");
    let submitted = scratch
        .run(&["--provider", "minimax", "--json", "submit", "a fox"])
        .await;
    let id = json(&submitted)["task_id"].as_str().unwrap().to_owned();
    let out = scratch.run(&["--json", "cancel", &id]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(fake.counters().cancels, 0);
}
