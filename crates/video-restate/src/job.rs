//! What a job is asked to do and what it reports: [`JobRequest`] (the ingress body),
//! [`JobStatus`] (the `status` handler's answer, kept in workflow state), [`JobResult`].

use serde::{Deserialize, Serialize};
use video_core::{TaskId, TaskStatus, VideoRequest};

use crate::storage::SavedObject;

/// The body of `POST /VideoJob/<job id>/run`: a [`VideoRequest`] (its fields at the top
/// level, e.g. `{"prompt": "a fox", "duration_secs": 5}`). The job id (the workflow key) is
/// the submission's client reference, so it must be a valid one (letters, digits, `-_.:`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRequest {
    /// The provider to send it to, when the fleet serves several (`"provider": "kling-dmx"`;
    /// default: the worker's first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// What to generate.
    #[serde(flatten)]
    pub request: VideoRequest,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Phase {
    /// Not started (or unknown key).
    #[default]
    Pending,
    /// Waiting for one of the account's slots (its concurrency limit), no provider call.
    WaitingForSlot,
    /// Submitting to the provider.
    Submitting,
    /// The provider accepted it; waiting for the task.
    Waiting,
    /// The task succeeded; saving its videos.
    Downloading,
    /// Every video is saved.
    Succeeded,
    /// The submission was refused, the task failed, or waiting gave up.
    Failed,
    /// Cancelled: no more queries.
    Cancelled,
}

/// What the `status` handler answers, from workflow state (no provider call).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobStatus {
    /// Where the job stands.
    pub phase: Phase,
    /// The provider's task, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<TaskId>,
    /// The task's last known status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    /// The provider's message, or why the job failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Queries made so far.
    pub queries: u32,
    /// What the budget reserved for it (`0.50 USD`), when the fleet has a budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<String>,
    /// Videos saved so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saved: Vec<SavedObject>,
    /// Milliseconds between the submission's reply arriving and Restate recording it: the
    /// window in which a crash makes a provider without lookup see the submission twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_window_ms: Option<f64>,
}

/// What a finished job returns (the workflow's output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobResult {
    /// The provider's task.
    pub task_id: TaskId,
    /// Its final status.
    pub status: TaskStatus,
    /// The saved videos, in the task's order.
    pub videos: Vec<SavedObject>,
    /// See [`JobStatus::submit_window_ms`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_window_ms: Option<f64>,
}
