//! Many videos at once with bounded concurrency: the pipeline's `generate_all` yields each
//! result as it finishes, one failure does not stop the others, and every event names its
//! job, so each task id is known the moment the task exists — failed tasks included.
//!
//! ```text
//! cargo run --example batch
//! ```
//!
//! Runs against the fake relay in-process (one prompt carries its failure marker) with the
//! real HTTP client. Prints one line per prompt, each with its task id.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use video_core::{Event, Pipeline, PollPolicy, TaskId, VideoError, VideoRequest};

const PROMPTS: [&str; 5] = [
    "a fox in snow",
    "a lighthouse at dusk",
    "a storm [fail]",
    "a koi pond",
    "a city at night",
];

#[tokio::main]
async fn main() -> ExitCode {
    match run(&PROMPTS, Duration::from_millis(800)).await {
        Ok(lines) => {
            lines.iter().for_each(|line| println!("{line}"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Generates one video per prompt against an in-process fake relay; returns one line per
/// prompt, in completion order.
async fn run(prompts: &[&str], render: Duration) -> Result<Vec<String>, VideoError> {
    let (provider, relay) = video_examples::fake_provider("kling-dmx", render).await?;
    // Every task id, by job, the moment the provider accepts the job.
    let ids: Mutex<BTreeMap<usize, TaskId>> = Mutex::new(BTreeMap::new());
    let pipeline = Pipeline::new(provider.as_ref())
        .policy(PollPolicy::fixed(Duration::from_millis(100)))
        .on_job_event(|job, event| {
            if let (Event::Submitted(task), Ok(mut ids)) = (event, ids.lock()) {
                ids.insert(job, task.id.clone());
            }
        });
    let requests: Vec<VideoRequest> = prompts.iter().map(|p| VideoRequest::new(*p)).collect();
    let mut lines = Vec::new();
    let mut results = pipeline.generate_all(requests, 3);
    while let Some((index, result)) = results.next().await {
        let id = ids
            .lock()
            .ok()
            .and_then(|ids| ids.get(&index).cloned())
            .map_or_else(|| "(none: not accepted)".to_owned(), |id| id.to_string());
        lines.push(match result {
            Ok(done) => format!(
                "#{index} {:<24} task {id} {}",
                prompts[index], done.task.status
            ),
            Err(error) => format!(
                "#{index} {:<24} task {id} error: {}",
                prompts[index],
                error.root()
            ),
        });
    }
    let counters = relay.counters();
    eprintln!(
        "{} accepted submissions, {} queries",
        counters.submissions_accepted, counters.queries
    );
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn every_line_names_its_task_the_failed_one_included() {
        let lines = run(&PROMPTS, Duration::from_millis(100)).await.unwrap();
        assert_eq!(lines.len(), PROMPTS.len());
        for line in &lines {
            let id = line.split_whitespace().skip_while(|w| *w != "task").nth(1);
            let id = id.unwrap_or_default();
            assert!(
                id.len() == 18 && id.chars().all(|c| c.is_ascii_digit()),
                "no task id in {line:?}"
            );
        }
        let failed: Vec<&String> = lines.iter().filter(|l| l.contains("error:")).collect();
        assert_eq!(failed.len(), 1, "{lines:?}");
        assert!(failed[0].contains("[fail]"));
    }
}
