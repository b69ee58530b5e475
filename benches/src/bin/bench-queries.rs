//! Measure 1, SDK side: `n` status queries of one task, one after the other, through
//! `KlingDmxClient::task` — or, with `--model <relay model>`, through that relay family's
//! `DmxProvider::task` (measure 1b: Seedance), or with `--shape openai|minimax|runway`
//! through that provider against the fake's front of that API (measure 1c). Prints one JSON
//! line with the CPU and wall time of the loop.
//!
//! With `--paired-blocks P` (and `--shape`), the same process also runs the bare peer of
//! `bench-bare-queries --shape`, and the two alternate in `P` pairs of blocks of `--block`
//! queries each; the line then carries each pair's CPU ratio (SDK over bare).
//!
//! ```text
//! bench-queries --base http://127.0.0.1:8787 --key sk-fake-dmxapi-key --n 20000
//! bench-queries ... --model doubao-seedance-2-0-260128
//! bench-queries ... --shape runway
//! bench-queries ... --shape runway --paired-blocks 20 --block 1000
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;
use video_benches::{
    Args, BareShape, bench_request, cpu_seconds, emit, emit_queries, median, paired_blocks,
    peak_rss_kib, runtime,
};
use video_core::{VideoProvider, VideoRequest};
use video_dmx::DmxProvider;
use video_kling_dmx::KlingDmxClient;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-queries: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = Args::from_env()?;
    let base = args.string("base", "http://127.0.0.1:8787");
    let key = args.string("key", "sk-fake-dmxapi-key");
    let n: usize = args.number("n", 20_000)?;
    let warmup: usize = args.number("warmup", 200)?;
    let model = args.string("model", "");
    let shape = args.string("shape", "");
    if !shape.is_empty() {
        let pairs: usize = args.number("paired-blocks", 0)?;
        let mode = match pairs {
            0 => Mode::Alone { n },
            pairs => Mode::Paired {
                pairs,
                block: args.number("block", 1_000)?,
            },
        };
        let run = ShapeRun {
            shape: &shape,
            base: base.trim_end_matches('/'),
            key: &key,
            mode,
            warmup,
        };
        return other_shape(&run);
    }
    // Each client is measured by its own type (no `Box<dyn …>` in the loop: that adds a boxed
    // future per call that an app holding the concrete client does not pay).
    if model.is_empty() {
        let client = KlingDmxClient::builder()
            .api_key(key)
            .base_url(&base)
            .max_in_flight(64)
            .request_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        measure(&client, &model, n, warmup, &bench_request(0))
    } else {
        let provider = DmxProvider::builder()
            .api_key(key)
            .base_url(&base)
            .model(&model)
            .max_in_flight(64)
            .request_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        measure(&provider, &model, n, warmup, &bench_request(0))
    }
}

/// How measure 1c runs: the SDK alone for `n` queries, or in `pairs` pairs of blocks of
/// `block` queries with the bare peer in the same process.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Alone { n: usize },
    Paired { pairs: usize, block: usize },
}

/// One run of measure 1c: which front, where, with which key, how.
#[derive(Debug)]
struct ShapeRun<'a> {
    shape: &'a str,
    base: &'a str,
    key: &'a str,
    mode: Mode,
    warmup: usize,
}

/// Measure 1c: one of the providers of other shapes, at the fake's front of its API.
fn other_shape(run: &ShapeRun<'_>) -> Result<(), String> {
    let timeout = Duration::from_secs(60);
    let ShapeRun { base, key, .. } = *run;
    match run.shape {
        "openai" => {
            let client = video_openai::OpenAiClient::builder()
                .api_key(key)
                .base_url(&format!("{base}/openai/v1"))
                .max_in_flight(64)
                .request_timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            measure_shape(&client, run)
        }
        "minimax" => {
            let client = video_minimax::MiniMaxClient::builder()
                .api_key(key)
                .base_url(&format!("{base}/minimax"))
                .max_in_flight(64)
                .request_timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            measure_shape(&client, run)
        }
        "runway" => {
            let client = video_runway::RunwayClient::builder()
                .api_secret(key)
                .base_url(&format!("{base}/runway"))
                .max_in_flight(64)
                .request_timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            measure_shape(&client, run)
        }
        other => Err(format!(
            "unknown --shape {other}: openai, minimax or runway"
        )),
    }
}

/// Measure 1c for one built client, as the run's mode says.
fn measure_shape<P: VideoProvider>(client: &P, run: &ShapeRun<'_>) -> Result<(), String> {
    let request = VideoRequest::new("a red fox running through fresh snow");
    match run.mode {
        Mode::Alone { n } => measure(client, run.shape, n, run.warmup, &request),
        Mode::Paired { pairs, block } => {
            let rt = runtime().map_err(|e| e.to_string())?;
            rt.block_on(paired(client, run, (pairs, block), &request))
        }
    }
}

/// The SDK and the bare peer in alternating blocks (see `video_benches::paired_blocks`);
/// prints one `paired-queries` line.
async fn paired<P: VideoProvider>(
    client: &P,
    run: &ShapeRun<'_>,
    (pairs, block): (usize, usize),
    request: &VideoRequest,
) -> Result<(), String> {
    let ShapeRun {
        shape, base, key, ..
    } = *run;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let bare_client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let bare = BareShape::create(bare_client, shape, base, key).await?;
    let task = client.submit(request).await.map_err(|e| e.to_string())?;
    for _ in 0..run.warmup {
        client.task(&task.id).await.map_err(|e| e.to_string())?;
        bare.query().await;
    }
    let measured = paired_blocks(
        async || client.task(&task.id).await.is_ok(),
        async || bare.query().await,
        pairs,
        block,
    )
    .await;
    let per_query = |cpu: f64| cpu / (pairs * block).max(1) as f64 * 1e6;
    emit(&json!({
        "measure": "paired-queries",
        "shape": shape,
        "pairs": pairs,
        "block": block,
        "errors": measured.errors,
        "ratios": measured.ratios,
        "median_ratio": median(&measured.ratios),
        "sdk_cpu_per_query_us": per_query(measured.a_cpu),
        "bare_cpu_per_query_us": per_query(measured.b_cpu),
        "peak_rss_kib": peak_rss_kib(),
    }));
    Ok(())
}

/// `n` queries of one task through `client`, after `warmup` more; prints the JSON line.
fn measure<P: VideoProvider>(
    client: &P,
    model: &str,
    n: usize,
    warmup: usize,
    request: &VideoRequest,
) -> Result<(), String> {
    let rt = runtime().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let task = client.submit(request).await.map_err(|e| e.to_string())?;
        for _ in 0..warmup {
            client.task(&task.id).await.map_err(|e| e.to_string())?;
        }
        let mut errors = 0_usize;
        let cpu_before = cpu_seconds();
        let wall = Instant::now();
        for _ in 0..n {
            if client.task(&task.id).await.is_err() {
                errors += 1;
            }
        }
        let wall = wall.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        emit_queries(
            json!({
                "client": "sdk",
                "model": model,
            }),
            n,
            errors,
            cpu,
            wall,
        );
        Ok(())
    })
}
