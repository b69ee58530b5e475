//! # video-benches
//!
//! The SDK side of the benchmarks in `docs/benchmarks.md`: small helpers shared by the
//! `bench-*` binaries (command-line arguments, process CPU and memory from `/proc`, a JSON
//! result line) and the polling simulation on the mock, which both `bench-polling` and the
//! criterion bench run. `scripts/bench.sh` runs everything against the fake relay and the
//! Python and `curl` peers, and prints one table.

mod bare;
mod paired;

pub use bare::BarePeer;
pub use paired::{PairedBlocks, median, paired_blocks};

use std::collections::HashMap;
use std::time::Duration;

use video_core::{PollPolicy, VideoError, VideoRequest, generate};
use video_mock::{MockCall, MockProvider};

/// `--name value` pairs from the command line (every argument must come in such a pair).
#[derive(Debug, Clone, Default)]
pub struct Args {
    values: HashMap<String, String>,
}

impl Args {
    /// Parses `std::env::args()`.
    ///
    /// # Errors
    /// A message when an argument is not `--name value`.
    pub fn from_env() -> Result<Self, String> {
        Self::parse(std::env::args().skip(1))
    }

    /// Parses `--name value` pairs.
    ///
    /// # Errors
    /// A message when an argument is not `--name value`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut values = HashMap::new();
        let mut args = args.into_iter();
        while let Some(name) = args.next() {
            let key = name
                .strip_prefix("--")
                .ok_or_else(|| format!("expected --name, got {name:?}"))?;
            let value = args
                .next()
                .ok_or_else(|| format!("--{key} needs a value"))?;
            values.insert(key.to_owned(), value);
        }
        Ok(Self { values })
    }

    /// The value of `--name`, or `default`.
    pub fn string(&self, name: &str, default: &str) -> String {
        self.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    }

    /// The value of `--name` as a number, or `default`.
    ///
    /// # Errors
    /// A message when the value is not a number.
    pub fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.values.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| format!("--{name}: not a number: {text:?}")),
        }
    }
}

/// CPU seconds (user + system) this process has used so far, all threads
/// (`CLOCK_PROCESS_CPUTIME_ID`, nanosecond resolution; `/proc/self/stat`'s 10 ms ticks would
/// be ±1 % of a 10,000-query loop).
pub fn cpu_seconds() -> f64 {
    cpu_time::ProcessTime::try_now().map_or(0.0, |time| time.as_duration().as_secs_f64())
}

/// Peak resident set size of this process so far, in KiB (`VmHWM` in `/proc/self/status`).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// A current-thread tokio runtime with I/O and time, as the SDK binaries use.
///
/// # Errors
/// When the runtime cannot be built.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Prints one JSON result line on stdout.
pub fn emit(value: &serde_json::Value) {
    println!("{value}");
}

/// Prints measure 1's line for a loop of `n` queries that took `cpu` and `wall` seconds:
/// `labels` (which client, what it queried) and the figures derived from them.
pub fn emit_queries(labels: serde_json::Value, n: usize, errors: usize, cpu: f64, wall: f64) {
    let mut line = serde_json::json!({
        "measure": "queries",
        "n": n,
        "errors": errors,
        "loop_cpu_s": cpu,
        "loop_wall_s": wall,
        "cpu_per_query_us": cpu / n.max(1) as f64 * 1e6,
        "wall_per_query_us": wall / n.max(1) as f64 * 1e6,
        "peak_rss_kib": peak_rss_kib(),
    });
    if let (Some(line), serde_json::Value::Object(labels)) = (line.as_object_mut(), labels) {
        line.extend(labels);
    }
    emit(&line);
}

/// The request every bench submits (a 5-second Kling video).
pub fn bench_request(index: usize) -> VideoRequest {
    VideoRequest::builder(format!("benchmark task {index}: a red fox in fresh snow"))
        .duration_secs(5)
        .build()
}

/// What polling cost for a set of tasks on the mock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollingStats {
    /// Tasks simulated.
    pub tasks: usize,
    /// Mean status queries per task.
    pub mean_queries: f64,
    /// Most status queries any task needed.
    pub max_queries: usize,
    /// Mean time between the task finishing and the client seeing it, in seconds.
    pub mean_lag_secs: f64,
    /// Longest such lag, in seconds.
    pub max_lag_secs: f64,
    /// Tasks that did not end in success.
    pub errors: usize,
}

/// Render times spread evenly over `from..=to` (`count` of them, both ends included).
pub fn spread(from: Duration, to: Duration, count: usize) -> Vec<Duration> {
    if count <= 1 {
        return vec![from];
    }
    let step = (to.as_secs_f64() - from.as_secs_f64()) / (count - 1) as f64;
    (0..count)
        .map(|i| Duration::from_secs_f64(from.as_secs_f64() + step * i as f64))
        .map(|d| Duration::from_millis(d.as_millis() as u64))
        .collect()
}

/// Generates one task per render time on its own [`MockProvider`], one after the other, with
/// `policy` (its jitter seeded with `seed + i` for task `i`), and counts the queries and the
/// lag between the task finishing and `generate` returning.
///
/// Call inside a current-thread runtime whose clock is paused
/// (`tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true)`):
/// no real time passes and no socket is opened.
pub async fn simulate_polling(
    renders: &[Duration],
    policy: &PollPolicy,
    seed: u64,
) -> PollingStats {
    let mut total_queries = 0_usize;
    let mut max_queries = 0_usize;
    let mut total_lag = 0.0_f64;
    let mut max_lag = 0.0_f64;
    let mut errors = 0_usize;
    for (i, render) in renders.iter().enumerate() {
        let mock = MockProvider::builder().render_time(*render).build();
        let policy = policy.clone().with_seed(seed.wrapping_add(i as u64));
        let started = tokio::time::Instant::now();
        let outcome: Result<_, VideoError> = generate(&mock, &bench_request(i), &policy).await;
        let lag = started.elapsed().as_secs_f64() - render.as_secs_f64();
        if outcome.is_err() {
            errors += 1;
        }
        let queries = mock
            .calls()
            .iter()
            .filter(|call| matches!(call, MockCall::Task(_)))
            .count();
        total_queries += queries;
        max_queries = max_queries.max(queries);
        total_lag += lag;
        max_lag = max_lag.max(lag);
    }
    let tasks = renders.len().max(1);
    PollingStats {
        tasks: renders.len(),
        mean_queries: total_queries as f64 / tasks as f64,
        max_queries,
        mean_lag_secs: total_lag / tasks as f64,
        max_lag_secs: max_lag,
        errors,
    }
}

/// A current-thread runtime with a paused clock, for [`simulate_polling`].
///
/// # Errors
/// When the runtime cannot be built.
pub fn paused_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_parse_pairs() {
        let args = Args::parse(["--n", "5", "--base", "http://x"].map(String::from)).unwrap();
        assert_eq!(args.number("n", 0_u32).unwrap(), 5);
        assert_eq!(args.string("base", ""), "http://x");
        assert_eq!(args.string("missing", "d"), "d");
        assert!(Args::parse(["oops".to_owned()]).is_err());
    }

    #[test]
    fn proc_readings_are_positive() {
        assert!(peak_rss_kib() > 0);
        let mut x = 0_u64;
        for i in 0..5_000_000_u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert!(x != 1);
        assert!(cpu_seconds() >= 0.0);
    }

    #[test]
    fn spread_includes_both_ends() {
        let renders = spread(Duration::from_secs(60), Duration::from_secs(180), 5);
        assert_eq!(renders.first(), Some(&Duration::from_secs(60)));
        assert_eq!(renders.last(), Some(&Duration::from_secs(180)));
        assert_eq!(renders.len(), 5);
    }

    #[test]
    fn fixed_polling_on_the_mock_is_exact() {
        let rt = paused_runtime().unwrap();
        let policy = PollPolicy::fixed(Duration::from_secs(5));
        let stats = rt.block_on(simulate_polling(&[Duration::from_secs(30)], &policy, 1));
        assert_eq!(stats.errors, 0);
        assert_eq!(stats.max_queries, 6);
        assert!(stats.mean_lag_secs.abs() < 0.01, "{stats:?}");
    }
}
