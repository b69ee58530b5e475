//! `video tasks` and `video resume`.

use std::collections::HashMap;

use video_core::{JournalEntry, TaskStore, VideoError, wait_journaled};

use crate::backend::{Backend, backend, journal, provider_from_journal};
use crate::cli::{Cli, ProviderName, WaitArgs};
use crate::commands::entry_report;
use crate::fetch::save_videos;
use crate::progress::{Reporter, spinner};
use crate::report::TaskReport;

/// The journal, newest first.
pub(crate) async fn tasks(cli: &Cli) -> Result<Vec<TaskReport>, VideoError> {
    let journal = journal(cli)?;
    Ok(journal
        .entries()
        .await?
        .iter()
        .map(TaskReport::from_entry)
        .collect())
}

/// Finishes every resumable entry; reports (never resubmits) those whose outcome is unknown.
pub(crate) async fn resume(cli: &Cli, wait: &WaitArgs) -> Result<Vec<TaskReport>, VideoError> {
    let journal = journal(cli)?;
    let mut backends: HashMap<ProviderName, Backend> = HashMap::new();
    let mut reports = Vec::new();
    for entry in journal.entries().await? {
        if entry.state.needs_attention() {
            reports.push(unresolved(&entry));
        } else if entry.state.is_resumable() {
            let report = match backend_for(&entry, cli, wait, &mut backends) {
                Ok(backend) => finish(&journal, &entry, &backend, cli.json).await,
                Err(error) => TaskReport::from_entry(&entry).with_error(&error),
            };
            reports.push(report);
        }
    }
    Ok(reports)
}

/// A submission whose outcome is unknown: shown with its request so a person can check.
fn unresolved(entry: &JournalEntry) -> TaskReport {
    let mut report = TaskReport::from_entry(entry);
    report.request = Some(entry.request.clone());
    report.message = Some(format!(
        "not resubmitted: the submission's outcome is unknown ({}); check the provider's task list for this prompt",
        entry.message.as_deref().unwrap_or("no reply")
    ));
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
    let provider = backend.provider.as_ref();
    let reporter = Reporter {
        spinner: spinner(&format!("{id} resuming")),
        json,
    };
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
    reporter.spinner.finish_and_clear();
    let outcome = match waited {
        Ok(task) => save_videos(
            provider,
            &task,
            entry.output.as_deref(),
            journal,
            Some(entry.id),
        )
        .await
        .map(|_| ()),
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
