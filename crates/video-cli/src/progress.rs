//! Progress on stderr with `indicatif`: a spinner while waiting, a byte bar while
//! downloading; nothing at all when stderr is not a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use video_core::{Event, Observer};

use crate::backend::bars_enabled;

/// A spinner showing the task's status and the elapsed time.
pub(crate) fn spinner(message: &str) -> ProgressBar {
    if !bars_enabled() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}") {
        bar.set_style(style);
    }
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A byte bar for a download of `total` bytes (a byte counter when unknown).
pub(crate) fn bytes_bar(total: Option<u64>) -> ProgressBar {
    if !bars_enabled() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total.unwrap_or(0));
    let template = if total.is_some() {
        "{bar:32} {bytes}/{total_bytes} {bytes_per_sec} {eta}"
    } else {
        "{spinner} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Turns generation events into output: the task id the moment it is known (stdout, or
/// stderr with `--json`), and status changes on the spinner.
#[derive(Debug)]
pub(crate) struct Reporter {
    pub(crate) spinner: ProgressBar,
    pub(crate) json: bool,
}

impl Observer for Reporter {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::Submitted(task) => {
                if self.json {
                    self.spinner.suspend(|| eprintln!("task id: {}", task.id));
                } else {
                    self.spinner.suspend(|| println!("task id: {}", task.id));
                }
                self.spinner
                    .set_message(format!("{} {}", task.id, task.status));
            }
            Event::StatusChanged(task) | Event::Finished(task) => {
                self.spinner
                    .set_message(format!("{} {}", task.id, task.status));
            }
            Event::JournalWriteFailed { error, .. } => {
                self.spinner.suspend(|| {
                    eprintln!("warning: the journal could not record this step: {error}")
                });
            }
            Event::SubmitRetry { error, pause } => {
                self.spinner
                    .set_message(format!("retrying in {pause:?}: {error}"));
            }
            _ => {}
        }
    }
}
