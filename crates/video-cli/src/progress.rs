//! Progress on stderr with `indicatif`: a spinner while waiting, a byte bar while
//! downloading; nothing at all when stderr is not a terminal.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use video_core::{Event, Observer, TaskId};

use crate::backend::bars_enabled;
use crate::text::clean;

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

/// The task id of the last task this process submitted or resumed, for the message shown
/// when the process is interrupted.
static CURRENT_TASK: Mutex<Option<String>> = Mutex::new(None);

/// Remembers `id` as the task this process is working on.
pub(crate) fn set_current_task(id: &TaskId) {
    *CURRENT_TASK.lock().unwrap_or_else(PoisonError::into_inner) = Some(id.to_string());
}

/// The task this process is working on, if any.
pub(crate) fn current_task() -> Option<String> {
    CURRENT_TASK
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Turns generation events into output: the task id the moment it is known (stdout, or
/// stderr with `--json`), and status changes on the spinner.
#[derive(Debug)]
pub(crate) struct Reporter {
    spinner: ProgressBar,
    json: bool,
}

impl Reporter {
    /// A reporter drawing on `spinner`; with `json`, the task id goes to stderr.
    pub(crate) fn new(spinner: ProgressBar, json: bool) -> Self {
        Self { spinner, json }
    }

    /// Clears the spinner.
    pub(crate) fn finish(&self) {
        self.spinner.finish_and_clear();
    }
}

impl Observer for Reporter {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::Submitted(task) => {
                set_current_task(&task.id);
                let id = clean(task.id.as_str());
                if self.json {
                    self.spinner.suspend(|| eprintln!("task id: {id}"));
                } else {
                    self.spinner.suspend(|| println!("task id: {id}"));
                }
                self.spinner.set_message(format!("{id} {}", task.status));
            }
            Event::StatusChanged(task) | Event::Finished(task) => {
                let id = clean(task.id.as_str());
                self.spinner.set_message(format!("{id} {}", task.status));
            }
            Event::JournalWriteFailed { error, .. } => {
                let error = error.to_string();
                self.spinner.suspend(|| {
                    eprintln!(
                        "warning: the journal could not record this step: {}",
                        clean(&error)
                    )
                });
            }
            Event::SubmitRetry { error, pause } => {
                let error = error.to_string();
                self.spinner
                    .set_message(format!("retrying in {pause:?}: {}", clean(&error)));
            }
            _ => {}
        }
    }
}
