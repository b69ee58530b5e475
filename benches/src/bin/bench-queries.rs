//! Measure 1, SDK side: `n` status queries of one task, one after the other, through
//! `KlingDmxClient::task` — or, with `--model <relay model>`, through that relay family's
//! `DmxProvider::task` (measure 1b: Seedance), or with `--shape openai|minimax|runway`
//! through that provider against the fake's front of that API (measure 1c). Prints one JSON
//! line with the CPU and wall time of the loop.
//!
//! With `--paired-blocks P`, the same process also runs the bare peer of what it measures
//! (`video_benches::BarePeer`, as `bench-bare-queries` runs it), and the two alternate in
//! `P` pairs of blocks of `--block` queries each; the line then carries each pair's CPU
//! ratio (SDK over bare).
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
    Args, BarePeer, bench_request, cpu_seconds, emit, emit_queries, median, paired_blocks,
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
    let model = args.string("model", "");
    let shape = args.string("shape", "");
    let mode = match args.number("paired-blocks", 0)? {
        0 => Mode::Alone { n },
        pairs => Mode::Paired {
            pairs,
            block: args.number("block", 1_000)?,
        },
    };
    // The bare peer of what is measured (for `--paired-blocks`).
    let peer = match (shape.as_str(), model.as_str()) {
        ("", "") => Some("kling"),
        ("", model) if model.starts_with("doubao-seedance") => Some("seedance"),
        ("", _) => None,
        (shape, _) => Some(shape),
    };
    let run = Run {
        label: if shape.is_empty() { &model } else { &shape },
        peer,
        base: base.trim_end_matches('/'),
        key: &key,
        mode,
        warmup: args.number("warmup", 200)?,
    };
    if !shape.is_empty() {
        return other_shape(&run);
    }
    // Each client is measured by its own type (no `Box<dyn …>` in the loop: that adds a boxed
    // future per call that an app holding the concrete client does not pay).
    if model.is_empty() {
        let client = KlingDmxClient::builder()
            .api_key(&key)
            .base_url(run.base)
            .max_in_flight(64)
            .request_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        measure_with(&client, &run, &bench_request(0))
    } else {
        let provider = DmxProvider::builder()
            .api_key(&key)
            .base_url(run.base)
            .model(&model)
            .max_in_flight(64)
            .request_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        measure_with(&provider, &run, &bench_request(0))
    }
}

/// How a run measures: the SDK alone for `n` queries, or in `pairs` pairs of blocks of
/// `block` queries with the bare peer in the same process.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Alone { n: usize },
    Paired { pairs: usize, block: usize },
}

/// One run: what it is labelled, which bare peer pairs with it, where, with which key, how.
#[derive(Debug)]
struct Run<'a> {
    label: &'a str,
    peer: Option<&'a str>,
    base: &'a str,
    key: &'a str,
    mode: Mode,
    warmup: usize,
}

/// Measure 1c: one of the providers of other shapes, at the fake's front of its API.
fn other_shape(run: &Run<'_>) -> Result<(), String> {
    let request = VideoRequest::new("a red fox running through fresh snow");
    let timeout = Duration::from_secs(60);
    let Run { base, key, .. } = *run;
    match run.label {
        "openai" => {
            let client = video_openai::OpenAiClient::builder()
                .api_key(key)
                .base_url(&format!("{base}/openai/v1"))
                .max_in_flight(64)
                .request_timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            measure_with(&client, run, &request)
        }
        "minimax" => {
            let client = video_minimax::MiniMaxClient::builder()
                .api_key(key)
                .base_url(&format!("{base}/minimax"))
                .max_in_flight(64)
                .request_timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            measure_with(&client, run, &request)
        }
        "runway" => {
            let client = video_runway::RunwayClient::builder()
                .api_secret(key)
                .base_url(&format!("{base}/runway"))
                .max_in_flight(64)
                .request_timeout(timeout)
                .build()
                .map_err(|e| e.to_string())?;
            measure_with(&client, run, &request)
        }
        other => Err(format!(
            "unknown --shape {other}: openai, minimax or runway"
        )),
    }
}

/// Measures one built client, as the run's mode says.
fn measure_with<P: VideoProvider>(
    client: &P,
    run: &Run<'_>,
    request: &VideoRequest,
) -> Result<(), String> {
    match run.mode {
        Mode::Alone { n } => measure(client, run.label, n, run.warmup, request),
        Mode::Paired { pairs, block } => {
            let peer = run
                .peer
                .ok_or_else(|| format!("no bare peer pairs with model {}", run.label))?;
            let rt = runtime().map_err(|e| e.to_string())?;
            rt.block_on(paired(client, run, peer, (pairs, block), request))
        }
    }
}

/// The SDK and the bare peer in alternating blocks (see `video_benches::paired_blocks`);
/// prints one `paired-queries` line.
async fn paired<P: VideoProvider>(
    client: &P,
    run: &Run<'_>,
    peer: &str,
    (pairs, block): (usize, usize),
    request: &VideoRequest,
) -> Result<(), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let bare_client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let bare = BarePeer::create(bare_client, peer, run.base, run.key).await?;
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
        "peer": peer,
        "label": run.label,
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
