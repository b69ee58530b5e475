//! Progress on stderr: with `indicatif` (a spinner with the provider's percent while
//! waiting, a byte bar while downloading) when stderr is a terminal; otherwise plain lines at
//! each step that takes time (each status change and percent reported, each retry with its
//! reason and pause, each refreshed link, each file saved);
//! nothing with `--quiet`.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use video_core::journal::EntryId;
use video_core::{Event, Observer, TaskId};

use crate::output::{err, out};
use crate::setup::bars_enabled;
use crate::text::clean;

/// The task id of the last task this process submitted or resumed, for the message shown
/// when the process is interrupted.
static CURRENT_TASK: Mutex<Option<String>> = Mutex::new(None);

/// The task id this process printed on stdout ("task id: ..."), so the final report does
/// not print it again.
static ID_SHOWN: Mutex<Option<String>> = Mutex::new(None);

/// Whether `id` was already printed.
pub(crate) fn id_shown(id: &str) -> bool {
    ID_SHOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_deref()
        == Some(id)
}

/// Whether progress lines are silenced (`--quiet`).
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Silences progress lines (`--quiet`).
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Bars and a spinner (stderr is a terminal).
    Bars,
    /// One plain line per step (stderr is not a terminal).
    Lines,
    /// Nothing (`--quiet`).
    Silent,
}

/// Whether progress is shown as plain lines (stderr is not a terminal, not `--quiet`).
pub(crate) fn line_mode() -> bool {
    mode() == Mode::Lines
}

fn mode() -> Mode {
    if QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        Mode::Silent
    } else if bars_enabled() {
        Mode::Bars
    } else {
        Mode::Lines
    }
}

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

/// A spinner showing the task's status and the elapsed time.
pub(crate) fn spinner(message: &str) -> ProgressBar {
    if mode() != Mode::Bars {
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
fn bytes_bar(total: Option<u64>) -> ProgressBar {
    if mode() != Mode::Bars {
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

/// Turns pipeline events into output: the task id the moment it is known (stdout, or
/// stderr with `--json`), status changes on the spinner, downloads on a byte bar. Remembers
/// the journal entry the job wrote, for the final report.
#[derive(Debug)]
pub(crate) struct Reporter {
    spinner: ProgressBar,
    json: bool,
    entry: Mutex<Option<EntryId>>,
    download: Mutex<Option<(usize, ProgressBar)>>,
}

impl Reporter {
    /// A reporter drawing on `spinner`; with `json`, the task id goes to stderr.
    pub(crate) fn new(spinner: ProgressBar, json: bool) -> Self {
        Self {
            spinner,
            json,
            entry: Mutex::new(None),
            download: Mutex::new(None),
        }
    }

    /// The journal entry the job wrote, if any.
    pub(crate) fn entry(&self) -> Option<EntryId> {
        *self.entry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Clears the spinner and any byte bar.
    pub(crate) fn finish(&self) {
        self.spinner.finish_and_clear();
        if let Some((_, bar)) = self
            .download
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            bar.finish_and_clear();
        }
    }

    fn progress(&self, video: usize, received: u64, total: Option<u64>) {
        let mut slot = self.download.lock().unwrap_or_else(PoisonError::into_inner);
        let fresh = slot.as_ref().is_none_or(|(index, _)| *index != video);
        if fresh {
            if let Some((_, old)) = slot.take() {
                old.finish_and_clear();
            }
            *slot = Some((video, bytes_bar(total)));
        }
        if let Some((_, bar)) = slot.as_ref() {
            bar.set_position(received);
        }
    }

    fn note(&self, line: &str) {
        self.spinner.suspend(|| err!("{line}"));
    }

    /// A progress line, when progress is shown as lines.
    fn line(&self, line: impl FnOnce() -> String) {
        if mode() == Mode::Lines {
            err!("{}", line());
        }
    }
}

impl Observer for Reporter {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::Journaled(entry) => {
                *self.entry.lock().unwrap_or_else(PoisonError::into_inner) = Some(*entry);
            }
            Event::Submitted(task) => {
                set_current_task(&task.id);
                let id = clean(task.id.as_str());
                if self.json {
                    self.spinner.suspend(|| err!("task id: {id}"));
                } else {
                    self.spinner.suspend(|| out!("task id: {id}"));
                    *ID_SHOWN.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some(task.id.to_string());
                }
                self.spinner.set_message(format!("{id} {}", task.status));
            }
            Event::StatusChanged(task) => {
                let id = clean(task.id.as_str());
                self.spinner.set_message(format!("{id} {}", task.status));
                self.line(|| format!("status: {}", task.status));
            }
            Event::Progress(task) => {
                let id = clean(task.id.as_str());
                let percent = task.progress.unwrap_or(0);
                self.spinner
                    .set_message(format!("{id} {} {percent}%", task.status));
                self.line(|| format!("progress: {percent}%"));
            }
            Event::RefreshingLink { video, .. } => {
                self.line(|| format!("video {video}: the link expired; querying the task again"));
            }
            Event::CancelledAtDeadline { task_id, error } => {
                let id = clean(task_id.as_str());
                match error {
                    None => self.note(&format!(
                        "{id}: cancelled at the provider (--cancel-on-timeout)"
                    )),
                    Some(error) => {
                        let error = error.to_string();
                        self.note(&format!(
                            "{id}: the cancel failed, the task goes on: {}",
                            clean(&error)
                        ));
                    }
                }
            }
            Event::Finished(task) => {
                let id = clean(task.id.as_str());
                self.spinner.set_message(format!("{id} {}", task.status));
            }
            Event::Downloading { video, progress } => {
                self.progress(*video, progress.received, progress.total);
            }
            Event::Saved { saved, .. } => {
                self.line(|| {
                    format!(
                        "saved: {} ({} bytes)",
                        clean(&saved.path.display().to_string()),
                        saved.bytes
                    )
                });
            }
            Event::JournalWriteFailed { error, .. } => {
                let error = error.to_string();
                self.note(&format!(
                    "warning: the journal could not record this step: {}",
                    clean(&error)
                ));
            }
            Event::SubmitRetry { error, pause }
            | Event::QueryRetry { error, pause }
            | Event::DownloadRetry { error, pause, .. } => {
                let what = match event {
                    Event::SubmitRetry { .. } => "submission",
                    Event::QueryRetry { .. } => "query",
                    _ => "download",
                };
                let error = error.to_string();
                let text = format!("{what} failed, retrying in {pause:.1?}: {}", clean(&error));
                self.spinner.set_message(text.clone());
                self.line(|| text);
            }
            _ => {}
        }
    }
}
