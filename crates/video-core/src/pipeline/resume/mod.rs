//! Finishing what interrupted processes left in a journal: [`resume`].

mod settle;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::{Event, Generated, Pipeline};
use crate::error::VideoError;
use crate::journal::{EntryId, JournalEntry, TaskStore, UnreadableEntry};
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::save::IfExists;

/// A provider's name and the model it serves.
type ProviderKey = (String, Option<String>);

/// The providers a journal's entries may name, each with the policy to wait for its tasks.
#[derive(Debug, Clone, Default)]
pub struct Providers {
    /// Keyed by name and model (a provider value is one model on one route).
    by_name: BTreeMap<ProviderKey, (Arc<dyn VideoProvider>, PollPolicy)>,
}

impl Providers {
    /// No providers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `provider` (under its [`VideoProvider::name`] and
    /// [`VideoProvider::model`]) with the policy for its tasks.
    #[must_use]
    pub fn with(mut self, provider: Arc<dyn VideoProvider>, policy: PollPolicy) -> Self {
        self.insert(provider, policy);
        self
    }

    /// Adds `provider` with the policy for its tasks.
    pub fn insert(&mut self, provider: Arc<dyn VideoProvider>, policy: PollPolicy) {
        let key = (
            provider.name().to_owned(),
            provider.model().map(str::to_owned),
        );
        self.by_name.insert(key, (provider, policy));
    }

    /// The provider called `name` serving `model`, with its policy; without an exact match,
    /// one called `name` serving any model (queries and downloads do not depend on it).
    pub fn get(
        &self,
        name: &str,
        model: Option<&str>,
    ) -> Option<(&Arc<dyn VideoProvider>, &PollPolicy)> {
        let exact = (name.to_owned(), model.map(str::to_owned));
        self.by_name
            .get(&exact)
            .or_else(|| {
                self.by_name
                    .iter()
                    .find(|((known, _), _)| known == name)
                    .map(|(_, value)| value)
            })
            .map(|(provider, policy)| (provider, policy))
    }
}

/// What resuming did with one journal entry.
#[derive(Debug)]
#[non_exhaustive]
pub enum Resumed {
    /// Waited for and saved.
    Finished {
        /// The entry as it is now.
        entry: Box<JournalEntry>,
        /// The task and its saved videos.
        generated: Box<Generated>,
    },
    /// Could not be finished this time (the error names the task).
    Failed {
        /// The entry as it is now.
        entry: Box<JournalEntry>,
        /// Why.
        error: VideoError,
    },
    /// The submission's outcome is unknown: a task may exist (and be billed) or not. Never
    /// resubmitted. Where the provider finds tasks by client reference, this means the
    /// lookup found nothing yet and the grace period ([`Resume::lookup_grace`]) has not
    /// passed; elsewhere a person looks for it in the provider's task list.
    Unresolved(Box<JournalEntry>),
    /// Looked up by its client reference and provably absent: the task was never created
    /// (nor billed). Submitted again only with [`Resume::resubmit_unsent`].
    NotCreated(Box<JournalEntry>),
    /// Another running process is finishing it.
    Busy(Box<JournalEntry>),
}

impl Resumed {
    /// What a pipeline run on `entry` (as it is now) came to.
    fn of(entry: JournalEntry, result: Result<Generated, VideoError>) -> Self {
        match result {
            Ok(generated) => Self::Finished {
                entry: Box::new(entry),
                generated: Box::new(generated),
            },
            Err(error) => Self::Failed {
                entry: Box::new(entry),
                error,
            },
        }
    }

    /// The entry concerned.
    pub fn entry(&self) -> &JournalEntry {
        match self {
            Self::Finished { entry, .. } | Self::Failed { entry, .. } => entry,
            Self::Unresolved(entry) | Self::NotCreated(entry) | Self::Busy(entry) => entry,
        }
    }
}

/// Everything a resume did, and the journal rows it could not read.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ResumeReport {
    /// One item per entry that needed work or attention, newest first.
    pub resumed: Vec<Resumed>,
    /// Rows that could not be read (reported, skipped).
    pub unreadable: Vec<UnreadableEntry>,
}

type EntryObserver<'a> = Box<dyn Fn(EntryId, &Event<'_>) + Send + Sync + 'a>;

/// How long after an unknown submission outcome a task that its client reference does not
/// find counts as never created: 5 minutes (a request that timed out at the client may
/// still be processed by the server for a while).
pub const DEFAULT_LOOKUP_GRACE: Duration = Duration::from_secs(5 * 60);

/// A resume, configured: [`Resume::new`], options, then [`Resume::run`]; [`resume`] runs
/// one with the defaults.
#[must_use]
pub struct Resume<'a> {
    store: &'a dyn TaskStore,
    providers: &'a Providers,
    replace: bool,
    lookup_grace: Duration,
    resubmit_unsent: bool,
    observer: Option<EntryObserver<'a>>,
}

impl<'a> Resume<'a> {
    /// Resumes the entries of `store` with `providers`.
    pub fn new(store: &'a dyn TaskStore, providers: &'a Providers) -> Self {
        Self {
            store,
            providers,
            replace: false,
            lookup_grace: DEFAULT_LOOKUP_GRACE,
            resubmit_unsent: false,
            observer: None,
        }
    }

    /// How long after an unknown outcome a task not found by its client reference counts
    /// as never created (default [`DEFAULT_LOOKUP_GRACE`]).
    pub fn lookup_grace(mut self, grace: Duration) -> Self {
        self.lookup_grace = grace;
        self
    }

    /// Submits again, with the same client reference, the entries found never created
    /// (default false: they are reported as [`Resumed::NotCreated`]). A provider that
    /// refuses a duplicate reference cannot be made to render (and bill) it twice.
    pub fn resubmit_unsent(mut self, resubmit: bool) -> Self {
        self.resubmit_unsent = resubmit;
        self
    }

    /// Replaces files already at the recorded destinations (by default a different file
    /// there is an error for an explicit path, and kept beside for a default name).
    pub fn replace_existing(mut self, replace: bool) -> Self {
        self.replace = replace;
        self
    }

    /// Calls `observer` with each event and the journal entry it belongs to.
    pub fn on_event(mut self, observer: impl Fn(EntryId, &Event<'_>) + Send + Sync + 'a) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// Finishes every resumable entry this process can claim (one at a time); settles those
    /// whose submission's outcome is unknown through their client reference where the
    /// provider can look tasks up (found: adopted and finished; absent after the grace
    /// period: not created, and resubmitted only when asked), and reports the others; skips
    /// those another process is working on.
    ///
    /// # Errors
    /// [`VideoError::Journal`] when the journal cannot be listed; everything about single
    /// entries is in the report.
    pub async fn run(self) -> Result<ResumeReport, VideoError> {
        let listing = self.store.entries().await?;
        let mut report = ResumeReport {
            resumed: Vec::new(),
            unreadable: listing.unreadable,
        };
        for entry in listing.entries {
            let item = if entry.state.needs_attention() {
                self.settle(entry).await?
            } else if entry.state.is_resumable() {
                self.one(entry).await?
            } else {
                None
            };
            report.resumed.extend(item);
        }
        Ok(report)
    }

    /// Claims, re-reads (another process may have finished it meanwhile) and finishes one
    /// entry.
    async fn one(&self, entry: JournalEntry) -> Result<Option<Resumed>, VideoError> {
        if !self.store.claim(entry.id).await? {
            return Ok(Some(Resumed::Busy(Box::new(entry))));
        }
        let fresh = match self.store.entry(entry.id).await? {
            Some(fresh) if fresh.state.is_resumable() => fresh,
            _ => {
                // Finished by another process meanwhile: nothing left to do.
                self.store.release(entry.id).await?;
                return Ok(None);
            }
        };
        let result = self.finish(&fresh).await;
        self.store.release(fresh.id).await?;
        let now = self.store.entry(fresh.id).await?.unwrap_or(fresh);
        Ok(Some(Resumed::of(now, result)))
    }

    async fn finish(&self, entry: &JournalEntry) -> Result<Generated, VideoError> {
        let Some(id) = entry.task_id.clone() else {
            return Err(VideoError::Journal {
                message: format!(
                    "entry {} is {} but has no task id; check the provider's task list",
                    entry.id, entry.state
                ),
                source: None,
            });
        };
        let Some((provider, policy)) = self.providers.get(&entry.provider, entry.model.as_deref())
        else {
            return Err(VideoError::configuration(format!(
                "provider `{}` is not configured",
                entry.provider
            ))
            .in_task(&id));
        };
        let entry = self.with_options(entry);
        let pipeline = self.pipeline(provider.as_ref(), policy, entry.id);
        pipeline.finish(&id, Some(&entry)).await
    }

    /// The entry with this resume's options applied.
    fn with_options(&self, entry: &JournalEntry) -> JournalEntry {
        let mut entry = entry.clone();
        if self.replace {
            entry.if_exists = IfExists::Replace;
        }
        entry
    }

    /// A pipeline for `provider` recording in the journal and reporting entry `entry_id`'s
    /// events.
    fn pipeline<'p>(
        &'p self,
        provider: &'p dyn VideoProvider,
        policy: &PollPolicy,
        entry_id: EntryId,
    ) -> Pipeline<'p> {
        let mut pipeline = Pipeline::new(provider)
            .policy(policy.clone())
            .journal(self.store);
        if let Some(observer) = &self.observer {
            pipeline = pipeline.on_event(move |event| observer(entry_id, event));
        }
        pipeline
    }
}

impl std::fmt::Debug for Resume<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resume")
            .field("providers", &self.providers)
            .field("replace", &self.replace)
            .field("lookup_grace", &self.lookup_grace)
            .field("resubmit_unsent", &self.resubmit_unsent)
            .finish_non_exhaustive()
    }
}

/// Finishes every unfinished task in `store` (wait, then save to the recorded destination),
/// with the defaults of [`Resume`]. Entries whose submission's outcome is unknown are
/// settled by client reference where the provider can look tasks up, else reported; never
/// resubmitted.
///
/// # Errors
/// As [`Resume::run`].
pub async fn resume(
    store: &dyn TaskStore,
    providers: &Providers,
) -> Result<ResumeReport, VideoError> {
    Resume::new(store, providers).run().await
}
