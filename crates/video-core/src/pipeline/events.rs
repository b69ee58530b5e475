//! What the pipeline reports while it works: [`Event`], heard by an [`Observer`].

use std::time::Duration;

use crate::error::VideoError;
use crate::journal::EntryId;
use crate::save::{DownloadProgress, SavedVideo};
use crate::task::Task;

/// Something that happened while generating, reported to an observer.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The journal entry for this job was written (before anything is sent).
    Journaled(EntryId),
    /// A submission was refused without creating a task; it is sent again after `pause`.
    SubmitRetry {
        /// Why it was refused.
        error: &'a VideoError,
        /// How long until the next attempt.
        pause: Duration,
    },
    /// The provider accepted the request: the task id is known. Reported before any waiting,
    /// so an app can store the id first.
    Submitted(&'a Task),
    /// The task's status changed.
    StatusChanged(&'a Task),
    /// The task's [`progress`](Task::progress) rose (reported only when the status stayed
    /// the same; never lower than the last one reported).
    Progress(&'a Task),
    /// A query failed in a way worth retrying; the next one comes after `pause`.
    QueryRetry {
        /// What went wrong.
        error: &'a VideoError,
        /// How long until the next query.
        pause: Duration,
    },
    /// The task finished (succeeded or failed).
    Finished(&'a Task),
    /// The wait gave up at its deadline and the task was cancelled at the provider
    /// ([`crate::PollPolicy::cancel_on_deadline`]), or the cancel failed (`error`).
    CancelledAtDeadline {
        /// The task.
        task_id: &'a crate::TaskId,
        /// Why the cancel failed, when it did (the task then goes on).
        error: Option<&'a VideoError>,
    },
    /// Bytes of video `video` (its position in the task's videos) were written.
    Downloading {
        /// Which video.
        video: usize,
        /// How far it is.
        progress: DownloadProgress,
    },
    /// Downloading video `video` failed in a way worth retrying; it starts again after
    /// `pause`.
    DownloadRetry {
        /// Which video.
        video: usize,
        /// What went wrong.
        error: &'a VideoError,
        /// How long until the next attempt.
        pause: Duration,
    },
    /// Video `video`'s link expired (`error`, or its `expires_at` passed when `error` is
    /// `None`): the task is queried once more for a fresh one.
    RefreshingLink {
        /// Which video.
        video: usize,
        /// The download's error, when the link was tried.
        error: Option<&'a VideoError>,
    },
    /// Video `video` is saved.
    Saved {
        /// Which video.
        video: usize,
        /// Where, how large, its SHA-256.
        saved: &'a SavedVideo,
    },
    /// A journal write failed; the task goes on, but the journal may be missing what the
    /// task id or status says. Tell the user.
    JournalWriteFailed {
        /// The journal entry.
        entry: EntryId,
        /// What went wrong.
        error: &'a VideoError,
    },
}

impl Event<'_> {
    /// The task this event is about, when it carries one.
    pub fn task(&self) -> Option<&Task> {
        match self {
            Self::Submitted(task)
            | Self::StatusChanged(task)
            | Self::Progress(task)
            | Self::Finished(task) => Some(task),
            _ => None,
        }
    }
}

/// Hears [`Event`]s. Any `Fn(&Event)` closure is an observer, and `()` ignores everything;
/// the pipeline's `on_event` takes a closure directly, so it needs no type annotation.
pub trait Observer: Send + Sync {
    /// Called for each event, in order.
    fn on_event(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>) + Send + Sync> Observer for F {
    fn on_event(&self, event: &Event<'_>) {
        self(event);
    }
}

impl Observer for () {
    fn on_event(&self, _event: &Event<'_>) {}
}

impl std::fmt::Debug for dyn Observer + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}
