//! `video status`, `video wait` and `video download` for a task id.

use std::path::Path;

use video_core::{
    JournalEntry, Task, TaskId, TaskStatus, TaskStore, VideoError, update_entry,
    wait as wait_for_task, wait_journaled,
};
use video_journal::SqliteJournal;

use crate::backend::{Backend, backend, journal, provider_from_journal, provider_name};
use crate::cli::{Cli, WaitArgs};
use crate::commands::entry_report;
use crate::fetch::{SavePlan, save_videos};
use crate::progress::{Reporter, spinner};
use crate::report::TaskReport;

type Outcome = Result<TaskReport, (TaskReport, VideoError)>;

/// What a command about one task needs: the journal, its entry if any, and a backend.
struct Context {
    journal: SqliteJournal,
    entry: Option<JournalEntry>,
    backend: Backend,
}

/// Opens the journal, finds the task's entry and builds the backend (the entry's provider
/// unless `--provider` says otherwise).
async fn context(
    cli: &Cli,
    id: &TaskId,
    wait: &WaitArgs,
) -> Result<Context, (TaskReport, VideoError)> {
    let fail = |error| {
        (
            TaskReport {
                task_id: Some(id.to_string()),
                ..TaskReport::default()
            },
            error,
        )
    };
    let journal = journal(cli).map_err(fail)?;
    let entry = journal.find_task(id).await.map_err(fail)?;
    let name = match (
        cli.provider,
        entry
            .as_ref()
            .and_then(|e| provider_from_journal(&e.provider)),
    ) {
        (Some(name), _) | (None, Some(name)) => name,
        (None, None) => provider_name(cli),
    };
    let backend = backend(name, wait).map_err(fail)?;
    Ok(Context {
        journal,
        entry,
        backend,
    })
}

impl Context {
    /// Claims the task's entry (if any) so no other process saves it at the same time.
    async fn claim(&self) -> Result<(), VideoError> {
        let Some(entry) = &self.entry else {
            return Ok(());
        };
        if self.journal.claim(entry.id).await? {
            return Ok(());
        }
        Err(VideoError::Journal {
            message: "another running `video` process is finishing this task; wait for it, or                       see `video tasks`"
                .to_owned(),
            source: None,
        })
    }

    /// Records a snapshot in the entry (if any) and returns the report.
    async fn record(&self, task: &Task) -> TaskReport {
        if let Some(entry) = &self.entry {
            if let Ok(updated) = update_entry(&self.journal, entry.id, |e| e.apply_task(task)).await
            {
                return TaskReport::from_entry(&updated);
            }
        }
        TaskReport::from_task(task)
    }

    async fn report(&self, fallback: TaskReport) -> TaskReport {
        entry_report(&self.journal, self.entry.as_ref().map(|e| e.id))
            .await
            .unwrap_or(fallback)
    }
}

fn id_only(id: &TaskId) -> TaskReport {
    TaskReport {
        task_id: Some(id.to_string()),
        ..TaskReport::default()
    }
}

fn settle(outcome: Outcome) -> TaskReport {
    outcome.unwrap_or_else(|(report, error)| report.with_error(&error))
}

/// One query.
pub(crate) async fn status(cli: &Cli, id: &str) -> TaskReport {
    let id = TaskId::new(id);
    settle(
        async {
            let cx = context(cli, &id, &WaitArgs::default()).await?;
            let task = cx
                .backend
                .provider
                .task(&id)
                .await
                .map_err(|e| (id_only(&id), e))?;
            Ok(cx.record(&task).await)
        }
        .await,
    )
}

/// Waits until the task finishes.
pub(crate) async fn wait(cli: &Cli, id: &str, args: &WaitArgs) -> TaskReport {
    let id = TaskId::new(id);
    settle(
        async {
            let cx = context(cli, &id, args).await?;
            let task = wait_for(&cx, &id, cli.json).await;
            let task = match task {
                Ok(task) => task,
                Err(error) => return Err((cx.report(id_only(&id)).await, error)),
            };
            Ok(cx.record(&task).await)
        }
        .await,
    )
}

async fn wait_for(cx: &Context, id: &TaskId, json: bool) -> Result<Task, VideoError> {
    let provider = cx.backend.provider.as_ref();
    let reporter = Reporter::new(spinner(&format!("{id} waiting")), json);
    let result = match &cx.entry {
        Some(entry) => {
            wait_journaled(
                provider,
                id,
                None,
                &cx.backend.policy,
                &cx.journal,
                entry.id,
                &reporter,
            )
            .await
        }
        None => wait_for_task(provider, id, &cx.backend.policy).await,
    };
    reporter.finish();
    result
}

/// Downloads a finished task's videos.
pub(crate) async fn download(
    cli: &Cli,
    id: &str,
    output: Option<&Path>,
    force: bool,
) -> TaskReport {
    let id = TaskId::new(id);
    settle(
        async {
            let cx = context(cli, &id, &WaitArgs::default()).await?;
            cx.claim().await.map_err(|e| (id_only(&id), e))?;
            let provider = cx.backend.provider.as_ref();
            let task = provider.task(&id).await.map_err(|e| (id_only(&id), e))?;
            let mut report = cx.record(&task).await;
            let finished = match task.status {
                TaskStatus::Succeeded => Ok(()),
                TaskStatus::Failed => Err(provider.failure_error(&task)),
                _ => Err(VideoError::invalid(
                    "id",
                    format!("task {id} is {}, not finished", task.status),
                )),
            };
            if let Err(error) = finished {
                return Err((report, error));
            }
            let recorded = cx.entry.as_ref().and_then(|e| e.output.as_deref());
            let plan = match (output, recorded) {
                (Some(path), _) => SavePlan::new(Some(path), &task, force),
                (None, Some(path)) => Ok(SavePlan::recorded(path, &task, force)),
                (None, None) => SavePlan::new(None, &task, force),
            }
            .map_err(|e| (id_only(&id), e))?;
            let entry = cx.entry.as_ref().map(|e| e.id);
            match save_videos(provider, &task, &plan, &cx.journal as &dyn TaskStore, entry).await {
                Ok(records) => {
                    records
                        .iter()
                        .for_each(|record| report.add_download(record));
                    Ok(cx.report(report).await)
                }
                Err(error) => Err((report, error)),
            }
        }
        .await,
    )
}
