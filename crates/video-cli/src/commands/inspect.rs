//! `video status`, `video wait` and `video download` for a task id, on a fresh process: the
//! journal entry (if any) supplies the task's route, provider and destination.

use std::path::Path;
use std::sync::Arc;

use video_core::journal::{JournalEntry, TaskStore, update_entry};
use video_core::{Pipeline, PollPolicy, Task, TaskId, TaskStatus, VideoError, VideoProvider};
use video_journal::SqliteJournal;

use crate::cli::{Cli, WaitArgs};
use crate::commands::{destination, entry_report, explained};
use crate::progress::{Reporter, set_current_task, spinner};
use crate::providers::{build, choose, find};
use crate::report::TaskReport;
use crate::setup::journal;

/// What a command about one task needs.
struct Context {
    journal: SqliteJournal,
    entry: Option<JournalEntry>,
    /// The id with its route, from the journal when the task is there.
    id: TaskId,
    provider: Arc<dyn VideoProvider>,
    policy: PollPolicy,
}

/// Opens the journal, finds the task's entry and builds the provider (the entry's unless
/// `--provider` says otherwise).
async fn context(cli: &Cli, raw: &str, wait: &WaitArgs) -> Result<Context, VideoError> {
    let journal = journal(cli)?;
    let entry = journal.find_task(&TaskId::new(raw)).await?;
    let spec = match (&cli.provider, &entry) {
        (Some(name), _) => find(name)?,
        (None, Some(entry)) => find(&entry.provider)?,
        (None, None) => choose(None)?,
    };
    let model = entry.as_ref().and_then(|e| e.model.as_deref());
    let (provider, policy) = build(spec, cli, model, wait)?;
    let id = entry
        .as_ref()
        .and_then(|e| e.task_id.clone())
        .unwrap_or_else(|| TaskId::new(raw));
    Ok(Context {
        journal,
        entry,
        id,
        provider,
        policy,
    })
}

impl Context {
    /// Records a snapshot in the entry (if any) and returns the report.
    async fn record(&self, task: &Task) -> TaskReport {
        if let Some(entry) = &self.entry
            && let Ok(updated) = update_entry(&self.journal, entry.id, |e| e.apply_task(task)).await
        {
            return TaskReport::from_entry(&updated);
        }
        TaskReport::from_task(task)
    }

    async fn report(&self, fallback: TaskReport) -> TaskReport {
        entry_report(&self.journal, self.entry.as_ref().map(|e| e.id))
            .await
            .unwrap_or(fallback)
    }
}

fn id_only(raw: &str) -> TaskReport {
    TaskReport {
        task_id: Some(raw.to_owned()),
        ..TaskReport::default()
    }
}

/// One query.
pub(crate) async fn status(cli: &Cli, raw: &str) -> TaskReport {
    let cx = match context(cli, raw, &WaitArgs::default()).await {
        Ok(cx) => cx,
        Err(error) => return id_only(raw).with_error(&error),
    };
    match cx.provider.task(&cx.id).await {
        Ok(task) => cx.record(&task).await,
        Err(error) => cx.report(id_only(raw)).await.with_error(&error),
    }
}

/// Cancels the task at the provider and records its entry `cancelled`; then one query says
/// where it stands.
pub(crate) async fn cancel(cli: &Cli, raw: &str) -> TaskReport {
    let cx = match context(cli, raw, &WaitArgs::default()).await {
        Ok(cx) => cx,
        Err(error) => return id_only(raw).with_error(&error),
    };
    let pipeline = Pipeline::new(cx.provider.as_ref()).journal(&cx.journal);
    if let Err(error) = pipeline.cancel(&cx.id).await {
        return cx.report(id_only(raw)).await.with_error(&error);
    }
    let mut report = cx.report(id_only(raw)).await;
    if report.state.is_none() {
        report.status = Some("cancelled".to_owned());
    }
    report
}

/// Waits until the task finishes (recording each change in its entry).
pub(crate) async fn wait(cli: &Cli, raw: &str, args: &WaitArgs) -> TaskReport {
    let cx = match context(cli, raw, args).await {
        Ok(cx) => cx,
        Err(error) => return id_only(raw).with_error(&error),
    };
    set_current_task(&cx.id);
    let reporter = Reporter::new(spinner(&format!("{raw} waiting")), cli.json);
    let pipeline = Pipeline::new(cx.provider.as_ref())
        .policy(cx.policy.clone())
        .journal(&cx.journal)
        .observer(&reporter);
    let waited = pipeline.wait(&cx.id, cx.entry.as_ref()).await;
    reporter.finish();
    match waited {
        Ok(task) => cx.record(&task).await,
        Err(error) => cx.report(id_only(raw)).await.with_error(&error),
    }
}

/// Downloads a finished task's videos: to `--output`, else where the entry recorded, else
/// the current folder.
pub(crate) async fn download(
    cli: &Cli,
    raw: &str,
    output: Option<&Path>,
    force: bool,
) -> TaskReport {
    // A file in the way is refused before anything is asked or fetched.
    if let Some(path) = output {
        let if_exists = if force {
            video_core::IfExists::Replace
        } else {
            video_core::IfExists::Fail
        };
        if let Err(error) = video_core::check_output_path(path, if_exists) {
            let shown = explained(&error).unwrap_or(error);
            return id_only(raw).with_error(&shown);
        }
    }
    let cx = match context(cli, raw, &WaitArgs::default()).await {
        Ok(cx) => cx,
        Err(error) => return id_only(raw).with_error(&error),
    };
    let task = match cx.provider.task(&cx.id).await {
        Ok(task) => task,
        Err(error) => return cx.report(id_only(raw)).await.with_error(&error),
    };
    let report = cx.record(&task).await;
    let finished = match task.status {
        TaskStatus::Succeeded => Ok(()),
        TaskStatus::Failed => Err(cx.provider.failure_error(&task)),
        _ => Err(VideoError::invalid(
            "id",
            format!("task {raw} is {}, not finished", task.status),
        )),
    };
    if let Err(error) = finished {
        return report.with_error(&error);
    }
    // An explicit path (and --force) override what the entry recorded, for this download.
    let mut entry = cx.entry.clone();
    if let Some(entry) = entry.as_mut() {
        if output.is_some() {
            entry.output = None;
        }
        if force {
            entry.if_exists = video_core::IfExists::Replace;
        }
    }
    let recorded = entry.as_ref().is_some_and(|e| e.output.is_some());
    let reporter = Reporter::new(spinner(&format!("{raw} downloading")), cli.json);
    let mut pipeline = Pipeline::new(cx.provider.as_ref())
        .policy(cx.policy.clone())
        .journal(&cx.journal as &dyn TaskStore)
        .observer(&reporter);
    if !recorded {
        pipeline = pipeline.save(destination(output, force));
    }
    let saved = pipeline.save_videos(&task, entry.as_ref()).await;
    reporter.finish();
    drop(pipeline);
    match saved {
        Ok(_) => cx.report(report).await,
        Err(error) => {
            let shown = explained(&error).unwrap_or(error);
            cx.report(report).await.with_error(&shown)
        }
    }
}
