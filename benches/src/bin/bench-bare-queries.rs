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

use serde_json::{Value, json};
use video_benches::{Args, BareShape, cpu_seconds, emit_queries, runtime};

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
    let endpoint = format!("{}/v1/responses", base.trim_end_matches('/'));
    let rt = runtime().map_err(|e| e.to_string())?;
    let shape = args.string("shape", "");
    if !shape.is_empty() {
        return rt.block_on(other_shape(&client, &shape, &base, &key, n, warmup));
    }
    rt.block_on(async {
        let seedance = args.string("family", "kling") == "seedance";
        let (submit, query_model) = if seedance {
            let content = json!([{"type": "text", "text": "a fox"}]);
            let body = json!({"model": "doubao-seedance-2-0-260128", "input": content});
            (body, "seedance-2-0-get")
        } else {
            let body = json!({"model": "kling-v2-6-text2video", "input": "a fox", "duration": 5});
            (body, "kling-text2video-get")
        };
        let reply: Value = post(&client, &endpoint, &key, &submit).await?;
        let id = reply
            .pointer("/data/task_id")
            .or_else(|| reply.get("id"))
            .and_then(Value::as_str)
            .ok_or("no task id")?
            .to_owned();
        let query = json!({"model": query_model, "input": id});
        for _ in 0..warmup {
            post(&client, &endpoint, &key, &query).await?;
        }
        let mut errors = 0_usize;
        let cpu_before = cpu_seconds();
        let wall = Instant::now();
        for _ in 0..n {
            match post(&client, &endpoint, &key, &query).await {
                Ok(reply) if seedance && inner_status(&reply).is_some() => {}
                Ok(reply) if !seedance && reply["code"] == 0 => {}
                _ => errors += 1,
            }
        }
        let wall = wall.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        emit_queries(
            json!({
                "client": "bare-reqwest",
                "family": if seedance { "seedance" } else { "kling" },
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

/// Measure 1c, bare: `n` GETs of one task of `shape`'s front (see [`BareShape`]).
async fn other_shape(
    client: &reqwest::Client,
    shape: &str,
    base: &str,
    key: &str,
    n: usize,
    warmup: usize,
) -> Result<(), String> {
    let bare = BareShape::create(client.clone(), shape, base, key).await?;
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
            "shape": shape,
        }),
        n,
        errors,
        cpu,
        wall,
    );
    Ok(())
}

/// A Seedance query reply's status: the envelope's text parsed as JSON, its `status`.
fn inner_status(reply: &Value) -> Option<String> {
    let text = reply.pointer("/output/0/content/0/text")?.as_str()?;
    let inner: Value = serde_json::from_str(text).ok()?;
    inner.get("status")?.as_str().map(str::to_owned)
}

/// One POST of `body`, its reply parsed into a `Value`.
async fn post(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    body: &Value,
) -> Result<Value, String> {
    let reply = client
        .post(url)
        .header("authorization", key)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let bytes = reply.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}
