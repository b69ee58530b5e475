//! Measure 2, SDK side: `tasks` tasks in flight in one process through
//! `Pipeline::generate_all` (submit, then poll 1 s after the submission and every 0.5 s),
//! each video saved by the pipeline into `dir` (`--mode app`: downloaded by the app with
//! `download_to_file`, the first round's shape), its size checked, then deleted. The
//! client's cap on requests in flight is `in-flight` (64); `--download 0` skips the videos
//! (the waiting alone). Prints one JSON line with the error count.
//!
//! ```text
//! bench-fleet --base http://127.0.0.1:8787 --key sk-fake-dmxapi-key --tasks 10000 \
//!             --video-bytes 262144 --dir /dev/shm/bench
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use std::path::Path;
use video_benches::{Args, bench_request, cpu_seconds, emit, peak_rss_kib, runtime};

use video_core::{
    Destination, IfExists, Pipeline, PollPolicy, SaveOptions, VideoError, download_to_file,
    generate_all,
};
use video_kling_dmx::KlingDmxClient;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-fleet: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = Args::from_env()?;
    let base = args.string("base", "http://127.0.0.1:8787");
    let key = args.string("key", "sk-fake-dmxapi-key");
    let tasks: usize = args.number("tasks", 10_000)?;
    let in_flight: usize = args.number("in-flight", 64)?;
    let video_bytes: u64 = args.number("video-bytes", 256 * 1024)?;
    let dir = PathBuf::from(args.string("dir", "/tmp/video-bench-fleet"));
    // `--download 0` skips the downloads (for profiling the waiting part alone).
    let download = args.number("download", 1_u8)? != 0;
    // `--mode pipeline` (the default) saves through the pipeline (`Pipeline::save` into a
    // folder: jobs download as download slots free); `--mode app` is the first round's shape,
    // the app downloading each result with `download_to_file` as it arrives.
    let mode = args.string("mode", "pipeline");
    // `--downloads N`: the pipeline's download slots (its default when absent).
    let downloads: usize = args.number("downloads", 0)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let client = KlingDmxClient::builder()
        .api_key(key)
        .base_url(&base)
        .max_in_flight(in_flight)
        .request_timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    // Scaled to a 2-second render: first query 1 s after the submission, then every 0.5 s.
    let policy = PollPolicy::fixed(Duration::from_millis(500))
        .with_first_delay(Duration::from_secs(1))
        .with_deadline(Duration::from_secs(600));
    let rt = runtime().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let tally = rt.block_on(async {
        let requests = (0..tasks).map(bench_request);
        if mode == "app" {
            app_downloads(
                &client,
                requests,
                &policy,
                tasks,
                &dir,
                download,
                video_bytes,
            )
            .await
        } else {
            let settings = Settings {
                dir: &dir,
                download,
                downloads,
                video_bytes,
            };
            pipeline_downloads(&client, requests, policy, tasks, settings).await
        }
    });
    emit(&json!({
        "measure": "fleet",
        "client": "sdk",
        "tasks": tasks,
        "ok": tally.ok,
        "errors": tally.errors,
        "first_error": tally.first_error,
        "wall_s": started.elapsed().as_secs_f64(),
        "cpu_s": cpu_seconds(),
        "peak_rss_kib": peak_rss_kib(),
    }));
    Ok(())
}

/// Outcomes counted as they arrive (the bench keeps no per-task state of its own).
#[derive(Default)]
struct Tally {
    ok: usize,
    errors: usize,
    first_error: Option<String>,
}

impl Tally {
    fn add(mut self, outcome: Result<(), VideoError>) -> Self {
        match outcome {
            Ok(()) => self.ok += 1,
            Err(error) => {
                self.errors += 1;
                self.first_error.get_or_insert_with(|| error.to_string());
            }
        }
        self
    }
}

/// How the pipeline run saves.
struct Settings<'d> {
    dir: &'d Path,
    download: bool,
    /// Download slots; 0 keeps the pipeline's default.
    downloads: usize,
    video_bytes: u64,
}

/// Checks a saved file's size, then deletes it.
fn check_and_delete(path: &Path, reported: u64, video_bytes: u64) -> Result<(), VideoError> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(path);
    if reported != video_bytes || size != video_bytes {
        return Err(VideoError::Incomplete {
            expected: video_bytes,
            received: size,
        });
    }
    Ok(())
}

/// The pipeline's way: jobs save into `dir` themselves (download slots gate them); each
/// result's file is checked and deleted.
async fn pipeline_downloads(
    client: &KlingDmxClient,
    requests: impl Iterator<Item = video_core::VideoRequest> + Send,
    policy: PollPolicy,
    tasks: usize,
    settings: Settings<'_>,
) -> Tally {
    let mut pipeline = Pipeline::new(client).policy(policy);
    if settings.download {
        pipeline = pipeline.save(Destination::folder(settings.dir));
    }
    if settings.downloads > 0 {
        pipeline = pipeline.max_downloading(settings.downloads);
    }
    let video_bytes = settings.video_bytes;
    let results = pipeline.generate_all(requests, tasks);
    results
        .map(|(_, result)| {
            let generated = result?;
            for saved in &generated.saved {
                check_and_delete(&saved.path, saved.bytes, video_bytes)?;
            }
            Ok(())
        })
        .fold(Tally::default(), |tally, outcome| async move {
            tally.add(outcome)
        })
        .await
}

/// The first round's shape: the app downloads each result with `download_to_file` as soon
/// as it arrives (no limit of its own besides the client's download cap).
async fn app_downloads(
    client: &KlingDmxClient,
    requests: impl Iterator<Item = video_core::VideoRequest> + Send,
    policy: &PollPolicy,
    tasks: usize,
    dir: &Path,
    download: bool,
    video_bytes: u64,
) -> Tally {
    generate_all(client, requests, policy, tasks)
        .map(|(index, result)| async move {
            let task = result?;
            if !download {
                return Ok(());
            }
            let video = task
                .videos
                .first()
                .ok_or_else(|| VideoError::invalid("videos", "none"))?;
            let path = dir.join(format!("{index}.mp4"));
            let saved = download_to_file(
                client,
                video,
                &path,
                SaveOptions::new().if_exists(IfExists::Replace),
            )
            .await?;
            check_and_delete(&path, saved.bytes, video_bytes)
        })
        .buffer_unordered(tasks.max(1))
        .fold(Tally::default(), |tally, outcome| async move {
            tally.add(outcome)
        })
        .await
}
