//! Measure 1, bare-client peer: the same `n` status queries as `bench-queries`, with a bare
//! `reqwest` client (rustls, the same runtime) and the reply parsed into a
//! `serde_json::Value` — no SDK. What the SDK spends above this is its overhead.
//!
//! With `--family seedance` it queries a Seedance 2.0 task the way a bare client must read
//! the relay's envelope: the reply parsed, then its `output[0].content[0].text` parsed again
//! (measure 1b).
//!
//! With `--shape openai|minimax|runway` it queries a task of that API's fake front the way
//! a bare client does: one GET with the key (and Runway's version header), the reply parsed
//! into a `Value` and its status read (measure 1c).
//!
//! ```text
//! bench-bare-queries --base http://127.0.0.1:8787 --key sk-fake-dmxapi-key --n 20000
//! bench-bare-queries ... --shape minimax
//! bench-bare-queries ... --timeout-s 60   # with a request timeout, as the SDK sets
//! bench-bare-queries ... --family seedance
//! ```

use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;
use video_benches::{Args, BarePeer, cpu_seconds, emit_queries, runtime};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-bare-queries: {message}");
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
    // `--timeout-s N`: a whole-request timeout, as the SDK always sets (0, the default: none,
    // the minimal client). A pending timer makes every park a timed `epoll_wait`.
    let timeout_s: u64 = args.number("timeout-s", 0)?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder();
    if timeout_s > 0 {
        builder = builder.timeout(std::time::Duration::from_secs(timeout_s));
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let shape = args.string("shape", "");
    let family = args.string("family", "kling");
    let peer = if shape.is_empty() { family } else { shape };
    let rt = runtime().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let bare = BarePeer::create(client, &peer, &base, &key).await?;
        for _ in 0..warmup {
            bare.query().await;
        }
        let mut errors = 0_usize;
        let cpu_before = cpu_seconds();
        let wall = Instant::now();
        for _ in 0..n {
            if !bare.query().await {
                errors += 1;
            }
        }
        let wall = wall.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        emit_queries(
            json!({
                "client": "bare-reqwest",
                "peer": peer,
                "timeout_s": timeout_s,
            }),
            n,
            errors,
            cpu,
            wall,
        );
        Ok(())
    })
}
