//! `video tasks` and `video resume` (core's resume, with the provider table).

use std::collections::BTreeSet;

use video_core::VideoError;
use video_core::journal::{EntryState, JournalEntry, Providers, Resume, Resumed, TaskStore};

use crate::cli::{Cli, WaitArgs};
use crate::commands::{Listed, explained};
use crate::progress::{Reporter, spinner};
use crate::providers::{build, find};
use crate::report::{ErrorReport, TaskReport};
use crate::setup::journal;

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
    let (providers, unavailable) = providers_for(&listing.entries, cli, wait);
    let reporter = Reporter::new(spinner("resuming"), cli.json);
    let report = Resume::new(&journal, &providers)
        .replace_existing(force)
        .on_event(|_, event| video_core::Observer::on_event(&reporter, event))
        .run()
        .await;
    reporter.finish();
    let report = report?;
    let reports = report
        .resumed
        .iter()
        .map(|item| describe(item, &unavailable))
        .collect();
    Ok((reports, report.unreadable))
}

/// The providers the resumable entries name, built from the environment (`--provider`
/// overrides the recorded one); those that cannot be built are reported per entry.
fn providers_for(
    entries: &[JournalEntry],
    cli: &Cli,
    wait: &WaitArgs,
) -> (Providers, Vec<(String, VideoError)>) {
    let names: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.state.is_resumable())
        .map(|e| e.provider.as_str())
        .collect();
    let mut providers = Providers::new();
    let mut unavailable = Vec::new();
    for name in names {
        let spec = find(cli.provider.as_deref().unwrap_or(name));
        match spec.and_then(|spec| build(spec, wait)) {
            Ok((provider, policy)) if provider.name() == name => {
                providers.insert(provider, policy);
            }
            Ok(_) => unavailable.push((
                name.to_owned(),
                VideoError::invalid("provider", format!("the entry was made with `{name}`")),
            )),
            Err(error) => unavailable.push((name.to_owned(), error)),
        }
    }
    (providers, unavailable)
}

/// The report of one resumed entry.
fn describe(item: &Resumed, unavailable: &[(String, VideoError)]) -> TaskReport {
    let entry = item.entry();
    match item {
        Resumed::Finished { .. } => TaskReport::from_entry(entry),
        Resumed::Failed { error, .. } => {
            let why = unavailable
                .iter()
                .find(|(name, _)| *name == entry.provider)
                .map(|(_, error)| error);
            let error = why.unwrap_or(error);
            let shown = explained(error);
            TaskReport::from_entry(entry).with_error(shown.as_ref().unwrap_or(error))
        }
        Resumed::Unresolved(_) => unresolved(entry),
        Resumed::Busy(_) => {
            let mut report = TaskReport::from_entry(entry);
            report.message =
                Some("skipped: another running `video` process is finishing it".to_owned());
            report
        }
        _ => TaskReport::from_entry(entry),
    }
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
