//! `video` with Kling's own API (the fake's Kling front over loopback): picked from the
//! environment, image-to-video from a local file sent inline, and the recovery path — a
//! create whose reply is lost is found by its reference by `video resume`, with exactly one
//! create; one proven never created is resubmitted only with `--resubmit-unsent`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scratch, code, is_playable_mp4, json, stderr, write_png};
use video_core::journal::{JournalEntry, TaskStore, update_entry};
use video_core::{SubmissionAttempt, VideoError, VideoRequest};
use video_fake::{FakeRelay, FakeRelayConfig, Faults};
use video_journal::SqliteJournal;

async fn start(faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(200))
        .with_video_bytes(64 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn scratch_for(fake: &FakeRelay) -> Scratch {
    Scratch::new().kling(
        fake.base_url(),
        fake.kling_access_key(),
        fake.kling_secret_key(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn kling_is_picked_from_the_environment_and_makes_a_playable_video() {
    let fake = start(Faults::default()).await;
    let scratch = scratch_for(&fake);
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
    assert_eq!(report["provider"], "kling");
    assert_eq!(report["state"], "downloaded");
    assert!(is_playable_mp4(&scratch.path("fox.mp4")));
    assert!(
        !stderr(&out).contains("notice:"),
        "only kling is configured"
    );
    assert_eq!(fake.counters().submissions_accepted, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_image_is_sent_inline_to_kling() {
    let fake = start(Faults::default()).await;
    let scratch = scratch_for(&fake);
    write_png(&scratch.path("first.png"));
    let out = scratch
        .run(&[
            "--json",
            "--provider",
            "kling",
            "generate",
            "the astronaut stands up",
            "--image",
            "first.png",
            "--output",
            "astronaut.mp4",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(is_playable_mp4(&scratch.path("astronaut.mp4")));
    let counters = fake.counters();
    assert_eq!(counters.image_submissions, 1);
    assert_eq!(
        counters.queries, counters.image_queries,
        "queried under image2video"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_create_reply_is_found_by_resume_with_exactly_one_create() {
    let fake = start(Faults::default().with_dropped_create_replies(1)).await;
    let scratch = scratch_for(&fake);
    let out = scratch
        .run(&["--json", "generate", "a fox", "--output", "fox.mp4"])
        .await;
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "unknown_outcome");
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert_eq!(tasks["tasks"][0]["state"], "unknown-outcome");

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    let resumed = json(&resumed);
    assert_eq!(resumed["tasks"][0]["state"], "downloaded", "{resumed}");
    assert!(resumed["tasks"][0]["task_id"].is_string());
    assert!(
        is_playable_mp4(&scratch.path("fox.mp4")),
        "saved where generate would have"
    );
    let counters = fake.counters();
    assert_eq!(counters.submissions_received, 1, "never resubmitted");
    assert_eq!(counters.submissions_accepted, 1, "exactly one create");
    assert!(counters.lookups >= 1, "found by its external id");
}

/// Journals a `kling` submission whose outcome is unknown but which never reached Kling.
async fn journal_unsent(scratch: &Scratch) {
    let journal = SqliteJournal::open(&scratch.journal()).unwrap();
    let request = VideoRequest::builder("a heron at dawn")
        .client_reference("vsdk-never-sent-0001")
        .build();
    let mut draft = JournalEntry::new(0, "kling", &request, None);
    draft.output = Some(scratch.path("heron.mp4"));
    let id = journal.begin(&draft).await.unwrap();
    let lost = VideoError::UnknownOutcome {
        attempt: Box::new(SubmissionAttempt::new("kling", request)),
        source: "the connection dropped".into(),
    };
    update_entry(&journal, id, |e| e.apply_submit_error(&lost))
        .await
        .unwrap();
    journal.release(id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_submission_never_created_is_resubmitted_only_when_asked() {
    let fake = start(Faults::default()).await;
    let scratch = scratch_for(&fake);
    journal_unsent(&scratch).await;

    let early = scratch.run(&["--json", "resume"]).await;
    assert_eq!(
        code(&early),
        6,
        "within the grace period it stays unresolved"
    );
    let early = json(&early);
    assert_eq!(early["tasks"][0]["state"], "unknown-outcome", "{early}");

    let settled = scratch
        .run(&["--json", "resume", "--lookup-grace", "0"])
        .await;
    assert_eq!(code(&settled), 6);
    let settled = json(&settled);
    assert_eq!(settled["tasks"][0]["state"], "not-created", "{settled}");
    assert_eq!(settled["tasks"][0]["error"]["kind"], "not_created");
    assert_eq!(
        fake.counters().submissions_received,
        0,
        "nothing resubmitted unasked"
    );

    let resubmitted = scratch
        .run(&["--json", "resume", "--resubmit-unsent"])
        .await;
    assert_eq!(code(&resubmitted), 0, "{}", stderr(&resubmitted));
    let resubmitted = json(&resubmitted);
    assert_eq!(
        resubmitted["tasks"][0]["state"], "downloaded",
        "{resubmitted}"
    );
    assert!(is_playable_mp4(&scratch.path("heron.mp4")));
    assert_eq!(fake.counters().submissions_accepted, 1);
}
