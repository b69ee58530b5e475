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

/// Serve the VideoJob workflow (Restate) for one provider, or several.
#[derive(Debug, Parser)]
#[command(name = "video-worker", version)]
struct Args {
    /// The provider (`video providers` lists them), configured from the same environment as
    /// the `video` command; `NAME:MODEL` picks its model. Repeat it to serve several: a job
    /// naming one (`"provider": "kling-dmx"`) goes there, the others to the first. Default:
    /// the one paid provider the environment configures.
    #[arg(long = "provider", value_name = "NAME[:MODEL]")]
    providers: Vec<String>,
    /// The (first) provider's model (`video models` lists them). Default: the provider's own.
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
    /// slot without calling the provider. `N` for every provider, or `PROVIDER=N` (repeat
    /// it) for one.
    #[arg(long, value_name = "[PROVIDER=]N")]
    max_running: Vec<String>,
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
        job.provider_names().join(", "),
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
    let storage = Storage::from_location(&args.output)?;
    let mut job: Option<VideoJob> = None;
    for (name, model) in providers(args, &registry)? {
        let (provider, mut policy) =
            provider_from(&registry, &name, model.as_deref(), args.allow_insecure_http)?;
        if let Some(millis) = args.poll_ms {
            let interval = Duration::from_millis(millis);
            policy = policy
                .with_first_delay(interval)
                .with_interval(interval, 1.0, interval);
        }
        let mut next = match job {
            None => VideoJob::new(provider, policy, storage.clone()),
            Some(job) => job.with_provider(provider, policy),
        };
        if let Some(limit) = limit_for(&args.max_running, &name)? {
            next = next.with_account_limit(&args.account, limit);
        }
        job = Some(next);
    }
    let mut job = job.ok_or_else(|| video_core::VideoError::invalid("provider", "none given"))?;
    if let Some(base) = &args.callback_base {
        job = job.with_callbacks_to(base.clone());
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

/// The providers to serve, each with its model: `--provider NAME[:MODEL]`..., else the one
/// the environment configures (with `--model`).
fn providers(
    args: &Args,
    registry: &Registry,
) -> Result<Vec<(String, Option<String>)>, video_core::VideoError> {
    if args.providers.is_empty() {
        let name = match registry.choose(None, &ProcessEnv)? {
            Choice::Named(row) | Choice::Configured(row) => row.name,
            _ => {
                return Err(video_core::VideoError::invalid(
                    "provider",
                    format!(
                        "no provider is configured; pass --provider (one of: {})",
                        registry.names().join(", ")
                    ),
                ));
            }
        };
        return Ok(vec![(name.to_owned(), args.model.clone())]);
    }
    let mut listed = Vec::new();
    for (index, given) in args.providers.iter().enumerate() {
        let (name, model) = match given.split_once(':') {
            Some((name, model)) => (name, Some(model.to_owned())),
            None if index == 0 => (given.as_str(), args.model.clone()),
            None => (given.as_str(), None),
        };
        registry.find(name)?;
        listed.push((name.to_owned(), model));
    }
    Ok(listed)
}

/// The limit `--max-running` sets for `provider`: its own `PROVIDER=N`, else a bare `N`.
fn limit_for(given: &[String], provider: &str) -> Result<Option<u32>, video_core::VideoError> {
    let parse = |text: &str| {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                video_core::VideoError::invalid(
                    "--max-running",
                    format!("`{text}` is not a count above 0"),
                )
            })
    };
    let mut limit = None;
    for item in given {
        match item.split_once('=') {
            Some((name, n)) if name == provider => return parse(n).map(Some),
            Some(_) => {}
            None => limit = Some(parse(item)?),
        }
    }
    Ok(limit)
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
