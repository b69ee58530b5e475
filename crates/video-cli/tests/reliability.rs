//! The `video` command against a hostile relay (the fake relay's fault modes) over loopback:
//! secrets, redirects, paths, hostile ids, signals, concurrent resumes, exit codes and the
//! journal. Each test names the item of the reliability issue it covers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Output, Stdio};
use std::time::Duration;

use common::{Scratch, code, is_mp4, json, sha256_of, stderr};
use video_fake::{FakeRelay, FakeRelayConfig, Faults};

const KEY: &str = "sk-TEST-SECRET-cli-77aa";

async fn relay(render_ms: u64, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_key(KEY)
        .with_render_time(Duration::from_millis(render_ms))
        .with_video_bytes(64 * 1024)
        .with_stream_interval(Duration::from_millis(50))
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

fn scratch_for(relay: &FakeRelay) -> Scratch {
    Scratch::new().relay(relay.base_url(), KEY)
}

fn all_output(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

/// Item 1: a key echoed in a streaming reply shows nowhere.
#[tokio::test(flavor = "multi_thread")]
async fn an_echoed_key_reaches_no_output_and_no_journal_message() {
    let relay = relay(200, Faults::default().with_echoed_key()).await;
    let scratch = scratch_for(&relay);
    for args in [
        &["--json", "generate", "a fox [fail]", "--stream"][..],
        &["generate", "a fox [fail]", "--stream"][..],
        &["--json", "generate", "a fox"][..],
    ] {
        let out = scratch.run(args).await;
        assert!(
            !all_output(&out).contains(KEY),
            "{args:?}: {}",
            all_output(&out)
        );
    }
    let tasks = scratch.run(&["--json", "tasks"]).await;
    assert!(!all_output(&tasks).contains(KEY), "{}", all_output(&tasks));
    assert!(all_output(&tasks).contains("[redacted]"));
}

/// Item 2: signed links stay in the journal; output shows their host only.
#[tokio::test(flavor = "multi_thread")]
async fn json_output_never_shows_a_signed_link() {
    let relay = relay(200, Faults::default()).await;
    let scratch = scratch_for(&relay);
    let generated = scratch
        .run(&["--json", "generate", "a fox", "-o", "fox.mp4"])
        .await;
    assert_eq!(code(&generated), 0, "{}", stderr(&generated));
    let submitted = scratch
        .run(&["--json", "submit", "a cat", "-o", "cat.mp4"])
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let resumed = scratch.run(&["--json", "resume"]).await;
    let tasks = scratch.run(&["--json", "tasks"]).await;
    for out in [&generated, &submitted, &resumed, &tasks] {
        let text = all_output(out);
        assert!(!text.contains("cacheKey"), "{text}");
    }
    let report = json(&generated);
    let url = report["videos"][0]["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/…"),
        "{url}"
    );
    assert_eq!(json(&resumed)["tasks"][0]["state"], "downloaded");
    // The journal kept the full link: a later download from a fresh process works.
    let id = report["task_id"].as_str().unwrap();
    let again = scratch
        .run(&["--json", "download", id, "-o", "again.mp4"])
        .await;
    assert_eq!(code(&again), 0, "{}", stderr(&again));
}

/// Item 3: an API call redirected to another host is a configuration error, nothing sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_redirected_api_call_is_refused_naming_the_host() {
    let other = FakeRelay::start(FakeRelayConfig::default().with_key(""))
        .await
        .unwrap();
    let target = format!("http://localhost:{}", other.address().port());
    let relay = relay(200, Faults::default().with_api_redirect(target)).await;
    let out = scratch_for(&relay)
        .run(&["--json", "generate", "a fox"])
        .await;
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["error"]["kind"], "configuration");
    assert!(
        report["error"]["message"]
            .as_str()
            .unwrap()
            .contains("localhost")
    );
    assert_eq!(report["state"], "refused");
    assert_eq!(other.counters().submissions_received, 0);
}

/// Item 4: a path that cannot be written is refused before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_output_is_refused_before_sending() {
    let relay = relay(200, Faults::default()).await;
    let scratch = scratch_for(&relay);
    for output in ["missing/dir/v.mp4", ".", "..", "sub/", "/proc/v.mp4"] {
        let out = scratch
            .run(&["--json", "generate", "a fox", "-o", output])
            .await;
        assert_eq!(code(&out), 2, "{output}: {}", stderr(&out));
        assert_eq!(json(&out)["error"]["kind"], "invalid_request", "{output}");
    }
    assert_eq!(relay.counters().submissions_received, 0);
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert!(tasks["tasks"].as_array().unwrap().is_empty());
}

/// Item 5: an existing file is replaced only with --force; default names keep both.
#[tokio::test(flavor = "multi_thread")]
async fn existing_files_are_never_silently_replaced() {
    let relay = relay(150, Faults::default()).await;
    let scratch = scratch_for(&relay);
    std::fs::write(scratch.path("fox.mp4"), b"precious").unwrap();
    let refused = scratch
        .run(&["--json", "generate", "a fox", "-o", "fox.mp4"])
        .await;
    assert_eq!(code(&refused), 2, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(relay.counters().submissions_received, 0);
    assert_eq!(std::fs::read(scratch.path("fox.mp4")).unwrap(), b"precious");

    let forced = scratch
        .run(&["--json", "generate", "a fox", "-o", "fox.mp4", "--force"])
        .await;
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(is_mp4(&scratch.path("fox.mp4")));

    // The relay's next task id is known: put another video at its default name.
    let next = format!("{}.mp4", 850_000_000_000_000_000_u64 + 1);
    std::fs::write(scratch.path(&next), b"another task's video").unwrap();
    let kept = scratch.run(&["--json", "generate", "a cat"]).await;
    assert_eq!(code(&kept), 0, "{}", stderr(&kept));
    let saved = json(&kept)["videos"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(saved.ends_with("850000000000000001.1.mp4"), "{saved}");
    assert_eq!(
        std::fs::read(scratch.path(&next)).unwrap(),
        b"another task's video"
    );
}

/// Item 6: hostile ids never leave the folder and never drive the terminal.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_task_ids_stay_in_the_folder_and_off_the_terminal() {
    let relay = relay(150, Faults::default().with_task_id_prefix("../../")).await;
    let scratch = scratch_for(&relay);
    let nested = scratch.path("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let mut command = scratch.video(&["--json", "generate", "a fox"]);
    command.current_dir(&nested);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let saved = json(&out)["videos"][0]["path"].as_str().unwrap().to_owned();
    assert!(saved.starts_with(nested.to_str().unwrap()), "{saved}");
    assert_eq!(
        std::fs::read_dir(scratch.path("")).unwrap().count(),
        2,
        "journal + a/"
    );

    let escapes = relay_with_escape_ids().await;
    let out = scratch_for(&escapes).run(&["generate", "a fox"]).await;
    assert_eq!(
        code(&out),
        6,
        "a malformed id is an unknown outcome: {}",
        stderr(&out)
    );
    assert!(!all_output(&out).contains('\u{1b}'), "{}", all_output(&out));
}

async fn relay_with_escape_ids() -> FakeRelay {
    relay(150, Faults::default().with_task_id_prefix("\u{1b}[2J")).await
}

/// Item 7: Ctrl-C during a download removes the partial file, says how to resume, exits
/// 130; resume removes partial files a killed process left.
#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_download_leaves_no_partial_file() {
    let relay = relay(
        100,
        Faults::default().with_drip_download(Duration::from_millis(5)),
    )
    .await;
    let scratch = scratch_for(&relay);
    let child = scratch
        .video(&["generate", "a fox", "-o", "fox.mp4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let part_seen = wait_for(|| partial_files(&scratch).len() == 1).await;
    assert!(part_seen, "the download never started");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(stderr(&out).contains("video resume"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("850000000000000000"),
        "{}",
        stderr(&out)
    );
    assert!(
        partial_files(&scratch).is_empty(),
        "{:?}",
        partial_files(&scratch)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resume_removes_partial_files_of_killed_processes() {
    let relay = relay(100, Faults::default()).await;
    let scratch = scratch_for(&relay);
    let submitted = scratch.run(&["submit", "a fox", "-o", "fox.mp4"]).await;
    assert_eq!(code(&submitted), 0);
    // What a process killed with SIGKILL mid-download leaves (its pid is not running).
    let stale = scratch.path(".fox.mp4.4000000000-0.part");
    std::fs::write(&stale, b"half a video").unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    assert!(is_mp4(&scratch.path("fox.mp4")));
    assert!(!stale.exists());
}

fn partial_files(scratch: &Scratch) -> Vec<String> {
    std::fs::read_dir(scratch.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part"))
        .collect()
}

async fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..250 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Item 8: two resumes share the work; every video is downloaded once.
#[tokio::test(flavor = "multi_thread")]
async fn two_resumes_download_each_video_once() {
    let relay = relay(300, Faults::default()).await;
    let scratch = scratch_for(&relay);
    for n in 0..4 {
        let out = scratch
            .run(&["submit", &format!("fox {n}"), "-o", &format!("fox{n}.mp4")])
            .await;
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let (first, second) = tokio::join!(
        scratch.run(&["--json", "resume"]),
        scratch.run(&["--json", "resume"])
    );
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    assert_eq!(relay.counters().downloads, 4, "each video fetched once");
    let hashes: Vec<String> = (0..4)
        .map(|n| sha256_of(&scratch.path(&format!("fox{n}.mp4"))))
        .collect();
    assert_eq!(hashes.len(), 4);
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert!(
        tasks["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["state"] == "downloaded"),
        "{tasks}"
    );
}

/// Item 10: `--timeout` covers the download; a drip-fed one ends.
#[tokio::test(flavor = "multi_thread")]
async fn timeout_covers_a_drip_fed_download() {
    let relay = relay(
        100,
        Faults::default().with_drip_download(Duration::from_millis(5)),
    )
    .await;
    let started = std::time::Instant::now();
    let out = scratch_for(&relay)
        .run(&["--json", "generate", "a fox", "--timeout", "2"])
        .await;
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!(json(&out)["error"]["kind"], "wait_timeout");
}

/// Items 11 and 14: resume exits 6 with unknown-outcome entries, explains them with their
/// request, and times are readable.
#[tokio::test(flavor = "multi_thread")]
async fn resume_explains_unknown_outcomes_and_exits_6() {
    let relay = relay(100, Faults::default().with_dropped_replies(1.0)).await;
    let scratch = scratch_for(&relay);
    let out = scratch
        .run(&["--json", "generate", "a fox on ice", "--duration", "10"])
        .await;
    assert_eq!(code(&out), 6);
    let message = json(&out)["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("GMT") && !message.contains("SystemTime"),
        "{message}"
    );

    let human = scratch.run(&["resume"]).await;
    assert_eq!(code(&human), 6, "{}", stderr(&human));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("unknown-outcome"), "{text}");
    assert!(text.contains("prompt: a fox on ice"), "{text}");
    assert!(text.contains("duration 10 s"), "{text}");
    assert!(text.contains("GMT"), "{text}");
    assert!(
        stderr(&human).contains("not resubmitted"),
        "{}",
        stderr(&human)
    );
    let machine = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&machine), 6);
    assert_eq!(
        json(&machine)["tasks"][0]["error"]["kind"],
        "unknown_outcome"
    );
    assert_eq!(relay.counters().submissions_received, 1);
}

/// Item 12: a proxy's HTML 401 is unauthorized (exit 3, journal `refused`).
#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_401_page_is_a_refusal() {
    let relay = relay(100, Faults::default().with_auth_page(401)).await;
    let scratch = scratch_for(&relay);
    let out = scratch.run(&["--json", "generate", "a fox"]).await;
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "unauthorized");
    assert_eq!(json(&out)["state"], "refused");
}

/// Item 13: an unknown code on submit: exit 6 and journal `unknown-outcome` agree.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_submit_code_is_exit_6_and_unknown_outcome() {
    let relay = relay(100, Faults::default().with_unknown_submit_code(1999)).await;
    let out = scratch_for(&relay)
        .run(&["--json", "generate", "a fox"])
        .await;
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["error"]["kind"], "unknown_outcome");
    assert_eq!(report["state"], "unknown-outcome");
}

/// Item 15: a corrupt row is reported; the others are listed and resumed.
#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_journal_row_does_not_hide_the_others() {
    let relay = relay(100, Faults::default()).await;
    let scratch = scratch_for(&relay);
    scratch.run(&["submit", "one", "-o", "one.mp4"]).await;
    scratch.run(&["submit", "two", "-o", "two.mp4"]).await;
    rusqlite::Connection::open(scratch.journal())
        .unwrap()
        .execute("UPDATE entries SET entry = 'garbage' WHERE id = 1", [])
        .unwrap();
    let tasks = scratch.run(&["--json", "tasks"]).await;
    let listing = json(&tasks);
    assert_eq!(listing["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(listing["unreadable"][0]["entry"], 1);
    assert!(stderr(&tasks).contains("journal entry 1 cannot be read"));
    assert_eq!(code(&tasks), 1);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(json(&resumed)["tasks"][0]["state"], "downloaded");
    assert!(is_mp4(&scratch.path("two.mp4")));
}

/// Item 16: a journal locked while the download is recorded: the video is saved, the error
/// says where, and a later resume records it.
#[tokio::test(flavor = "multi_thread")]
async fn a_locked_journal_at_the_end_says_where_the_video_is() {
    let relay = relay(600, Faults::default()).await;
    let mut scratch = scratch_for(&relay);
    scratch
        .env
        .push(("VIDEO_JOURNAL_BUSY_MS".into(), "100".into()));
    let child = scratch
        .video(&["--json", "generate", "a fox", "-o", "fox.mp4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let journal = scratch.journal();
    let submitted = wait_for(|| {
        rusqlite::Connection::open(&journal)
            .and_then(|c| {
                c.query_row(
                    "SELECT count(*) FROM entries WHERE state = 'submitted'",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .is_ok_and(|n| n == 1)
    })
    .await;
    assert!(submitted);
    let locker = rusqlite::Connection::open(&journal).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    locker.execute_batch("COMMIT").unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(is_mp4(&scratch.path("fox.mp4")));
    let message = json(&out)["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("the video was saved at"), "{message}");
    assert!(message.contains("fox.mp4"), "{message}");

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    assert_eq!(json(&resumed)["tasks"][0]["state"], "downloaded");
}

/// Item 17: another application's database is refused, untouched.
#[tokio::test(flavor = "multi_thread")]
async fn another_applications_database_is_not_adopted() {
    let scratch = Scratch::new();
    let foreign = scratch.path("notes.sqlite3");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    let out = scratch
        .run(&["--journal", foreign.to_str().unwrap(), "--json", "tasks"])
        .await;
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("not a video journal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
}
