//! Generate one video and save it as an MP4.
//!
//! ```text
//! cargo run --example quickstart                     # no key: the fake relay, real client
//! cargo run --example quickstart -- --provider kling # Kling's own API (its fake, no key)
//! cargo run --example quickstart -- --mock           # the in-process mock instead
//! DMXAPI_API_KEY=sk-... cargo run --example quickstart -- --output fox.mp4
//! KLING_ACCESS_KEY=... KLING_SECRET_KEY=... cargo run --example quickstart -- --provider kling
//! ```
//!
//! The provider is built through the registry (`video-providers`), as the `video` command
//! builds it: `--provider kling-dmx` (the default) uses Kling v2.6 through DMXAPI when
//! `DMXAPI_API_KEY` is set; `--provider kling` uses Kling's own API when `KLING_ACCESS_KEY`
//! and `KLING_SECRET_KEY` (or `KLING_API_KEY`) are set. Without credentials it starts the fake
//! server in-process and builds the same provider aimed at it, so the default run exercises
//! the real code path. Prints the task id the moment
//! it is known, each status change and the saved path; on failure prints one line to stderr
//! (with the task id if one was created) and exits 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use video_core::{
    Destination, Event, IfExists, Pipeline, PollPolicy, VideoError, VideoProvider, VideoRequest,
};
use video_fake::FakeRelay;
use video_providers::{ProcessEnv, Registry, Settings};

const PROMPT: &str = "a red fox running through fresh snow, golden hour, cinematic";

/// Command-line options.
struct Options {
    output: PathBuf,
    /// `kling-dmx` (default), `kling` or `mock`.
    provider: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    // Keep the fake relay (if any) alive until the end.
    let (provider, policy, _relay) = match backend(&options.provider).await {
        Ok(backend) => backend,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match run(provider.as_ref(), policy, &options.output).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Every error after the task was accepted names it ("task 850...: ...").
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

type Backend = (Arc<dyn VideoProvider>, PollPolicy, Option<FakeRelay>);

/// The provider called `name`, built through the registry: from the environment when its
/// credentials are set; else aimed at the fake server started in-process (the mock needs
/// nothing).
async fn backend(name: &str) -> Result<Backend, VideoError> {
    let registry = Registry::builtin();
    let row = registry.find(name)?;
    if (row.configured)(&ProcessEnv) {
        let built = registry.build(name, &Settings::new(&ProcessEnv))?;
        println!(
            "backend: {name} ({}), configured from the environment",
            row.about
        );
        return Ok((built.provider, built.policy, None));
    }
    let (provider, fake) = video_examples::fake_provider(name, Duration::from_secs(2)).await?;
    println!(
        "backend: {name} against the fake at {} (no credentials set), real HTTP client",
        fake.base_url()
    );
    Ok((provider, fast_policy(), Some(fake)))
}

/// Polls every 250 ms: the fake backends render in seconds, not minutes.
fn fast_policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_millis(250))
}

async fn run(
    provider: &dyn VideoProvider,
    policy: PollPolicy,
    output: &Path,
) -> Result<(), VideoError> {
    let request = VideoRequest::builder(PROMPT).duration_secs(5).build();
    let destination = Destination::File {
        path: output.to_owned(),
        if_exists: IfExists::Replace,
    };
    let done = Pipeline::new(provider)
        .policy(policy)
        .save(destination)
        .on_event(|event| match event {
            Event::Submitted(task) => println!("task id: {}", task.id),
            Event::StatusChanged(task) => println!("status: {}", task.status),
            Event::SubmitRetry { error, pause } => println!("retrying in {pause:?}: {error}"),
            _ => {}
        })
        .generate(&request)
        .await?;
    println!("final status: {}", done.task.status);
    for saved in &done.saved {
        println!("saved: {} ({} bytes)", saved.path.display(), saved.bytes);
    }
    Ok(())
}

/// `[--output PATH] [--provider kling-dmx|kling|mock] [--mock]` (default output
/// `quickstart.mp4`).
fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        output: PathBuf::from("quickstart.mp4"),
        provider: "kling-dmx".to_owned(),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--output" | "-o" => {
                options.output = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--output needs a path")?;
            }
            "--mock" => options.provider = "mock".to_owned(),
            "--provider" => {
                let name = args.next().ok_or("--provider needs a name")?;
                if Registry::builtin().find(&name).is_err() {
                    return Err(format!(
                        "unknown provider `{name}` ({})",
                        Registry::builtin().names().join(", ")
                    ));
                }
                options.provider = name;
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (expected --output PATH, --provider NAME, --mock)"
                ));
            }
        }
    }
    Ok(options)
}
