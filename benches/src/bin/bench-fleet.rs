//! Measure 2, SDK side: `tasks` tasks in flight in one process through `generate_all`
//! (submit, then poll 1 s after the submission and every 0.5 s), each video downloaded with
//! `download_to_file` into `dir`, its size checked, then deleted. The client's cap on requests
//! in flight is `in-flight` (64). Prints one JSON line with the error count.
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

use tokio::io::AsyncWriteExt;
use video_core::provider::VideoStream;
use video_core::{
    IfExists, PollPolicy, SaveOptions, VideoError, VideoProvider, download_to_file, generate_all,
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
    // `--writer sdk` (the default) saves with `video_core::download_to_file`; `tokio` and
    // `std` are diagnostic variants (same checks, no extra buffer) used to size the memory
    // `save_to_file` costs; see docs/benchmarks.md.
    let writer = args.string("writer", "sdk");
    // `--download-concurrency N` (diagnostic; default 0 = no cap of the app's own) lets at
    // most N downloads run at once, on top of the client's cap on requests in flight.
    let download_cap: usize = args.number("download-concurrency", 0)?;
    let download_permits = tokio::sync::Semaphore::new(if download_cap == 0 {
        tokio::sync::Semaphore::MAX_PERMITS
    } else {
        download_cap
    });
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
    let (ok, errors, first_error) = rt.block_on(async {
        let requests = (0..tasks).map(bench_request).collect();
        let client = &client;
        let dir = &dir;
        let download = &download;
        let writer = &writer;
        let download_permits = &download_permits;
        let results = generate_all(client, requests, &policy, tasks)
            .map(|(index, result)| async move {
                let task = result?;
                if !*download {
                    return Ok(());
                }
                let video = task
                    .videos
                    .first()
                    .ok_or_else(|| VideoError::invalid("videos", "none"))?;
                let path = dir.join(format!("{index}.mp4"));
                let _permit = download_permits
                    .acquire()
                    .await
                    .map_err(|e| VideoError::invalid("download", e.to_string()))?;
                let saved_bytes = match writer.as_str() {
                    "tokio" | "std" => {
                        let stream = client.download(video).await?;
                        save_unbuffered(stream, &path, writer == "std").await?
                    }
                    _ => {
                        download_to_file(
                            client,
                            video,
                            &path,
                            SaveOptions::new().if_exists(IfExists::Replace),
                        )
                        .await?
                        .bytes
                    }
                };
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let _ = std::fs::remove_file(&path);
                if saved_bytes != video_bytes || size != video_bytes {
                    return Err(VideoError::Incomplete {
                        expected: video_bytes,
                        received: size,
                    });
                }
                Ok::<(), VideoError>(())
            })
            .buffer_unordered(tasks.max(1));
        futures::pin_mut!(results);
        let (mut ok, mut errors, mut first_error) = (0_usize, 0_usize, None);
        while let Some(result) = results.next().await {
            match result {
                Ok(()) => ok += 1,
                Err(error) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| error.to_string());
                }
            }
        }
        (ok, errors, first_error)
    });
    emit(&json!({
        "measure": "fleet",
        "client": "sdk",
        "tasks": tasks,
        "ok": ok,
        "errors": errors,
        "first_error": first_error,
        "wall_s": started.elapsed().as_secs_f64(),
        "cpu_s": cpu_seconds(),
        "peak_rss_kib": peak_rss_kib(),
    }));
    Ok(())
}

/// Diagnostic writer: like `save_to_file` (temporary file, length check, fsync, rename) but
/// writing each received chunk straight to the file, through tokio (`std == false`) or with a
/// blocking `std::fs` write on the runtime thread (`std == true`).
async fn save_unbuffered(stream: VideoStream, path: &Path, std: bool) -> Result<u64, VideoError> {
    let io = |source| VideoError::Io {
        path: path.to_owned(),
        source,
    };
    let temp = path.with_extension("part");
    let expected = stream.content_length();
    let mut chunks = stream.into_chunks();
    let mut received = 0_u64;
    if std {
        use std::io::Write;
        let mut file = std::fs::File::create(&temp).map_err(io)?;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk?;
            received += chunk.len() as u64;
            file.write_all(&chunk).map_err(io)?;
        }
        file.sync_all().map_err(io)?;
    } else {
        let mut file = tokio::fs::File::create(&temp).await.map_err(io)?;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk?;
            received += chunk.len() as u64;
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
    }
    if expected.is_some_and(|expected| expected != received) {
        let _ = std::fs::remove_file(&temp);
        return Err(VideoError::Incomplete {
            expected: expected.unwrap_or(0),
            received,
        });
    }
    std::fs::rename(&temp, path).map_err(io)?;
    Ok(received)
}
