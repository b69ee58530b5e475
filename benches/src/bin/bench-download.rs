//! Measure 3, SDK side: one large video (the fake relay's `--video-bytes`) saved with
//! `download_to_file` into `dir` (`--sha256 1`: with the hash, as the pipeline saves), its
//! size checked, then
//! deleted. Submits one task and waits
//! for it first; the throughput counts the download only.
//!
//! ```text
//! bench-download --base http://127.0.0.1:8787 --key sk-fake-dmxapi-key \
//!                --video-bytes 1073741824 --dir /dev/shm/bench
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;
use video_benches::{Args, bench_request, cpu_seconds, emit, peak_rss_kib, runtime};
use video_core::{IfExists, PollPolicy, SaveOptions, download_to_file, generate};
use video_kling_dmx::KlingDmxClient;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-download: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = Args::from_env()?;
    let base = args.string("base", "http://127.0.0.1:8787");
    let key = args.string("key", "sk-fake-dmxapi-key");
    let video_bytes: u64 = args.number("video-bytes", 1 << 30)?;
    let dir = PathBuf::from(args.string("dir", "/tmp/video-bench-download"));
    // `--sha256 1` computes the SHA-256 too (`SaveOptions::sha256(true)`, as the pipeline
    // does); off by default, as `download_to_file`'s default.
    let sha256 = args.number("sha256", 0_u8)? != 0;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let client = KlingDmxClient::builder()
        .api_key(key)
        .base_url(&base)
        .max_in_flight(64)
        .request_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let policy = PollPolicy::fixed(Duration::from_millis(100));
    let rt = runtime().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let task = generate(&client, &bench_request(0), &policy)
            .await
            .map_err(|e| e.to_string())?;
        let video = task.videos.first().ok_or("no video")?;
        let path = dir.join("one-large.mp4");
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let saved = download_to_file(
            &client,
            video,
            &path,
            SaveOptions::new()
                .if_exists(IfExists::Replace)
                .sha256(sha256),
        )
        .await;
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_file(&path);
        let errors = usize::from(saved.is_err() || size != video_bytes);
        emit(&json!({
            "measure": "download",
            "client": "sdk",
            "sha256": sha256,
            "bytes": size,
            "errors": errors,
            "error": saved.err().map(|e| e.to_string()),
            "download_wall_s": wall,
            "download_cpu_s": cpu,
            "mib_per_s": size as f64 / (1 << 20) as f64 / wall.max(1e-9),
            "peak_rss_kib": peak_rss_kib(),
        }));
        Ok(())
    })
}
