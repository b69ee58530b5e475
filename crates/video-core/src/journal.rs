//! A journal of submissions, so a task that was paid for is never lost: [`TaskStore`], the
//! [`JournalEntry`] it keeps, an in-memory [`MemoryStore`], and [`generate_journaled`], which
//! writes the entry *before* the submission is sent and completes it as answers arrive.
//!
//! The trait lives in core so any app (not only the `video` command) gets the same safety
//! with a store of its choice; `video-journal` provides the SQLite one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::VideoError;
use crate::generate::{ChangeReporter, Event, Observer};
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::request::VideoRequest;
use crate::retry::submit_with_retries;
use crate::task::{Task, TaskId, TaskStatus, Video};
use crate::validate::validate;
use crate::wait::{Poller, Start, outcome};

/// A journal entry's key.
pub type EntryId = i64;

/// Where a journaled submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EntryState {
    /// Written before sending; no answer yet. After a crash: the task may or may not exist.
    Submitting,
    /// Sent, but no answer came back: the task may exist and be billed. Never resubmitted.
    UnknownOutcome,
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
}

impl EntryState {
    /// The state's name as stored (`submitting`, `unknown-outcome`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitting => "submitting",
            Self::UnknownOutcome => "unknown-outcome",
            Self::Refused => "refused",
            Self::Submitted => "submitted",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Downloaded => "downloaded",
        }
    }

    /// Whether there is still work to do for a known task (wait and/or download).
    pub fn is_resumable(self) -> bool {
        matches!(self, Self::Submitted | Self::Succeeded)
    }

    /// Whether the entry needs a person: the submission's outcome is not known.
    pub fn needs_attention(self) -> bool {
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
    /// The URL it came from (a signed URL: a credential).
    pub url: String,
    /// Where it was saved.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

impl DownloadRecord {
    /// A record of `url` saved at `path`.
    pub fn new(
        url: impl Into<String>,
        path: impl Into<PathBuf>,
        bytes: u64,
        sha256: impl Into<String>,
    ) -> Self {
        Self {
            url: url.into(),
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
    /// The finished videos.
    pub videos: Vec<Video>,
    /// Where the caller wants the video saved.
    pub output: Option<PathBuf>,
    /// Videos saved so far.
    pub downloads: Vec<DownloadRecord>,
    /// When the entry was written.
    #[serde(with = "crate::task::unix_millis::required")]
    pub created_at: SystemTime,
    /// When it last changed.
    #[serde(with = "crate::task::unix_millis::required")]
    pub updated_at: SystemTime,
}

impl JournalEntry {
    /// A fresh `submitting` entry.
    pub fn new(id: EntryId, provider: &str, request: &VideoRequest, output: Option<&Path>) -> Self {
        let now = SystemTime::now();
        Self {
            id,
            provider: provider.to_owned(),
            request: request.clone(),
            state: EntryState::Submitting,
            task_id: None,
            status: None,
            message: None,
            videos: Vec::new(),
            output: output.map(Path::to_path_buf),
            downloads: Vec::new(),
            created_at: now,
            updated_at: now,
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
        self.state = if submission_may_exist(error) {
            EntryState::UnknownOutcome
        } else {
            EntryState::Refused
        };
        self.message = Some(error.to_string());
        self.updated_at = SystemTime::now();
    }

    /// Records a task snapshot.
    pub fn apply_task(&mut self, task: &Task) {
        self.status = Some(task.status.clone());
        self.message = task.status_message.clone();
        if !task.videos.is_empty() {
            self.videos = task.videos.clone();
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
        self.downloads.retain(|saved| saved.url != record.url);
        self.downloads.push(record.clone());
        if self.state == EntryState::Succeeded && self.all_downloaded() {
            self.state = EntryState::Downloaded;
        }
        self.updated_at = SystemTime::now();
    }

    fn all_downloaded(&self) -> bool {
        !self.videos.is_empty()
            && self
                .videos
                .iter()
                .all(|video| self.downloads.iter().any(|saved| saved.url == video.url))
    }
}

/// Whether a failed submission may have created a task. Conservative: only answers that
/// prove a refusal (or a request that never left) count as "no task".
fn submission_may_exist(error: &VideoError) -> bool {
    !matches!(
        error,
        VideoError::InvalidRequest { .. }
            | VideoError::Unauthorized { .. }
            | VideoError::Forbidden { .. }
            | VideoError::QuotaExceeded { .. }
            | VideoError::RateLimited { .. }
            | VideoError::ContentRejected { .. }
            | VideoError::Configuration { .. }
            | VideoError::Transport {
                reached_server: false,
                ..
            }
    )
}

/// Where journal entries are kept. Implementations must make each write durable before
/// returning: `begin` is called before a paid submission is sent.
#[async_trait]
pub trait TaskStore: Send + Sync + std::fmt::Debug {
    /// Writes a `submitting` entry and returns its id.
    async fn begin(
        &self,
        provider: &str,
        request: &VideoRequest,
        output: Option<&Path>,
    ) -> Result<EntryId, VideoError>;

    /// Reads an entry.
    async fn entry(&self, id: EntryId) -> Result<Option<JournalEntry>, VideoError>;

    /// Replaces an entry (read it, apply a change, save it).
    async fn save(&self, entry: &JournalEntry) -> Result<(), VideoError>;

    /// The newest entry for a task id.
    async fn find_task(&self, task_id: &TaskId) -> Result<Option<JournalEntry>, VideoError>;

    /// Every entry, newest first.
    async fn entries(&self) -> Result<Vec<JournalEntry>, VideoError>;
}

/// Reads entry `id`, applies `change` and saves it.
pub async fn update_entry(
    store: &dyn TaskStore,
    id: EntryId,
    change: impl FnOnce(&mut JournalEntry) + Send,
) -> Result<JournalEntry, VideoError> {
    let mut entry = store.entry(id).await?.ok_or_else(|| VideoError::Journal {
        message: format!("journal entry {id} does not exist"),
        source: None,
    })?;
    change(&mut entry);
    store.save(&entry).await?;
    Ok(entry)
}

/// Like [`crate::generate`], with every step journaled in `store`: the entry is written before
/// the submission is sent, completed with the task id (or marked `unknown-outcome`), and
/// updated at each status change. Returns the entry id with the result, so the caller can
/// record the download. A journal write failing after the task was created does not hide the
/// task: it is logged and the wait goes on.
pub async fn generate_journaled(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
    store: &dyn TaskStore,
    output: Option<&Path>,
    observer: &dyn Observer,
) -> (Option<EntryId>, Result<Task, VideoError>) {
    let (entry, submitted) =
        submit_journaled(provider, request, policy, store, output, observer).await;
    let result = match (entry, submitted) {
        (Some(entry), Ok(task)) => {
            let id = task.id.clone();
            wait_journaled(provider, &id, Some(task), policy, store, entry, observer).await
        }
        (_, Err(error)) => Err(error),
        (None, Ok(task)) => Ok(task),
    };
    (entry, result)
}

/// Validates, journals and submits (retrying only provably unaccepted submissions), then
/// reports [`Event::Submitted`]. The entry id is `None` only when nothing was sent.
pub async fn submit_journaled(
    provider: &dyn VideoProvider,
    request: &VideoRequest,
    policy: &PollPolicy,
    store: &dyn TaskStore,
    output: Option<&Path>,
    observer: &dyn Observer,
) -> (Option<EntryId>, Result<Task, VideoError>) {
    if let Err(error) = validate(request, provider.capabilities()) {
        return (None, Err(error));
    }
    let entry = match store.begin(provider.name(), request, output).await {
        Ok(entry) => entry,
        Err(error) => return (None, Err(error)),
    };
    let notify =
        |error: &VideoError, pause| observer.on_event(&Event::SubmitRetry { error, pause });
    match submit_with_retries(provider, request, &policy.submit_retry, notify).await {
        Ok(task) => {
            record(store, entry, |e| e.apply_submitted(&task)).await;
            observer.on_event(&Event::Submitted(&task));
            (Some(entry), Ok(task))
        }
        Err(error) => {
            record(store, entry, |e| e.apply_submit_error(&error)).await;
            (Some(entry), Err(error))
        }
    }
}

/// Waits for task `id`, recording each status change in entry `entry`. Pass the snapshot
/// `submit` returned as `submitted` for a task just submitted (the first query then waits the
/// policy's first delay); `None` queries at once.
pub async fn wait_journaled(
    provider: &dyn VideoProvider,
    id: &TaskId,
    submitted: Option<Task>,
    policy: &PollPolicy,
    store: &dyn TaskStore,
    entry: EntryId,
    observer: &dyn Observer,
) -> Result<Task, VideoError> {
    let just_submitted = submitted.is_some();
    let start = submitted.map_or(Start::Existing, |task| Start::Submitted(Box::new(task)));
    let mut poller = Poller::new(provider, id.clone(), policy, start);
    let mut reporter = ChangeReporter::new(observer, just_submitted);
    while let Some(item) = poller.next_change().await {
        let task = item?;
        reporter.report(&task);
        record(store, entry, |e| e.apply_task(&task)).await;
        if let Some(result) = outcome(provider, task) {
            return result;
        }
    }
    Err(poller.timeout())
}

/// Applies a change, logging (not returning) a journal failure.
async fn record(
    store: &dyn TaskStore,
    entry: EntryId,
    change: impl FnOnce(&mut JournalEntry) + Send,
) {
    if let Err(error) = update_entry(store, entry, change).await {
        tracing::error!(entry, %error, "journal write failed");
    }
}

/// A [`TaskStore`] in memory, for tests and short-lived apps.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<EntryId, JournalEntry>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<EntryId, JournalEntry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl TaskStore for MemoryStore {
    async fn begin(
        &self,
        provider: &str,
        request: &VideoRequest,
        output: Option<&Path>,
    ) -> Result<EntryId, VideoError> {
        let mut entries = self.lock();
        let id = entries.keys().next_back().map_or(1, |last| last + 1);
        entries.insert(id, JournalEntry::new(id, provider, request, output));
        Ok(id)
    }

    async fn entry(&self, id: EntryId) -> Result<Option<JournalEntry>, VideoError> {
        Ok(self.lock().get(&id).cloned())
    }

    async fn save(&self, entry: &JournalEntry) -> Result<(), VideoError> {
        self.lock().insert(entry.id, entry.clone());
        Ok(())
    }

    async fn find_task(&self, task_id: &TaskId) -> Result<Option<JournalEntry>, VideoError> {
        let entries = self.lock();
        let found = entries
            .values()
            .rev()
            .find(|e| e.task_id.as_ref() == Some(task_id));
        Ok(found.cloned())
    }

    async fn entries(&self) -> Result<Vec<JournalEntry>, VideoError> {
        Ok(self.lock().values().rev().cloned().collect())
    }
}
