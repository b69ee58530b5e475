//! What a command prints: one JSON object with `--json`, human lines otherwise.

use serde::Serialize;
use video_core::journal::{DownloadRecord, JournalEntry, UnreadableEntry};
use video_core::provider::unix_millis;
use video_core::{Task, VideoError};

use crate::exit::exit_code;
use crate::output::{err, out};
use crate::text::clean;

/// A task as reported by every command.
#[derive(Debug, Default, Serialize)]
pub(crate) struct TaskReport {
    /// The journal entry's number (what `video resolve` takes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) entry: Option<i64>,
    pub(crate) task_id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) videos: Vec<VideoReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<String>,
    /// The submission never left this machine (a `refused` entry nobody refused).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) never_sent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) created_at: Option<u64>,
    /// The provider's model id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) model: Option<String>,
    /// The estimate made before sending (`0.50 USD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) estimate: Option<String>,
    /// What the budget reserved, and its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) budget: Option<String>,
    /// What the provider reported charging (`3 units`, `2125 tokens`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) charged: Option<String>,
    /// The whole request, for entries whose outcome needs a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) request: Option<video_core::VideoRequest>,
    pub(crate) error: Option<ErrorReport>,
}

/// A video: where it is online (the URL's scheme and host only: signed links are
/// credentials, kept in the journal) and, once saved, on disk.
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
                    url: v.url_for_logs(),
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
                url: video.url_for_logs(),
                ..entry
                    .download_of(index)
                    .map(saved_report)
                    .unwrap_or_default()
            })
            .collect();
        Self {
            entry: Some(entry.id),
            task_id: entry.task_id.as_ref().map(ToString::to_string),
            status: entry.status.as_ref().map(ToString::to_string),
            message: entry.message.clone(),
            videos,
            state: Some(entry.state.to_string()),
            never_sent: entry.never_sent(),
            prompt: Some(entry.request.prompt.clone()),
            provider: Some(entry.provider.clone()),
            created_at: Some(unix_millis::to_millis(entry.created_at)),
            model: entry.model.clone(),
            estimate: entry.estimate.as_ref().map(ToString::to_string),
            budget: entry.budget.clone(),
            charged: entry.charged.as_ref().and_then(charge_text),
            request: None,
            error: None,
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

/// A task's cost as listed: `~0.50 USD` for an estimate, else the charge the provider
/// reported.
pub(crate) fn cost_text(estimate: Option<&str>, charged: Option<&str>) -> Option<String> {
    estimate
        .map(|cost| format!("~{cost}"))
        .or_else(|| charged.map(str::to_owned))
}

/// A reported charge in words: `3 units`, `2125 tokens`, or both.
pub(crate) fn charge_text(usage: &video_core::Usage) -> Option<String> {
    let parts: Vec<String> = [
        usage
            .charged
            .as_ref()
            .map(|units| format!("{} units", clean(units))),
        usage.tokens.map(|tokens| format!("{tokens} tokens")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn saved_report(record: &DownloadRecord) -> VideoReport {
    VideoReport {
        url: record.locator.for_logs(),
        path: Some(record.path.display().to_string()),
        bytes: Some(record.bytes),
        sha256: Some(record.sha256.clone()),
    }
}

/// Prints one report: JSON on stdout, or human lines (the error on stderr). Text that came
/// from the network is cleaned of control characters.
pub(crate) fn print_task(report: &TaskReport, json: bool) {
    if json {
        print_json(report);
        print_error(report);
        print_hint(report);
        return;
    }
    let status = report.status.as_deref().unwrap_or("unknown");
    match &report.task_id {
        // The id was printed the moment the task was accepted: do not repeat it.
        Some(id) if crate::progress::id_shown(id) => out!("{}", clean(status)),
        Some(id) => out!("task {}: {}", clean(id), clean(status)),
        None => {}
    }
    if let Some(line) = report
        .state
        .as_deref()
        .and_then(|state| explain_state(state, report))
    {
        out!("  journal: {line}");
    }
    let error_text = report
        .error
        .as_ref()
        .map(|e| e.message.as_str())
        .unwrap_or_default();
    if let Some(message) = report
        .message
        .as_deref()
        .filter(|m| !m.trim().is_empty() && !error_text.contains(m.trim()))
    {
        out!("  provider says: {}", clean(message));
    }
    for video in &report.videos {
        match (&video.path, video.bytes) {
            (Some(path), Some(bytes)) => out!("  saved: {} ({bytes} bytes)", clean(path)),
            _ => out!("  video: {}", clean(&video.url)),
        }
    }
    print_error(report);
    print_hint(report);
}

/// What a journal state adds to the provider's status, when it adds anything.
fn explain_state(state: &str, report: &TaskReport) -> Option<String> {
    let id = report.task_id.as_deref().map(clean).unwrap_or_default();
    match state {
        "succeeded" => Some(format!(
            "finished, video not downloaded yet: `video download {id}` (or `video resume`)"
        )),
        "submitting" => Some("the process stopped while sending; the outcome is unknown".into()),
        "unknown-outcome" => Some("the submission's outcome is unknown (no reply)".into()),
        "refused" if report.never_sent => {
            Some("not sent: the connection could not be made; no task was created".into())
        }
        "refused" => Some("refused by the provider; no task was created".into()),
        _ => None,
    }
}

/// After a timeout or an interruption, the command that finishes the task.
fn print_hint(report: &TaskReport) {
    let Some(error) = &report.error else {
        return;
    };
    let resume = crate::interrupt::resume_command();
    match error.kind {
        "wait_timeout" => err!("hint: the task goes on at the provider; `{resume}` finishes it"),
        "unknown_outcome" => {
            let entry = report
                .entry
                .map_or_else(|| "ENTRY".to_owned(), |id| id.to_string());
            err!(
                "hint: `{resume}` settles it where the provider can look tasks up; otherwise \
                 check the provider's console and run `video resolve {entry} --created \
                 TASK_ID` or `video resolve {entry} --not-created`"
            );
        }
        _ => {}
    }
}

/// Prints the result of line `line` of a batch: one JSON object per line with `--json`
/// (the report and `"line"`), else one human line (the error on stderr).
pub(crate) fn print_batch_line(line: usize, report: &TaskReport, json: bool) {
    if json {
        match serde_json::to_value(report) {
            Ok(mut value) => {
                value["line"] = serde_json::json!(line);
                out!("{value}");
            }
            Err(error) => err!("error: cannot encode the report: {error}"),
        }
        return;
    }
    let id = report
        .task_id
        .as_deref()
        .map_or_else(|| "-".to_owned(), |id| clean(id).into_owned());
    let outcome = match (&report.error, report.videos.first()) {
        (Some(error), _) => format!("error: {}", clean(&error.message)),
        (None, Some(video)) => match &video.path {
            Some(path) => format!("saved {}", clean(path)),
            None => report.status.clone().unwrap_or_default(),
        },
        (None, None) => report.status.clone().unwrap_or_default(),
    };
    out!("#{line} task {id} {outcome}");
}

/// Prints many reports and the journal rows that could not be read: `{"tasks": [...],
/// "unreadable": [...]}` or one line each (an entry whose submission's outcome is unknown
/// also shows its request and what to do).
pub(crate) fn print_tasks(
    reports: &[TaskReport],
    unreadable: &[UnreadableEntry],
    json: bool,
    when_empty: &str,
) {
    if json {
        let rows: Vec<_> = unreadable
            .iter()
            .map(|row| serde_json::json!({ "entry": row.id, "error": row.error }))
            .collect();
        print_json(&serde_json::json!({ "tasks": reports, "unreadable": rows }));
        reports.iter().for_each(print_error);
        print_unreadable(unreadable_lines(unreadable));
        return;
    }
    if reports.is_empty() && unreadable.is_empty() {
        out!("{when_empty}");
    } else if !reports.is_empty() {
        out!(
            "{:<6} {:<16} {:<24} {:<12} PROMPT",
            "ENTRY",
            "STATE (journal)",
            "TASK",
            "COST"
        );
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
        let entry = report.entry.map(|n| n.to_string()).unwrap_or_default();
        let cost = cost_text(report.estimate.as_deref(), report.charged.as_deref())
            .unwrap_or_else(|| "-".to_owned());
        out!(
            "{entry:<6} {state:<16} {:<24} {cost:<12} {}",
            clean(id),
            clean(&prompt)
        );
        if let Some(request) = &report.request {
            print_request(report, request);
        }
        print_error(report);
    }
    print_unreadable(unreadable_lines(unreadable));
}

/// The lines reporting unreadable rows.
fn unreadable_lines(rows: &[UnreadableEntry]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            format!(
                "error: journal entry {} cannot be read ({}); the other entries are listed",
                row.id,
                clean(&row.error)
            )
        })
        .collect()
}

fn print_unreadable(lines: Vec<String>) {
    for line in lines {
        err!("{line}");
    }
}

/// The request of an entry whose outcome is unknown: when and where it went, its options.
fn print_request(report: &TaskReport, request: &video_core::VideoRequest) {
    let sent = report
        .created_at
        .map(|millis| httpdate::fmt_http_date(unix_millis::from_millis(millis)))
        .unwrap_or_else(|| "at an unknown time".to_owned());
    let provider = report.provider.as_deref().unwrap_or("the provider");
    out!("  sent {sent} to {}", clean(provider));
    out!("  prompt: {}", clean(&request.prompt));
    let options = request_options(request);
    if !options.is_empty() {
        out!("  options: {options}");
    }
}

/// `duration 5 s, quality high, ...` for the options a request set.
fn request_options(request: &video_core::VideoRequest) -> String {
    let mut options = Vec::new();
    if let Some(seconds) = request.duration_secs {
        options.push(format!("duration {seconds} s"));
    }
    if let Some(quality) = request.quality {
        options.push(format!("quality {quality}"));
    }
    if let Some(ratio) = request.aspect_ratio {
        options.push(format!("aspect ratio {ratio}"));
    }
    if let Some(sound) = request.sound {
        options.push(format!("sound {sound}"));
    }
    if let Some(text) = request.negative_prompt.as_deref().filter(|t| !t.is_empty()) {
        options.push(format!("negative prompt {:?}", clean(text)));
    }
    options.join(", ")
}

fn print_error(report: &TaskReport) {
    if let Some(error) = &report.error {
        let message = clean(&error.message);
        match &report.task_id {
            Some(id) if !message.contains(id.as_str()) => {
                err!("error: {message} (task id {})", clean(id));
            }
            _ => err!("error: {message}"),
        }
    }
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string(value) {
        Ok(text) => out!("{text}"),
        Err(error) => err!("error: cannot encode the report: {error}"),
    }
}
