//! Money end to end against the fake: a budget stops a batch at what it holds (counted by
//! the fake), across a SIGKILL and a rerun, and across two processes sharing the journal;
//! `--dry-run` sends nothing and estimates by the catalog's rule; a catalog model falls back
//! to its next route only after a refusal that created no task.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Scratch, code, json, stderr};
use serde_json::Value;
use video_fake::{FakeRelay, FakeRelayConfig, Faults};

/// A catalog file pricing Kling v2.6 on the relay at 0.50 USD a video.
const CATALOG: &str = r#"{"as_of": "2026-12-04", "models": [{"id": "kling-v2.6", "routes": [
    {"provider": "kling-dmx", "model": "kling-v2-6", "source": "test", "as_of": "2026-12-04",
     "price": {"currency": "USD", "per_video": "0.50"}}]}]}"#;

async fn start(render: Duration, faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(render)
        .with_video_bytes(16 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

/// A scratch folder reaching `fake`'s relay, with the test catalog and a batch of ten.
fn relay_scratch(fake: &FakeRelay) -> Scratch {
    let scratch = Scratch::new().relay(fake.base_url(), fake.key());
    std::fs::write(scratch.path("catalog.json"), CATALOG).unwrap();
    let lines: Vec<String> = (1..=10)
        .map(|n| format!(r#"{{"prompt": "fox number {n}"}}"#))
        .collect();
    std::fs::write(scratch.path("batch.jsonl"), lines.join("\n")).unwrap();
    let catalog = scratch.path("catalog.json");
    scratch.var("VIDEO_CATALOG", catalog.to_str().unwrap())
}

const BATCH: [&str; 5] = ["--json", "batch", "batch.jsonl", "--max-cost", "2.00USD"];

/// The JSON lines of a batch's stdout.
fn lines(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn over_budget(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|line| line["error"]["kind"] == "over_budget")
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_sends_what_its_budget_holds_and_reports_the_rest_not_sent() {
    let fake = start(Duration::from_millis(200), Faults::default()).await;
    let scratch = relay_scratch(&fake);
    let out = scratch.run(&BATCH).await;
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert_eq!(
        fake.counters().submissions_accepted,
        4,
        "2.00 USD holds four"
    );
    let printed = lines(&out);
    assert_eq!(printed.len(), 10, "one line per request");
    let refused = over_budget(&printed);
    assert_eq!(refused.len(), 6);
    for line in &refused {
        assert!(line["line"].as_u64().is_some_and(|n| (1..=10).contains(&n)));
        let message = line["error"]["message"].as_str().unwrap();
        assert!(message.contains("not sent"), "{message}");
        assert!(line["task_id"].is_null());
    }
    let tasks = json(&scratch.run(&["--json", "tasks"]).await);
    let entries = tasks["tasks"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        4,
        "nothing is journaled for a request not sent"
    );
    assert!(
        entries
            .iter()
            .all(|e| e["estimate"] == "0.50 USD" && e["budget"] == "default")
    );

    let spend = json(&scratch.run(&["--json", "spend"]).await);
    let row = &spend["rows"][0];
    assert_eq!(
        (row["model"].as_str(), row["tasks"].as_u64()),
        (Some("kling-v2.6"), Some(4))
    );
    assert_eq!(row["estimated"]["USD"], "2.00 USD");
    assert_eq!(
        row["reported_units"], "4.00",
        "the units the relay reported: {row}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_killed_and_run_again_never_sends_past_its_budget() {
    let fake = start(Duration::from_millis(1500), Faults::default()).await;
    let scratch = relay_scratch(&fake);
    let args = [&BATCH[..], &["--concurrency", "3"]].concat();
    let mut child = scratch
        .video(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once three submissions are journaled with their task ids (SIGKILL).
    let mut submitted = 0;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let tasks = json(&scratch.run(&["--json", "tasks"]).await);
        let entries = tasks["tasks"].as_array().cloned().unwrap_or_default();
        submitted = entries.iter().filter(|e| e["task_id"].is_string()).count();
        if submitted >= 3 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(submitted >= 3, "killed once three were sent ({submitted})");

    let resumed = scratch.run(&["--json", "resume"]).await;
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
    let again = scratch.run(&args).await;
    assert_eq!(code(&again), 7, "{}", stderr(&again));
    assert_eq!(
        fake.counters().submissions_accepted,
        4,
        "never more than four in all"
    );
    assert_eq!(over_budget(&lines(&again)).len(), 9);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_sharing_the_journal_share_the_budget() {
    let fake = start(Duration::from_millis(200), Faults::default()).await;
    let scratch = relay_scratch(&fake);
    let (first, second) = tokio::join!(scratch.run(&BATCH), scratch.run(&BATCH));
    for out in [&first, &second] {
        assert_eq!(code(out), 7, "{}", stderr(out));
    }
    assert_eq!(fake.counters().submissions_accepted, 4, "four between them");
    let refused = over_budget(&lines(&first)).len() + over_budget(&lines(&second)).len();
    assert_eq!(refused, 16);
}

/// `video --json ARGS generate ... --dry-run`'s estimate, after checking nothing was sent.
async fn dry_run(fake: &FakeRelay, scratch: &Scratch, args: &[&str]) -> Value {
    let before = fake.counters();
    let out = scratch.run(&[args, &["--dry-run"]].concat()).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = fake.counters();
    assert_eq!(after.submissions_accepted, before.submissions_accepted);
    assert_eq!(after.queries, before.queries, "nothing at all is sent");
    let journal = scratch.run(&["--json", "tasks"]).await;
    assert!(
        json(&journal)["tasks"].as_array().unwrap().is_empty(),
        "nothing journaled"
    );
    json(&out)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_sends_nothing_and_estimates_by_the_catalogs_rule() {
    let fake = start(Duration::from_millis(200), Faults::default()).await;
    // Per second (the built-in catalog: sora-2 at 0.10 USD/s).
    let openai = Scratch::new()
        .var("OPENAI_BASE_URL", &fake.openai_base_url())
        .var("OPENAI_API_KEY", fake.key());
    let args = [
        "--json",
        "--provider",
        "openai",
        "generate",
        "a fox",
        "--duration",
        "8",
    ];
    let plan = dry_run(&fake, &openai, &args).await;
    assert_eq!(plan["estimate"], "0.80 USD", "{plan}");
    assert_eq!(
        (plan["provider"].as_str(), plan["catalog_model"].as_str()),
        (Some("openai"), Some("sora-2"))
    );
    // Per tier (MiniMax: by resolution and length), asked by catalog model.
    let minimax = Scratch::new()
        .var("MINIMAX_BASE_URL", &fake.minimax_base_url())
        .var("MINIMAX_API_KEY", fake.key());
    let args = [
        "--json",
        "--model",
        "hailuo-2.3",
        "generate",
        "a fox",
        "--duration",
        "10",
    ];
    let plan = dry_run(&fake, &minimax, &args).await;
    assert_eq!(plan["estimate"], "0.56 USD", "768p at 10 s: {plan}");
    let args = [
        "--json",
        "--model",
        "Hailuo 2.3",
        "generate",
        "a fox",
        "--resolution",
        "1080p",
        "--duration",
        "6",
    ];
    assert_eq!(
        dry_run(&fake, &minimax, &args).await["estimate"],
        "0.49 USD"
    );
    // Per video (the user's catalog file), with a budget check.
    let relay = relay_scratch(&fake);
    let args = ["--json", "generate", "a fox", "--max-cost", "1USD"];
    let plan = dry_run(&fake, &relay, &args).await;
    assert_eq!(plan["estimate"], "0.50 USD", "{plan}");
    assert!(
        plan["checks"].to_string().contains("budget `default`"),
        "{plan}"
    );
    // A batch's dry run: each line's estimate, nothing sent.
    let out = relay
        .run(&["--json", "batch", "batch.jsonl", "--dry-run"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let planned = lines(&out);
    assert_eq!(planned.len(), 10);
    assert!(
        planned.iter().all(|line| line["estimate"] == "0.50 USD"),
        "{planned:?}"
    );
    assert!(stderr(&out).contains("total 5.00 USD"), "{}", stderr(&out));
    // A request the provider refuses is refused by the dry run too (exit 2), nothing sent.
    let refused = relay
        .run(&["generate", "a fox", "--duration", "7", "--dry-run"])
        .await;
    assert_eq!(code(&refused), 2, "{}", stderr(&refused));
    assert_eq!(fake.counters().submissions_accepted, 0);
}

/// A scratch folder where Kling v2.6 has two routes: Kling's API at `direct` (with
/// `secret` as its secret key), then the relay at `relay`.
fn two_routes(direct: &FakeRelay, secret: &str, relay: &FakeRelay) -> Scratch {
    Scratch::new()
        .kling(direct.base_url(), direct.kling_access_key(), secret)
        .relay(relay.base_url(), relay.key())
}

const KLING_V26: [&str; 5] = ["--json", "--model", "kling-v2.6", "generate", "a fox"];

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_that_created_no_task_falls_back_to_the_next_route() {
    // 429/1303 on Kling's API: the relay takes it.
    let (direct, relay) = tokio::join!(
        start(Duration::from_millis(200), Faults::default()),
        start(Duration::from_millis(200), Faults::default())
    );
    direct.refuse_next_submissions(1_000);
    let scratch = two_routes(&direct, direct.kling_secret_key(), &relay);
    let out = scratch.run(&KLING_V26).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["provider"], "kling-dmx");
    assert!(stderr(&out).contains("refused the submission and created no task"));
    let tasks = direct.counters().submissions_accepted + relay.counters().submissions_accepted;
    assert_eq!(
        (direct.counters().submissions_accepted, tasks),
        (0, 1),
        "one task in all"
    );
    let journal = json(&scratch.run(&["--json", "tasks"]).await);
    let states: Vec<(&str, &str)> = journal["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["provider"].as_str().unwrap(),
                t["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [("kling-dmx", "downloaded"), ("kling", "refused")],
        "each route journaled"
    );

    // 401 on Kling's API (a wrong secret key): the relay takes it.
    let scratch = two_routes(&direct, "not-the-secret", &relay);
    let out = scratch.run(&KLING_V26).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["provider"], "kling-dmx");
    assert_eq!(relay.counters().submissions_accepted, 2);
    assert_eq!(direct.counters().submissions_accepted, 0);

    // With the relay preferred, it is tried first.
    let preferred = scratch
        .run(&[&["--routes", "kling-dmx"][..], &KLING_V26].concat())
        .await;
    assert_eq!(code(&preferred), 0, "{}", stderr(&preferred));
    assert!(
        !stderr(&preferred).contains("refused"),
        "{}",
        stderr(&preferred)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_outcome_never_falls_back() {
    let faults = Faults::default().with_dropped_create_replies(1);
    let (direct, relay) = tokio::join!(
        start(Duration::from_millis(200), faults),
        start(Duration::from_millis(200), Faults::default())
    );
    let scratch = two_routes(&direct, direct.kling_secret_key(), &relay);
    let out = scratch.run(&KLING_V26).await;
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "unknown_outcome");
    assert_eq!(
        direct.counters().submissions_accepted,
        1,
        "the task may exist"
    );
    assert_eq!(
        relay.counters().submissions_accepted,
        0,
        "so nothing else is sent"
    );
}
