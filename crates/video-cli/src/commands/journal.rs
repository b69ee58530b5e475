//! `video tasks` and `video resume` (core's resume, with the provider table).

use std::collections::BTreeSet;
use std::time::Duration;

use video_core::VideoError;
use video_core::journal::{EntryState, JournalEntry, Providers, Resume, Resumed, TaskStore};

use crate::cli::{Cli, ResumeArgs, WaitArgs};
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

/// Finishes every resumable entry this process can claim; settles those whose outcome is
/// unknown by client reference where the provider can (else reports them, never
/// resubmitting), resubmits the ones proven never created only with `--resubmit-unsent`,
/// and skips those another running process is working on.
pub(crate) async fn resume(cli: &Cli, args: &ResumeArgs) -> Result<Listed, VideoError> {
    let journal = journal(cli)?;
    let listing = journal.entries().await?;
    let (providers, unavailable) = providers_for(&listing.entries, cli, &args.wait);
    let reporter = Reporter::new(spinner("resuming"), cli.json);
    let report = Resume::new(&journal, &providers)
        .replace_existing(args.force)
        .lookup_grace(Duration::from_secs(args.lookup_grace))
        .resubmit_unsent(args.resubmit_unsent)
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
    let wanted: BTreeSet<(&str, Option<&str>)> = entries
        .iter()
        .filter(|e| e.state.is_resumable() || e.state.needs_attention())
        .map(|e| (e.provider.as_str(), e.model.as_deref()))
        .collect();
    let mut providers = Providers::new();
    let mut unavailable = Vec::new();
    for (name, model) in wanted {
        let spec = find(cli.provider.as_deref().unwrap_or(name));
        match spec.and_then(|spec| build(spec, cli, model, wait)) {
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
        Resumed::NotCreated(_) => not_created(entry),
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
    let message = if why.starts_with("no task found yet") {
        format!("not resubmitted: {why}")
    } else {
        format!(
            "not resubmitted: the submission may have created a billed task ({why}). Look for \
             this prompt in the provider's task list, then `video resolve {} --created TASK_ID` \
             (resume then finishes it) or `video resolve {} --not-created`",
            entry.id, entry.id
        )
    };
    report.message = Some(message.clone());
    report.error = Some(ErrorReport {
        kind: "unknown_outcome",
        message,
        exit_code: 6,
    });
    report
}

/// A submission the provider proved it never created: nothing billed; resubmitted only with
/// `--resubmit-unsent`. Exit code 6 (something is left to do).
fn not_created(entry: &JournalEntry) -> TaskReport {
    let mut report = TaskReport::from_entry(entry);
    report.request = Some(entry.request.clone());
    let reference = entry
        .request
        .client_reference
        .as_deref()
        .unwrap_or("(none)");
    let message = format!(
        "never created: the provider has no task with client reference {reference}, so \
         nothing was billed. `video resume --resubmit-unsent` submits it again with the same \
         reference"
    );
    report.message = Some(message.clone());
    report.error = Some(ErrorReport {
        kind: "not_created",
        message,
        exit_code: 6,
    });
    report
}
