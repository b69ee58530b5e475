//! What a user sees: plain progress lines when stderr is not a terminal (silenced by
//! `--quiet`), a task id printed once, messages in the command's own terms, interruptions
//! and timeouts that say how to finish, and `video batch`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{Scratch, code, json, stderr};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn progress_lines_go_to_stderr_when_it_is_not_a_terminal() {
    let scratch = Scratch::new();
    let out = scratch.run(&["generate", "a fox", "-o", "fox.mp4"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    for line in ["status: processing", "status: succeeded", "saved: "] {
        assert!(err.contains(line), "missing {line:?} in {err}");
    }
    let quiet = scratch
        .run(&["--quiet", "generate", "a cat", "-o", "cat.mp4"])
        .await;
    assert_eq!(code(&quiet), 0);
    assert!(!stderr(&quiet).contains("status:"), "{}", stderr(&quiet));
}

#[tokio::test]
async fn the_task_id_is_printed_once() {
    let scratch = Scratch::new();
    let out = scratch.run(&["generate", "a fox"]).await;
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let id = text
        .lines()
        .find_map(|line| line.strip_prefix("task id: "))
        .unwrap()
        .to_owned();
    assert_eq!(
        text.matches(id.as_str()).count(),
        2,
        "the id line and the saved file: {text}"
    );
    assert!(text.lines().any(|line| line == "succeeded"), "{text}");
}

#[tokio::test]
async fn configuration_messages_name_the_commands_own_settings() {
    let scratch = Scratch::new();
    let missing = scratch
        .run(&["--provider", "kling-dmx", "generate", "a fox"])
        .await;
    assert_eq!(code(&missing), 3);
    let text = stderr(&missing);
    assert!(
        text.contains("DMXAPI_API_KEY") && !text.contains("Builder"),
        "{text}"
    );

    let insecure = Scratch::new().relay("http://relay.example.com", "sk-1");
    let refused = insecure.run(&["generate", "a fox"]).await;
    assert_eq!(code(&refused), 3);
    assert!(
        stderr(&refused).contains("--allow-insecure-http"),
        "{}",
        stderr(&refused)
    );
    let unknown = scratch
        .run(&["--provider", "nope", "generate", "a fox"])
        .await;
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("kling-dmx, dmx, kling, openai, minimax, runway, mock"),
        "{}",
        stderr(&unknown)
    );
    let kling = scratch
        .run(&["--provider", "kling", "generate", "a fox"])
        .await;
    assert_eq!(code(&kling), 3);
    let text = stderr(&kling);
    assert!(
        text.contains("KLING_ACCESS_KEY")
            && text.contains("KLING_API_KEY")
            && !text.contains("Builder"),
        "{text}"
    );
}

#[tokio::test]
async fn status_explains_a_finished_task_not_yet_downloaded() {
    let scratch = Scratch::new();
    let submitted = json(&scratch.run(&["--json", "submit", "a fox"]).await);
    let id = submitted["task_id"].as_str().unwrap().to_owned();
    let waited = scratch.run(&["wait", &id]).await;
    assert_eq!(code(&waited), 0, "{}", stderr(&waited));
    assert!(
        !stdout(&waited).contains("saved:"),
        "wait does not download"
    );
    let status = scratch.run(&["status", &id]).await;
    let text = stdout(&status);
    assert!(text.contains(&format!("task {id}: succeeded")), "{text}");
    assert!(text.contains(&format!("video download {id}")), "{text}");
}

#[tokio::test]
async fn ctrl_c_while_waiting_names_the_task_and_the_exact_resume_command() {
    let mut scratch = Scratch::new();
    scratch
        .env
        .push(("VIDEO_MOCK_RENDER_MS".into(), "60000".into()));
    let journal = scratch.path("my journal.sqlite3");
    let child = scratch
        .video(&["--journal", journal.to_str().unwrap(), "generate", "a fox"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    let id = stdout(&out)
        .lines()
        .find_map(|line| line.strip_prefix("task id: "))
        .unwrap()
        .to_owned();
    let err = stderr(&out);
    assert!(err.contains(&id), "{err}");
    let expected = format!("`video --journal '{}' resume`", journal.display());
    assert!(err.contains(&expected), "{err}");
}

#[tokio::test]
async fn a_timeout_says_how_to_finish() {
    let mut scratch = Scratch::new();
    scratch
        .env
        .push(("VIDEO_MOCK_RENDER_MS".into(), "60000".into()));
    let out = scratch.run(&["generate", "a fox", "--timeout", "1"]).await;
    assert_eq!(code(&out), 5);
    assert!(
        stderr(&out).contains("`video resume` finishes it"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn batch_prints_one_line_per_request_with_its_task_id() {
    let scratch = Scratch::new();
    let file = scratch.path("requests.jsonl");
    std::fs::write(
        &file,
        [
            r#"{"prompt": "a fox", "output": "fox.mp4"}"#,
            r#"{"prompt": "a cat", "duration": 10, "quality": "pro"}"#,
            "not json",
            r#"{"prompt": "a dog", "duration": 7}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let out = scratch
        .run(&[
            "--json",
            "batch",
            file.to_str().unwrap(),
            "--concurrency",
            "2",
        ])
        .await;
    assert_eq!(
        code(&out),
        2,
        "an invalid line is invalid input: {}",
        stderr(&out)
    );
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "one object per request");
    let by_line = |n: u64| lines.iter().find(|l| l["line"] == n).unwrap();
    for n in [1, 2] {
        assert!(by_line(n)["task_id"].is_string(), "{}", by_line(n));
        assert_eq!(by_line(n)["state"], "downloaded");
    }
    assert!(scratch.path("fox.mp4").exists());
    for n in [3, 4] {
        assert_eq!(
            by_line(n)["error"]["kind"],
            "invalid_request",
            "{}",
            by_line(n)
        );
    }
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    assert_eq!(
        tasks["tasks"].as_array().unwrap().len(),
        2,
        "journaled like generate"
    );
}
