//! Generate one video and save it as an MP4.
//!
//! ```text
//! cargo run --example quickstart                     # no key: the fake relay, real client
//! cargo run --example quickstart -- --mock           # the in-process mock instead
//! DMXAPI_API_KEY=sk-... cargo run --example quickstart -- --output fox.mp4
//! ```
//!
//! With `DMXAPI_API_KEY` set it uses Kling v2.6 through DMXAPI (and `DMXAPI_BASE_URL` when
//! set). Without a key it starts the fake relay in-process and runs the real HTTP client
//! against it, so the default run exercises the real code path. Prints the task id the moment
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
use video_kling_dmx::{ENV_API_KEY, KlingDmxClient};
use video_mock::MockProvider;

const PROMPT: &str = "a red fox running through fresh snow, golden hour, cinematic";

/// Command-line options.
struct Options {
    output: PathBuf,
    mock: bool,
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
    let (provider, policy, _relay) = match backend(options.mock).await {
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

/// The real service with a key; else the fake relay (or the mock with `--mock`).
async fn backend(mock: bool) -> Result<Backend, VideoError> {
    if mock {
        println!("backend: in-process mock");
        let mock = MockProvider::builder()
            .render_time(Duration::from_secs(2))
            .build();
        return Ok((Arc::new(mock), fast_policy(), None));
    }
    if video_kling_dmx::configured_in_env() {
        let client = KlingDmxClient::from_env()?;
        println!("backend: Kling v2.6 via DMXAPI at {}", client.endpoint());
        return Ok((Arc::new(client), PollPolicy::default(), None));
    }
    let (client, relay) = video_examples::fake_relay_client(Duration::from_secs(2)).await?;
    println!(
        "backend: fake relay at {} (no {ENV_API_KEY} set), real HTTP client",
        relay.base_url()
    );
    Ok((Arc::new(client), fast_policy(), Some(relay)))
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

/// `[--output PATH] [--mock]` (default output `quickstart.mp4`).
fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        output: PathBuf::from("quickstart.mp4"),
        mock: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--output" | "-o" => {
                options.output = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--output needs a path")?;
            }
            "--mock" => options.mock = true,
            other => {
                return Err(format!(
                    "unknown argument `{other}` (expected --output PATH, --mock)"
                ));
            }
        }
    }
    Ok(options)
}
