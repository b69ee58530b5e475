//! What a command prints: one JSON object with `--json`, human lines otherwise.

use serde::Serialize;
use video_core::{DownloadRecord, JournalEntry, Task, VideoError};

use crate::exit::exit_code;

/// A task as reported by every command.
#[derive(Debug, Default, Serialize)]
pub(crate) struct TaskReport {
    pub(crate) task_id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) videos: Vec<VideoReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<u64>,
    /// The whole request, for entries whose outcome needs a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) request: Option<video_core::VideoRequest>,
    pub(crate) error: Option<ErrorReport>,
}

/// A video: where it is online and, once saved, on disk.
#[derive(Debug, Default, Serialize)]
pub(crate) struct VideoReport {
    pub(crate) url: String,
    pub(crate) path: Option<String>,
    pub(crate) bytes: Option<u64>,
    pub(crate) sha256: Option<String>,
}

/// An error: its kind (stable, snake_case), message and exit code.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorReport {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) exit_code: u8,
}

impl ErrorReport {
    pub(crate) fn from_error(error: &VideoError) -> Self {
        Self {
            kind: error.kind(),
            message: error.to_string(),
            exit_code: exit_code(error),
        }
    }
}

impl TaskReport {
    /// A report of a task snapshot.
    pub(crate) fn from_task(task: &Task) -> Self {
        Self {
            task_id: Some(task.id.to_string()),
            status: Some(task.status.to_string()),
            message: task.status_message.clone(),
            videos: task
                .videos
                .iter()
                .map(|v| VideoReport {
                    url: v.url.clone(),
                    ..VideoReport::default()
                })
                .collect(),
            ..Self::default()
        }
    }

    /// A report of a journal entry.
    pub(crate) fn from_entry(entry: &JournalEntry) -> Self {
        let videos = entry
            .videos
            .iter()
            .enumerate()
            .map(|(index, video)| VideoReport {
                url: video.url.clone(),
                ..entry
                    .download_of(index)
                    .map(saved_report)
                    .unwrap_or_default()
            })
            .collect();
        Self {
            task_id: entry.task_id.as_ref().map(ToString::to_string),
            status: entry.status.as_ref().map(ToString::to_string),
            message: entry.message.clone(),
            videos,
            state: Some(entry.state.to_string()),
            prompt: Some(entry.request.prompt.clone()),
            provider: Some(entry.provider.clone()),
            created_at: Some(video_core::unix_millis::to_millis(entry.created_at)),
            request: None,
            error: None,
        }
    }

    /// Adds a saved video.
    pub(crate) fn add_download(&mut self, record: &DownloadRecord) {
        match self.videos.get_mut(record.index) {
            Some(video) => *video = saved_report(record),
            None => self.videos.push(saved_report(record)),
        }
    }

    /// Records the error that ended the command.
    pub(crate) fn with_error(mut self, error: &VideoError) -> Self {
        self.error = Some(ErrorReport::from_error(error));
        self
    }

    /// The exit code this report stands for.
    pub(crate) fn exit_code(&self) -> u8 {
        self.error.as_ref().map_or(0, |e| e.exit_code)
    }
}

fn saved_report(record: &DownloadRecord) -> VideoReport {
    VideoReport {
        url: record.url.clone(),
        path: Some(record.path.display().to_string()),
        bytes: Some(record.bytes),
        sha256: Some(record.sha256.clone()),
    }
}

/// Prints one report: JSON on stdout, or human lines (the error on stderr).
pub(crate) fn print_task(report: &TaskReport, json: bool) {
    if json {
        print_json(report);
        print_error(report);
        return;
    }
    if let Some(id) = &report.task_id {
        let status = report.status.as_deref().unwrap_or("unknown");
        let state = report
            .state
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        println!("task {id}: {status}{state}");
    }
    if let Some(message) = report.message.as_deref().filter(|m| !m.is_empty()) {
        println!("  message: {message}");
    }
    for video in &report.videos {
        match (&video.path, video.bytes) {
            (Some(path), Some(bytes)) => println!("  saved: {path} ({bytes} bytes)"),
            _ => println!("  video: {}", video_core::redact_url(&video.url)),
        }
    }
    print_error(report);
}

/// Prints many reports: `{"tasks": [...]}` or one line each.
pub(crate) fn print_tasks(reports: &[TaskReport], json: bool, when_empty: &str) {
    if json {
        print_json(&serde_json::json!({ "tasks": reports }));
        reports.iter().for_each(print_error);
        return;
    }
    if reports.is_empty() {
        println!("{when_empty}");
    }
    for report in reports {
        let id = report.task_id.as_deref().unwrap_or("-");
        let state = report.state.as_deref().unwrap_or("-");
        let prompt: String = report
            .prompt
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(48)
            .collect();
        println!("{state:<16} {id:<24} {prompt}");
        print_error(report);
    }
}

fn print_error(report: &TaskReport) {
    if let Some(error) = &report.error {
        match &report.task_id {
            Some(id) => eprintln!("error: {} (task id {id})", error.message),
            None => eprintln!("error: {}", error.message),
        }
    }
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot encode the report: {error}"),
    }
}
