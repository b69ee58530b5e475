//! [`JournalEntry`]: one journaled submission, and the pure rules that update it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::cost::Money;
use crate::error::VideoError;
use crate::request::VideoRequest;
use crate::save::IfExists;
use crate::task::{Locator, Task, TaskId, TaskStatus, Usage, Video};

/// A journal entry's key.
pub type EntryId = i64;

/// Where a journaled submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EntryState {
    /// Written before sending; no answer yet. After a crash: the task may or may not exist.
    Submitting,
    /// Sent, but no answer came back: the task may exist and be billed. Never resubmitted
    /// automatically; resuming settles it by its client reference where the provider can
    /// look tasks up.
    UnknownOutcome,
    /// Looked up by its client reference after an unknown outcome, and provably absent: the
    /// provider never created it. Resubmitted only when asked (`Resume::resubmit_unsent`),
    /// with the same reference.
    NotCreated,
    /// The provider refused it; no task exists.
    Refused,
    /// Accepted: the task id is known and the task is not finished.
    Submitted,
    /// The task finished with videos not yet downloaded.
    Succeeded,
    /// The task ended `failed`.
    Failed,
    /// Every video is saved.
    Downloaded,
    /// Settled by hand as never created (the user checked the provider's console): nothing
    /// is left to do and it is never resubmitted.
    Dismissed,
    /// The task was cancelled at the provider (by `cancel`, or when a wait gave up with
    /// cancel-on-deadline set): nothing is left to do.
    Cancelled,
}

impl EntryState {
    /// The state's name as stored (`submitting`, `unknown-outcome`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitting => "submitting",
            Self::UnknownOutcome => "unknown-outcome",
            Self::NotCreated => "not-created",
            Self::Refused => "refused",
            Self::Submitted => "submitted",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Downloaded => "downloaded",
            Self::Dismissed => "dismissed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether there is still work to do for a known task (wait and/or download).
    pub fn is_resumable(self) -> bool {
        matches!(self, Self::Submitted | Self::Succeeded)
    }

    /// Whether the entry needs a decision: the submission's outcome is not known, or it is
    /// known that no task was created.
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            Self::Submitting | Self::UnknownOutcome | Self::NotCreated
        )
    }

    /// Whether the submission's outcome is not known (a task may exist).
    pub fn is_unsettled(self) -> bool {
        matches!(self, Self::Submitting | Self::UnknownOutcome)
    }
}

impl std::fmt::Display for EntryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A saved video, as recorded in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DownloadRecord {
    /// Which of the task's videos (its position in [`JournalEntry::videos`]). Records are
    /// matched by position, not locator, because signed URLs change when a task is queried
    /// again.
    pub index: usize,
    /// Where it came from (a signed URL is a credential; read as `url` from journals of
    /// earlier versions).
    #[serde(alias = "url")]
    pub locator: Locator,
    /// Where it was saved.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

impl DownloadRecord {
    /// A record of video `index`, fetched from `locator`, saved at `path`.
    pub fn new(
        index: usize,
        locator: Locator,
        path: impl Into<PathBuf>,
        bytes: u64,
        sha256: impl Into<String>,
    ) -> Self {
        Self {
            index,
            locator,
            path: path.into(),
            bytes,
            sha256: sha256.into(),
        }
    }
}

/// One journaled submission and everything learned about it since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The entry's key.
    pub id: EntryId,
    /// The provider's name.
    pub provider: String,
    /// The model the provider value served, when it names one
    /// ([`VideoProvider::model`](crate::VideoProvider::model)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The request as submitted.
    pub request: VideoRequest,
    /// Where it stands.
    pub state: EntryState,
    /// The task id, once known.
    pub task_id: Option<TaskId>,
    /// The last known task status.
    pub status: Option<TaskStatus>,
    /// The provider's last status message, or the submission error.
    pub message: Option<String>,
    /// The submission error's kind ([`VideoError::kind`]), when a submission failed: a
    /// `refused` entry whose kind is `transport` was never sent at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// The finished videos.
    pub videos: Vec<Video>,
    /// Where the caller wants the (first) video saved.
    pub output: Option<PathBuf>,
    /// What to do when a file is already at `output`.
    #[serde(default)]
    pub if_exists: IfExists,
    /// Videos saved so far.
    pub downloads: Vec<DownloadRecord>,
    /// When the entry was written.
    #[serde(with = "crate::task::unix_millis::required")]
    pub created_at: SystemTime,
    /// When it last changed.
    #[serde(with = "crate::task::unix_millis::required")]
    pub updated_at: SystemTime,
    /// What the request was expected to cost when it was journaled (the pipeline's
    /// [`Pricer`](crate::cost::Pricer)); `None` when unpriced or no pricer was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Money>,
    /// The budget the submission was admitted under ([`Budget`](crate::cost::Budget)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// What the budget reserved for it (given back only when no task was created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved: Option<Money>,
    /// What the provider reported charging, when it reports it (Kling's units deducted, the
    /// relay's usage tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charged: Option<Usage>,
}

impl JournalEntry {
    /// A fresh `submitting` entry.
    pub fn new(id: EntryId, provider: &str, request: &VideoRequest, output: Option<&Path>) -> Self {
        let now = SystemTime::now();
        Self {
            id,
            provider: provider.to_owned(),
            model: None,
            request: request.clone(),
            state: EntryState::Submitting,
            task_id: None,
            status: None,
            message: None,
            error_kind: None,
            videos: Vec::new(),
            output: output.map(Path::to_path_buf),
            if_exists: IfExists::default(),
            downloads: Vec::new(),
            created_at: now,
            updated_at: now,
            estimate: None,
            budget: None,
            reserved: None,
            charged: None,
        }
    }

    /// Records the provider's accepting answer.
    pub fn apply_submitted(&mut self, task: &Task) {
        self.task_id = Some(task.id.clone());
        self.apply_task(task);
    }

    /// Records a failed submission: `refused` when the answer proves no task exists (invalid,
    /// unauthorized, quota, rate limit, content policy, configuration, or never sent), else
    /// `unknown-outcome` (no reply, a timeout, a server or gateway error).
    pub fn apply_submit_error(&mut self, error: &VideoError) {
        self.state = if error.is_refused_submission() {
            EntryState::Refused
        } else {
            EntryState::UnknownOutcome
        };
        self.message = Some(error.to_string());
        self.error_kind = Some(error.kind().to_owned());
        self.updated_at = SystemTime::now();
    }

    /// Whether the submission never left this machine (the connection could not be made):
    /// refused, but not by the provider.
    pub fn never_sent(&self) -> bool {
        self.state == EntryState::Refused && self.error_kind.as_deref() == Some("transport")
    }

    /// Records that the provider has no task with this entry's client reference.
    pub fn apply_not_created(&mut self) {
        self.state = EntryState::NotCreated;
        self.message = Some(format!(
            "the provider has no task with client reference {}: it was never created (not \
             billed); resubmit it explicitly to try again",
            self.request.client_reference.as_deref().unwrap_or("(none)")
        ));
        self.updated_at = SystemTime::now();
    }

    /// Records a person's answer for an entry whose outcome was unknown: the provider did
    /// create `task_id` (found in its console). The entry becomes `submitted`, so resuming
    /// waits for the task and saves its videos.
    pub fn apply_resolved_created(&mut self, task_id: TaskId) {
        self.message = Some(format!(
            "resolved by hand at {}: the submission created task {task_id}",
            crate::task::utc_text(SystemTime::now())
        ));
        self.task_id = Some(task_id);
        self.state = EntryState::Submitted;
        self.updated_at = SystemTime::now();
    }

    /// Records a person's answer for an entry whose outcome was unknown: no task was
    /// created. The entry is `dismissed`: nothing left to do, never resubmitted.
    pub fn apply_dismissed(&mut self) {
        self.message = Some(format!(
            "resolved by hand at {}: the submission created no task",
            crate::task::utc_text(SystemTime::now())
        ));
        self.state = EntryState::Dismissed;
        self.updated_at = SystemTime::now();
    }

    /// Records that the entry's task was cancelled at the provider.
    pub fn apply_cancelled(&mut self) {
        self.message = Some(format!(
            "cancelled at {}",
            crate::task::utc_text(SystemTime::now())
        ));
        self.state = EntryState::Cancelled;
        self.updated_at = SystemTime::now();
    }

    /// Records that the entry is being submitted again (after it was found not created).
    pub fn apply_resubmitting(&mut self) {
        self.state = EntryState::Submitting;
        self.message = None;
        self.updated_at = SystemTime::now();
    }

    /// Records a task snapshot.
    pub fn apply_task(&mut self, task: &Task) {
        // Also here, not only in `apply_submitted`: if the write that stored the id failed, a
        // later snapshot still records it.
        self.task_id.get_or_insert_with(|| task.id.clone());
        self.status = Some(task.status.clone());
        self.message = task.status_message.clone();
        if !task.videos.is_empty() {
            self.videos = task.videos.clone();
        }
        if task.usage.is_some() {
            self.charged.clone_from(&task.usage);
        }
        self.state = match task.status {
            TaskStatus::Succeeded if self.all_downloaded() => EntryState::Downloaded,
            TaskStatus::Succeeded => EntryState::Succeeded,
            TaskStatus::Failed => EntryState::Failed,
            _ => EntryState::Submitted,
        };
        self.updated_at = SystemTime::now();
    }

    /// Records a saved video; the entry is `downloaded` once every video is.
    pub fn apply_download(&mut self, record: &DownloadRecord) {
        self.downloads.retain(|saved| saved.index != record.index);
        self.downloads.push(record.clone());
        if self.state == EntryState::Succeeded && self.all_downloaded() {
            self.state = EntryState::Downloaded;
        }
        self.updated_at = SystemTime::now();
    }

    /// The saved copy of video `index`, if any.
    pub fn download_of(&self, index: usize) -> Option<&DownloadRecord> {
        self.downloads.iter().find(|saved| saved.index == index)
    }

    fn all_downloaded(&self) -> bool {
        !self.videos.is_empty()
            && (0..self.videos.len()).all(|index| self.download_of(index).is_some())
    }
}

/// A journal's entries, newest first, and the rows it could not read.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Listing {
    /// The entries that could be read.
    pub entries: Vec<JournalEntry>,
    /// The rows that could not (a corrupt or hand-edited row), for reporting.
    pub unreadable: Vec<UnreadableEntry>,
}

impl Listing {
    /// A listing of readable entries only.
    pub fn new(entries: Vec<JournalEntry>) -> Self {
        Self {
            entries,
            unreadable: Vec::new(),
        }
    }
}

/// A journal row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnreadableEntry {
    /// The row's entry id.
    pub id: EntryId,
    /// Why it could not be read.
    pub error: String,
}

impl UnreadableEntry {
    /// A row `id` that failed with `error`.
    pub fn new(id: EntryId, error: impl Into<String>) -> Self {
        Self {
            id,
            error: error.into(),
        }
    }
}
