//! `video tasks` and `video resume`.

use std::collections::HashMap;

use video_core::{EntryState, JournalEntry, TaskStore, VideoError, wait_journaled};

use crate::backend::{Backend, backend, journal, provider_from_journal};
use crate::cli::{Cli, ProviderName, WaitArgs};
use crate::commands::{Listed, entry_report};
use crate::fetch::{SavePlan, default_name, save_videos};
use crate::progress::{Reporter, set_current_task, spinner};
use crate::report::{ErrorReport, TaskReport};

/// The journal, newest first.
pub(crate) async fn tasks(cli: &Cli) -> Result<Listed, VideoError> {
    let listing = journal(cli)?.entries().await?;
    let reports = listing.entries.iter().map(TaskReport::from_entry).collect();
    Ok((reports, listing.unreadable))
}

/// Finishes every resumable entry this process can claim; reports (never resubmits) those
/// whose outcome is unknown, and skips those another running process is finishing.
pub(crate) async fn resume(cli: &Cli, wait: &WaitArgs, force: bool) -> Result<Listed, VideoError> {
    let journal = journal(cli)?;
    let listing = journal.entries().await?;
    let mut backends: HashMap<ProviderName, Backend> = HashMap::new();
    let mut reports = Vec::new();
    for entry in &listing.entries {
        if entry.state.needs_attention() {
            reports.push(unresolved(entry));
        } else if entry.state.is_resumable() {
            if !journal.claim(entry.id).await? {
                reports.push(claimed_elsewhere(entry));
                continue;
            }
            // Another process may have finished it between the listing and the claim.
            let entry = match journal.entry(entry.id).await? {
                Some(fresh) if fresh.state.is_resumable() => fresh,
                Some(fresh) => {
                    journal.release(fresh.id).await?;
                    reports.push(TaskReport::from_entry(&fresh));
                    continue;
                }
                None => continue,
            };
            let entry = &entry;
            let report = match backend_for(entry, cli, wait, &mut backends) {
                Ok(backend) => finish(&journal, entry, &backend, cli.json, force).await,
                Err(error) => TaskReport::from_entry(entry).with_error(&error),
            };
            if let Err(error) = journal.release(entry.id).await {
                eprintln!("warning: could not release a journal claim: {error}");
            }
            reports.push(report);
        }
    }
    Ok((reports, listing.unreadable))
}

/// An entry another `video` process is finishing right now.
fn claimed_elsewhere(entry: &JournalEntry) -> TaskReport {
    let mut report = TaskReport::from_entry(entry);
    report.message = Some("skipped: another running `video` process is finishing it".to_owned());
    report
}

/// A submission whose outcome is unknown: shown with its request so a person can check,
/// with exit code 6.
fn unresolved(entry: &JournalEntry) -> TaskReport {
    let mut report = TaskReport::from_entry(entry);
    report.request = Some(entry.request.clone());
    let why = entry.message.as_deref().unwrap_or(match entry.state {
        EntryState::Submitting => "the process stopped before the reply arrived",
        _ => "no reply",
    });
    let message = format!(
        "not resubmitted: the submission may have created a billed task ({why}). Look for this \
         prompt in the provider's task list; if no task was created, submit it again"
    );
    report.message = Some(message.clone());
    report.error = Some(ErrorReport {
        kind: "unknown_outcome",
        message,
        exit_code: 6,
    });
    report
}

fn backend_for(
    entry: &JournalEntry,
    cli: &Cli,
    wait: &WaitArgs,
    cache: &mut HashMap<ProviderName, Backend>,
) -> Result<Backend, VideoError> {
    let name = cli
        .provider
        .or_else(|| provider_from_journal(&entry.provider))
        .ok_or_else(|| VideoError::Configuration {
            message: format!("unknown provider `{}` in the journal", entry.provider),
        })?;
    if let Some(found) = cache.get(&name) {
        return Ok(found.clone());
    }
    let built = backend(name, wait)?;
    cache.insert(name, built.clone());
    Ok(built)
}

/// Waits (if needed) and downloads one entry's task.
async fn finish(
    journal: &dyn TaskStore,
    entry: &JournalEntry,
    backend: &Backend,
    json: bool,
    force: bool,
) -> TaskReport {
    let Some(id) = entry.task_id.clone() else {
        let error = VideoError::Journal {
            message: format!(
                "entry {} is {} but has no task id; check the provider's task list",
                entry.id, entry.state
            ),
            source: None,
        };
        return TaskReport::from_entry(entry).with_error(&error);
    };
    set_current_task(&id);
    let provider = backend.provider.as_ref();
    let reporter = Reporter::new(spinner(&format!("{id} resuming")), json);
    let waited = wait_journaled(
        provider,
        &id,
        None,
        &backend.policy,
        journal,
        entry.id,
        &reporter,
    )
    .await;
    reporter.finish();
    let outcome = match waited {
        Ok(task) => {
            let output = entry.output.clone().unwrap_or_else(|| default_name(&task));
            let plan = SavePlan::recorded(&output, &task, force);
            save_videos(provider, &task, &plan, journal, Some(entry.id))
                .await
                .map(|_| ())
        }
        Err(error) => Err(error),
    };
    let report = entry_report(journal, Some(entry.id))
        .await
        .unwrap_or_else(|| TaskReport::from_entry(entry));
    match outcome {
        Ok(()) => report,
        Err(error) => report.with_error(&error),
    }
}
