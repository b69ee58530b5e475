//! `video-worker`: serves the `VideoJob` workflow for one provider, configured from the same
//! environment as the `video` command. Register its address with the Restate server, then
//! submit jobs through the ingress (`docs/scale.md`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use restate_sdk::prelude::*;
use video_providers::{Choice, ProcessEnv, Registry};
use video_restate::{FleetBudgetConfig, Storage, VideoJob, provider_from};

/// Serve the VideoJob workflow (Restate) for one provider.
#[derive(Debug, Parser)]
#[command(name = "video-worker", version)]
struct Args {
    /// The provider (`video providers` lists them), configured from the same environment as
    /// the `video` command. Default: the one paid provider the environment configures.
    #[arg(long)]
    provider: Option<String>,
    /// The provider's model (`video models` lists them). Default: the provider's own.
    #[arg(long)]
    model: Option<String>,
    /// The address Restate reaches this worker at (HTTP/2 cleartext).
    #[arg(long, default_value = "127.0.0.1:9080")]
    listen: SocketAddr,
    /// Where videos go: a folder, or a URL (`s3://bucket/prefix` with the `s3` feature).
    #[arg(long, default_value = "videos")]
    output: String,
    /// The Restate ingress base URL the provider calls back (e.g. `http://127.0.0.1:8080`);
    /// without it the worker only polls.
    #[arg(long, value_name = "URL")]
    callback_base: Option<String>,
    /// Poll every N ms instead of the provider's default schedule (demos, tests).
    #[arg(long, value_name = "MS")]
    poll_ms: Option<u64>,
    /// Allow plain http to non-loopback provider hosts.
    #[arg(long)]
    allow_insecure_http: bool,
    /// At most this many of the account's tasks run at once, across every worker of the
    /// fleet (a shared `AccountSlots` object per provider and `--account`); jobs wait for a
    /// slot without calling the provider.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_running: Option<u32>,
    /// The account the limit counts (workers sharing a key name the same account).
    #[arg(long, value_name = "NAME", default_value = "default")]
    account: String,
    /// Cap the fleet's spending (e.g. `25USD`): each job's estimate is reserved in a shared
    /// `FleetBudget` object before it is sent; a job that does not fit ends "over budget,
    /// not sent".
    #[arg(long, value_name = "AMOUNT")]
    max_cost: Option<String>,
    /// The budget's name (workers naming the same budget share it).
    #[arg(long, value_name = "NAME", default_value = "fleet")]
    budget: String,
    /// Under `--max-cost`, send jobs whose price is unknown too (reserving nothing).
    #[arg(long)]
    allow_unpriced: bool,
    /// A catalog file laid over the built-in one (default: $VIDEO_CATALOG): the prices
    /// estimates come from.
    #[arg(long, value_name = "FILE")]
    catalog: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let args = Args::parse();
    let job = match build(&args) {
        Ok(job) => job,
        Err(error) => {
            eprintln!("video-worker: {error}");
            return ExitCode::from(3);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("video-worker: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    // The address it really listens on (`--listen 127.0.0.1:0` picks a free port).
    let address = listener.local_addr().unwrap_or(args.listen);
    println!("http://{address}");
    eprintln!(
        "video-worker: serving VideoJob ({}) at http://{address}; register it: curl -X POST \
         <admin>/deployments -H 'content-type: application/json' -d '{{\"uri\":\"http://{address}\"}}'",
        job.provider_name(),
    );
    let endpoint = Endpoint::builder()
        .bind(job)
        .bind(video_restate::AccountSlots)
        .bind(video_restate::FleetBudget)
        .build();
    HttpServer::new(endpoint)
        .serve_with_cancel(listener, shutdown())
        .await;
    ExitCode::SUCCESS
}

fn build(args: &Args) -> Result<VideoJob, video_core::VideoError> {
    let registry = Registry::builtin();
    let name = match registry.choose(args.provider.as_deref(), &ProcessEnv)? {
        Choice::Named(row) | Choice::Configured(row) => row.name,
        Choice::Fallback(_) => {
            return Err(video_core::VideoError::invalid(
                "provider",
                format!(
                    "no provider is configured; pass --provider (one of: {})",
                    registry.names().join(", ")
                ),
            ));
        }
        _ => {
            return Err(video_core::VideoError::invalid(
                "provider",
                "pass --provider",
            ));
        }
    };
    let (provider, mut policy) = provider_from(
        &registry,
        name,
        args.model.as_deref(),
        args.allow_insecure_http,
    )?;
    if let Some(millis) = args.poll_ms {
        let interval = Duration::from_millis(millis);
        policy = policy
            .with_first_delay(interval)
            .with_interval(interval, 1.0, interval);
    }
    let storage = Storage::from_location(&args.output)?;
    let mut job = VideoJob::new(provider, policy, storage);
    if let Some(base) = &args.callback_base {
        job = job.with_callbacks_to(base.clone());
    }
    if let Some(limit) = args.max_running {
        job = job.with_account_limit(&args.account, limit);
    }
    if let Some(limit) = &args.max_cost {
        let limit: video_core::cost::Money = limit.parse()?;
        let budget = video_core::cost::Budget::new(args.budget.clone(), limit)
            .allow_unpriced(args.allow_unpriced);
        let catalog = video_providers::Catalog::load(&ProcessEnv, args.catalog.as_deref())?;
        job = job.with_budget(FleetBudgetConfig {
            budget,
            pricer: std::sync::Arc::new(catalog),
        });
    }
    Ok(job)
}

/// SIGINT or SIGTERM.
async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
