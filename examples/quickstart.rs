//! Generate one video and save it as an MP4.
//!
//! ```text
//! cargo run --example quickstart                  # no key: the in-process mock
//! cargo run --example quickstart -- --output fox.mp4
//! ```
//!
//! Prints the task id the moment it is known, each status change and the saved path; on
//! failure prints one line to stderr (with the task id if one was created) and exits 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use video_core::{
    Event, PollPolicy, TaskId, VideoError, VideoProvider, VideoRequest, download_to_file, generate,
};
use video_mock::MockProvider;

const PROMPT: &str = "a red fox running through fresh snow, golden hour, cinematic";

#[tokio::main]
async fn main() -> ExitCode {
    let output = match output_path(std::env::args().skip(1)) {
        Ok(path) => path,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let (provider, policy) = backend();
    let task_id = Mutex::new(None::<TaskId>);
    match run(provider.as_ref(), &policy, &output, &task_id).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let id = task_id.lock().ok().and_then(|id| id.clone());
            match id {
                Some(id) => eprintln!("error: {error} (task id {id})"),
                None => eprintln!("error: {error}"),
            }
            ExitCode::FAILURE
        }
    }
}

/// The backend: the in-process mock, rendering in two seconds.
fn backend() -> (Arc<dyn VideoProvider>, PollPolicy) {
    let mock = MockProvider::builder()
        .render_time(Duration::from_secs(2))
        .build();
    println!("backend: in-process mock (set DMXAPI_API_KEY for the real service)");
    (
        Arc::new(mock),
        PollPolicy::fixed(Duration::from_millis(250)),
    )
}

async fn run(
    provider: &dyn VideoProvider,
    policy: &PollPolicy,
    output: &Path,
    task_id: &Mutex<Option<TaskId>>,
) -> Result<(), VideoError> {
    let request = VideoRequest::builder(PROMPT).duration_secs(5).build();
    let observer = |event: &Event<'_>| match event {
        Event::Submitted(task) => {
            println!("task id: {}", task.id);
            if let Ok(mut slot) = task_id.lock() {
                *slot = Some(task.id.clone());
            }
        }
        Event::StatusChanged(task) => println!("status: {}", task.status),
        Event::SubmitRetry { error, pause } => println!("retrying in {pause:?}: {error}"),
        _ => {}
    };
    let task = generate(provider, &request, policy, &observer).await?;
    println!("final status: {}", task.status);
    let video = task.videos.first().ok_or_else(|| VideoError::Decode {
        status: None,
        reason: "the finished task lists no video".to_owned(),
        excerpt: String::new(),
    })?;
    let saved = download_to_file(provider, video, output, |_| {}).await?;
    println!("saved: {} ({} bytes)", saved.path.display(), saved.bytes);
    Ok(())
}

/// `--output PATH` (default `quickstart.mp4`).
fn output_path(mut args: impl Iterator<Item = String>) -> Result<PathBuf, String> {
    let mut output = PathBuf::from("quickstart.mp4");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--output" | "-o" => {
                output = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--output needs a path")?;
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (expected --output PATH)"
                ));
            }
        }
    }
    Ok(output)
}
