//! Many videos at once with bounded concurrency: `generate_all` yields each result as it
//! finishes; one failure does not stop the others.
//!
//! ```text
//! cargo run --example batch
//! ```
//!
//! Runs against the fake relay in-process (one prompt carries its failure marker) with the
//! real HTTP client.

use std::process::ExitCode;
use std::time::Duration;

use futures::StreamExt;
use video_core::{PollPolicy, VideoRequest, generate_all};
use video_fake::{FakeRelay, FakeRelayConfig};
use video_kling_dmx::KlingDmxClient;

#[tokio::main]
async fn main() -> ExitCode {
    let config = FakeRelayConfig::default().with_render_time(Duration::from_millis(800));
    let relay = match FakeRelay::start(config).await {
        Ok(relay) => relay,
        Err(error) => {
            eprintln!("error: cannot start the fake relay: {error}");
            return ExitCode::FAILURE;
        }
    };
    let client = match KlingDmxClient::builder()
        .api_key(relay.key())
        .base_url(relay.base_url())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let prompts = [
        "a fox in snow",
        "a lighthouse at dusk",
        "a storm [fail]",
        "a koi pond",
        "a city at night",
    ];
    let requests: Vec<VideoRequest> = prompts.iter().map(|p| VideoRequest::new(*p)).collect();
    let policy = PollPolicy::fixed(Duration::from_millis(100));
    let mut results = generate_all(&client, requests, &policy, 3);
    let mut failures = 0;
    while let Some((index, result)) = results.next().await {
        match result {
            Ok(task) => println!(
                "#{index} {:<24} task {} {}",
                prompts[index], task.id, task.status
            ),
            Err(error) => {
                failures += 1;
                println!("#{index} {:<24} error: {error}", prompts[index]);
            }
        }
    }
    let counters = relay.counters();
    println!(
        "{} accepted submissions, {} queries, {failures} failed",
        counters.submissions_accepted, counters.queries
    );
    ExitCode::SUCCESS
}
