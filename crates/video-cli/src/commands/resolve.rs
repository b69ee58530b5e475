//! `video resolve ENTRY --created TASK_ID | --not-created`: a person settles a submission
//! whose outcome is unknown, recorded in the journal (what and when), so `video resume`
//! stops reporting it: a created task is then finished like any other.

use video_core::journal::{JournalEntry, TaskStore, update_entry};
use video_core::{TaskId, VideoError};

use crate::cli::{Cli, ResolveArgs};
use crate::report::TaskReport;
use crate::setup::journal;

/// Records the answer in the entry and reports it.
pub(crate) async fn resolve(cli: &Cli, args: &ResolveArgs) -> TaskReport {
    match settle(cli, args).await {
        Ok(entry) => TaskReport::from_entry(&entry),
        Err(error) => TaskReport::default().with_error(&error),
    }
}

async fn settle(cli: &Cli, args: &ResolveArgs) -> Result<JournalEntry, VideoError> {
    let journal = journal(cli)?;
    let entry = find(&journal, &args.entry).await?;
    if !entry.state.needs_attention() {
        return Err(VideoError::invalid(
            "entry",
            format!(
                "entry {} is {}: only a submission whose outcome is unknown (or found never \
                 created) is resolved by hand",
                entry.id, entry.state
            ),
        ));
    }
    let created = match &args.created {
        Some(raw) => {
            let id = TaskId::new(raw.trim());
            if !id.is_well_formed() {
                return Err(VideoError::invalid(
                    "--created",
                    "is not a task id (empty, too long, or with control characters)",
                ));
            }
            Some(id)
        }
        None => None,
    };
    if !journal.claim(entry.id).await? {
        return Err(VideoError::Journal {
            message: format!(
                "entry {} is being worked on by another running `video` process",
                entry.id
            ),
            source: None,
        });
    }
    let updated = update_entry(&journal, entry.id, |e| match created {
        Some(id) => e.apply_resolved_created(id),
        None => e.apply_dismissed(),
    })
    .await;
    let _ = journal.release(entry.id).await;
    updated
}

/// The entry numbered `given` (`12` or `#12`), else the one with that client reference.
async fn find(journal: &dyn TaskStore, given: &str) -> Result<JournalEntry, VideoError> {
    let given = given.trim();
    if let Ok(id) = given.trim_start_matches('#').parse::<i64>()
        && let Some(entry) = journal.entry(id).await?
    {
        return Ok(entry);
    }
    let listing = journal.entries().await?;
    listing
        .entries
        .into_iter()
        .find(|entry| entry.request.client_reference.as_deref() == Some(given))
        .ok_or_else(|| {
            VideoError::invalid(
                "entry",
                format!(
                    "no journal entry numbered or referenced `{}` (`video tasks` lists them)",
                    given.escape_debug()
                ),
            )
        })
}
