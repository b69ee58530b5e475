//! Every subcommand against the mock provider (no key, no network).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Scratch, code, is_mp4, json, sha256_of, stderr};

#[tokio::test]
async fn generate_writes_the_mp4_and_reports_it_as_json() {
    let scratch = Scratch::new();
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
    assert!(report["task_id"].as_str().unwrap().starts_with("mock-"));
    assert!(report["error"].is_null());
    let video = &report["videos"][0];
    let path = scratch.path("fox.mp4");
    assert_eq!(
        video["path"],
        path.to_str().unwrap(),
        "recorded as an absolute path"
    );
    assert!(is_mp4(&path));
    assert_eq!(video["bytes"], std::fs::metadata(&path).unwrap().len());
    assert_eq!(video["sha256"], sha256_of(&path));
    assert!(
        stderr(&out).contains("notice:") && stderr(&out).contains("DMXAPI_API_KEY"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn human_output_names_the_task_and_file_without_bars_or_ansi() {
    let scratch = Scratch::new();
    let out = scratch.run(&["generate", "a fox"]).await;
    assert_eq!(code(&out), 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("task id: mock-"), "{stdout}");
    assert!(
        stdout.contains("saved: /") && stdout.contains(".mp4 (16384 bytes)"),
        "{stdout}"
    );
    let all = format!("{stdout}{}", stderr(&out));
    assert!(
        !all.contains('\u{1b}'),
        "ANSI escape in output when not a terminal"
    );
    assert!(
        !all.contains('⠁') && !all.contains('█'),
        "progress bar drawn when not a terminal"
    );
}

#[tokio::test]
async fn submit_status_wait_download_tasks_resume() {
    let scratch = Scratch::new();
    let submitted = json(
        &scratch
            .run(&["--json", "submit", "one", "--output", "one.mp4"])
            .await,
    );
    let id = submitted["task_id"].as_str().unwrap().to_owned();
    assert_eq!(submitted["state"], "submitted");

    let status = scratch.run(&["--json", "status", &id]).await;
    assert_eq!(code(&status), 0);
    assert_eq!(json(&status)["task_id"], id.as_str());

    let waited = scratch.run(&["--json", "wait", &id]).await;
    assert_eq!(code(&waited), 0);
    assert_eq!(json(&waited)["status"], "succeeded");

    let downloaded = scratch.run(&["--json", "download", &id]).await;
    assert_eq!(code(&downloaded), 0);
    let saved_at = json(&downloaded)["videos"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        saved_at,
        scratch.path("one.mp4").to_str().unwrap(),
        "the path recorded at submission"
    );
    assert!(is_mp4(&scratch.path("one.mp4")));

    scratch.run(&["submit", "two"]).await;
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    let prompts: Vec<&str> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["prompt"].as_str().unwrap())
        .collect();
    assert_eq!(prompts, ["two", "one"], "newest first");

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    let resumed = json(&resumed);
    assert_eq!(resumed["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(resumed["tasks"][0]["state"], "downloaded");
    let second_id = resumed["tasks"][0]["task_id"].as_str().unwrap();
    assert!(is_mp4(&scratch.path(&format!("{second_id}.mp4"))));
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let scratch = Scratch::new();
    let blank = scratch.run(&["--json", "generate", "   "]).await;
    assert_eq!(code(&blank), 2);
    assert_eq!(json(&blank)["error"]["kind"], "invalid_request");
    let long = "狐".repeat(2501);
    assert_eq!(code(&scratch.run(&["generate", &long]).await), 2);
    let usage = scratch.run(&["generate", "fox", "--duration", "7"]).await;
    assert_eq!(code(&usage), 2, "clap's own usage error");
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert!(
        tasks["tasks"].as_array().unwrap().is_empty(),
        "nothing may be journaled"
    );
}

#[tokio::test]
async fn an_unknown_task_id_is_invalid_input() {
    let scratch = Scratch::new();
    let out = scratch.run(&["--json", "status", "no-such-task"]).await;
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out)["error"]["kind"], "not_found");
    assert!(stderr(&out).lines().any(|l| l.starts_with("error: ")));
}

#[tokio::test]
async fn help_documents_the_exit_codes() {
    let out = Scratch::new().run(&["--help"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "0  success",
        "5  timed out waiting",
        "6  network, transient or unknown submission outcome",
    ] {
        assert!(text.contains(line), "help lacks {line:?}");
    }
}

#[tokio::test]
async fn resume_from_another_folder_saves_where_the_submission_said() {
    let scratch = Scratch::new();
    let named = json(
        &scratch
            .run(&["--json", "submit", "one", "--output", "one.mp4"])
            .await,
    );
    let unnamed = json(&scratch.run(&["--json", "submit", "two"]).await);
    let elsewhere = tempfile::tempdir().unwrap();
    let mut command = scratch.video(&["--json", "resume"]);
    command.current_dir(elsewhere.path());
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(is_mp4(&scratch.path("one.mp4")));
    let unnamed_id = unnamed["task_id"].as_str().unwrap();
    assert!(
        is_mp4(&scratch.path(&format!("{unnamed_id}.mp4"))),
        "default name, submission folder"
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing in the other folder"
    );
    assert!(named["task_id"].is_string());
}

#[tokio::test]
async fn absurd_timeouts_are_usage_errors() {
    let out = Scratch::new()
        .run(&["generate", "fox", "--timeout", "18446744073709551615"])
        .await;
    assert_eq!(code(&out), 2);
}
