//! What a newcomer and a hostile tester hit, through the real binary: closed pipes, refused
//! connections, interrupted `--json` runs, downloads over existing files, unknown outcomes
//! settled by hand, FIFOs as inputs and signals in every phase.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};

async fn relay(render_ms: u64, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(render_ms))
        .with_video_bytes(4096)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Item 5: `video tasks | head -2` does not panic on the closed pipe.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_the_command_quietly() {
    let scratch = Scratch::new();
    for n in 0..30 {
        let out = scratch
            .run(&["--provider", "mock", "submit", &format!("fox {n}")])
            .await;
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let mut child = scratch
        .video(&["tasks"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0_u8; 8];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err = stderr(&out);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    assert_ne!(code(&out), 101, "{err}");
    assert!(matches!(code(&out), 0 | 141), "{err}");
}

/// Item 6: a refused connection names the host and the cause, and the journal does not
/// say "refused by the provider".
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_names_host_and_cause_and_nobody_refused() {
    let port = refused_port();
    let scratch = Scratch::new().relay(&format!("http://127.0.0.1:{port}"), "sk-x");
    let out = scratch.run(&["generate", "a fox"]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 6, "{err}");
    assert!(
        err.contains(&format!("could not connect to 127.0.0.1:{port}"))
            && err.to_lowercase().contains("refused"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("refused by the provider"), "{text}");
    assert!(text.contains("not sent"), "{text}");
}

/// Item 6: a local refusal of a provider's own rule happens before any journal row.
#[tokio::test(flavor = "multi_thread")]
async fn a_provider_rule_refused_locally_leaves_no_journal_row() {
    let fake = relay(100, Faults::default()).await;
    let scratch = Scratch::new().kling(
        fake.base_url(),
        fake.kling_access_key(),
        fake.kling_secret_key(),
    );
    // kling-v2-6 takes no cfg_scale; image-to-video takes no aspect ratio.
    for args in [
        vec!["generate", "a fox", "--option", "cfg_scale=0.5"],
        vec![
            "generate",
            "a fox",
            "--image",
            "https://example.com/a.png",
            "--aspect-ratio",
            "16:9",
        ],
    ] {
        let out = scratch.run(&args).await;
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    let tasks = scratch.run(&["--json", "tasks"]).await;
    assert_eq!(
        json(&tasks)["tasks"],
        serde_json::json!([]),
        "no journal row"
    );
    assert_eq!(fake.counters().submissions_received, 0);
}

/// Item 7: an interrupted `--json` run still prints its object, with the task id.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_json_run_prints_its_object() {
    let fake = relay(60_000, Faults::default()).await;
    let scratch = Scratch::new().relay(fake.base_url(), fake.key());
    let child = scratch
        .video(&["--json", "generate", "a fox"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        wait_for(|| fake.counters().submissions_accepted == 1).await,
        "never submitted"
    );
    // The task id is recorded once the reply arrived: wait for the first query.
    assert!(wait_for(|| fake.counters().queries >= 1).await);
    signal(child.id(), "-TERM");
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&out), 143, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["error"]["kind"], "interrupted");
    assert_eq!(report["task_id"], "850000000000000000");
}

/// Item 8: `download --output EXISTING` refuses before fetching and prints no "saved".
#[tokio::test(flavor = "multi_thread")]
async fn a_download_over_an_existing_file_is_refused_first() {
    let fake = relay(50, Faults::default()).await;
    let scratch = Scratch::new().relay(fake.base_url(), fake.key());
    let out = scratch.run(&["generate", "a fox", "-o", "first.mp4"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::write(scratch.path("taken.mp4"), b"mine").unwrap();
    let downloads = fake.counters().downloads;
    let out = scratch
        .run(&["download", "850000000000000000", "--output", "taken.mp4"])
        .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("saved"), "{text}");
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read(scratch.path("taken.mp4")).unwrap(), b"mine");
    assert_eq!(fake.counters().downloads, downloads, "nothing fetched");
}

/// Item 9: an unknown outcome on a provider without lookup is settled by hand, journaled,
/// and `resume` stops failing on it.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_outcome_is_settled_by_hand() {
    let fake = relay(50, Faults::default().with_dropped_create_replies(2)).await;
    let scratch = Scratch::new().relay(fake.base_url(), fake.key());
    let lost = scratch.run(&["--json", "generate", "a fox"]).await;
    assert_eq!(code(&lost), 6);
    assert!(stderr(&lost).contains("video resolve"), "{}", stderr(&lost));
    let entry = json(&lost)["entry"].as_i64().unwrap();
    let resumed = scratch.run(&["resume"]).await;
    assert_eq!(code(&resumed), 6);
    let other = scratch.run(&["--json", "generate", "another fox"]).await;
    let other_entry = json(&other)["entry"].as_i64().unwrap();

    let dismissed = scratch
        .run(&["--json", "resolve", &entry.to_string(), "--not-created"])
        .await;
    assert_eq!(code(&dismissed), 0, "{}", stderr(&dismissed));
    assert_eq!(json(&dismissed)["state"], "dismissed");
    assert!(
        json(&dismissed)["message"]
            .as_str()
            .unwrap()
            .contains("resolved by hand"),
        "journaled with when"
    );
    // The other one: its task exists after all (the fake created it: the reply was lost).
    let created = scratch
        .run(&[
            "--json",
            "resolve",
            &format!("#{other_entry}"),
            "--created",
            "850000000000000001",
        ])
        .await;
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    assert_eq!(json(&created)["state"], "submitted");
    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    let again = scratch
        .run(&["resolve", &entry.to_string(), "--not-created"])
        .await;
    assert_eq!(code(&again), 2, "only unsettled entries are resolved");
}

/// Item 13: a FIFO as `--image` is refused at once (a pipe with no writer would block).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_image_is_refused_before_it_is_opened() {
    let scratch = Scratch::new();
    let fifo = scratch.path("frame.png");
    make_fifo(&fifo);
    let out = scratch
        .run(&[
            "--provider",
            "mock",
            "submit",
            "a fox",
            "--image",
            "frame.png",
        ])
        .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

/// Item 13: SIGTERM ends the process while it is blocked in a system call (a batch file
/// that is a FIFO with no writer yet), not only while waiting.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_signal_ends_a_process_blocked_in_open() {
    let scratch = Scratch::new();
    let fifo = scratch.path("jobs.jsonl");
    make_fifo(&fifo);
    let child = scratch
        .video(&["--provider", "mock", "batch", "jobs.jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    assert!(
        wait_for(|| catches_sigterm(pid)).await,
        "the handler is never installed"
    );
    signal(pid, "-TERM");
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&out), 143, "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
}

#[cfg(unix)]
fn make_fifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Whether process `pid` has a handler for SIGTERM (Linux: bit 15 of `SigCgt`), so a test
/// signals it only once the handler is there — never racing the process's start.
fn catches_sigterm(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return cfg!(not(target_os = "linux"));
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (15 - 1)) != 0)
}

fn signal(pid: u32, which: &str) {
    let status = std::process::Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

async fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..500 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Item 12: a Kling server echoing the token `\u`-escaped or split into its segments gets
/// nothing onto stderr, into `--json` output or into the journal.
#[tokio::test(flavor = "multi_thread")]
async fn an_echoed_token_in_any_form_reaches_no_output_and_no_journal() {
    use video_fake::EchoForm;
    for form in [EchoForm::Escaped, EchoForm::Split, EchoForm::Earlier] {
        let fake = relay(
            50,
            Faults::default()
                .with_echoed_key_as(form)
                .with_expired_tokens(1),
        )
        .await;
        let scratch = Scratch::new().kling(
            fake.base_url(),
            fake.kling_access_key(),
            fake.kling_secret_key(),
        );
        let out = scratch.run(&["--json", "generate", "a fox [fail]"]).await;
        assert_ne!(code(&out), 0, "{}", stderr(&out));
        let journal =
            String::from_utf8_lossy(&std::fs::read(scratch.journal()).unwrap()).into_owned();
        let shown = format!(
            "{} {} {journal}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        );
        assert!(
            shown.contains("[redacted]"),
            "{form:?}: the echo was scrubbed: {shown}"
        );
        assert!(!shown.contains(fake.kling_secret_key()), "{form:?}");
        for credential in fake.credentials_seen() {
            let token = credential.trim_start_matches("Bearer ");
            for secret in token.split('.').chain([token]) {
                assert!(!shown.contains(secret), "{form:?} leaked {secret}: {shown}");
            }
        }
    }
}
