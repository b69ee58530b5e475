//! Measure 4, SDK side.
//!
//! Without `--base`: polling efficiency on the mock under tokio's paused clock (no real
//! waiting, no sockets). For render times of 30 s, 60 s, 2 min and 5 min, and for `spread`
//! render times spread evenly over 60–180 s, prints one JSON line per (scenario, policy) with
//! queries per task and the lag between completion and detection, for the default policy and
//! a fixed 5-second poll.
//!
//! With `--base URL --key K --tasks T`: generates `T` tasks against the fake relay with the
//! stream query mode (`QueryMode::Stream`) and the default policy; the script reads the
//! relay's counters to count query requests per task.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use video_benches::{
    Args, PollingStats, bench_request, emit, paused_runtime, runtime, simulate_polling, spread,
};
use video_core::{PollPolicy, generate_all};
use video_kling_dmx::KlingDmxClient;

fn main() -> ExitCode {
    let result = Args::from_env().and_then(|args| {
        if args.string("base", "").is_empty() {
            simulate(&args)
        } else {
            stream(&args)
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-polling: {message}");
            ExitCode::FAILURE
        }
    }
}

fn simulate(args: &Args) -> Result<(), String> {
    let per_scenario: usize = args.number("tasks", 200)?;
    let spread_tasks: usize = args.number("spread", 1201)?;
    let secs = Duration::from_secs;
    let scenarios: Vec<(String, Vec<Duration>)> = vec![
        ("30s".to_owned(), vec![secs(30); per_scenario]),
        ("60s".to_owned(), vec![secs(60); per_scenario]),
        ("2min".to_owned(), vec![secs(120); per_scenario]),
        ("5min".to_owned(), vec![secs(300); per_scenario]),
        (
            "60-180s".to_owned(),
            spread(secs(60), secs(180), spread_tasks),
        ),
    ];
    let policies = [
        ("default", PollPolicy::default()),
        ("fixed-5s", PollPolicy::fixed(secs(5))),
    ];
    let rt = paused_runtime().map_err(|e| e.to_string())?;
    for (scenario, renders) in &scenarios {
        for (name, policy) in &policies {
            let stats: PollingStats = rt.block_on(simulate_polling(renders, policy, 42));
            emit(&json!({
                "measure": "polling",
                "scenario": scenario,
                "policy": name,
                "tasks": stats.tasks,
                "errors": stats.errors,
                "mean_queries": stats.mean_queries,
                "max_queries": stats.max_queries,
                "mean_lag_s": stats.mean_lag_secs,
                "max_lag_s": stats.max_lag_secs,
            }));
        }
    }
    Ok(())
}

fn stream(args: &Args) -> Result<(), String> {
    let base = args.string("base", "");
    let key = args.string("key", "sk-fake-dmxapi-key");
    let tasks: usize = args.number("tasks", 20)?;
    let client = KlingDmxClient::builder()
        .api_key(key)
        .base_url(&base)
        .build()
        .map_err(|e| e.to_string())?;
    let policy = PollPolicy::default().with_long_wait(true);
    let rt = runtime().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let (ok, errors) = rt.block_on(async {
        let requests = (0..tasks).map(bench_request);
        let results: Vec<_> = generate_all(&client, requests, &policy, tasks)
            .collect()
            .await;
        let ok = results.iter().filter(|(_, r)| r.is_ok()).count();
        (ok, results.len() - ok)
    });
    emit(&json!({
        "measure": "stream",
        "client": "sdk",
        "tasks": tasks,
        "ok": ok,
        "errors": errors,
        "wall_s": started.elapsed().as_secs_f64(),
    }));
    Ok(())
}
