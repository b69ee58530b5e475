//! Choose a backend at run time behind `Arc<dyn VideoProvider>`; the rest of the app does not
//! change.
//!
//! ```text
//! cargo run --example swap_backends -- mock
//! cargo run --example swap_backends -- mock-fails
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use video_core::{PollPolicy, VideoProvider, VideoRequest, generate};
use video_mock::{MockProvider, Outcome};

/// The one line that differs between backends.
fn provider_named(name: &str) -> Option<Arc<dyn VideoProvider>> {
    let fast = MockProvider::builder().render_time(Duration::from_millis(500));
    match name {
        "mock" => Some(Arc::new(fast.build())),
        "mock-fails" => Some(Arc::new(
            fast.on_prompt_containing("", Outcome::Fail("scripted failure".into()))
                .build(),
        )),
        _ => None,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let name = std::env::args().nth(1).unwrap_or_else(|| "mock".to_owned());
    let Some(provider) = provider_named(&name) else {
        eprintln!("error: unknown backend `{name}` (mock, mock-fails)");
        return ExitCode::from(2);
    };
    let request = VideoRequest::new("a lighthouse in a storm");
    let policy = PollPolicy::fixed(Duration::from_millis(100));
    match generate(provider.as_ref(), &request, &policy).await {
        Ok(task) => {
            println!("{}: task {} {}", provider.name(), task.id, task.status);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
