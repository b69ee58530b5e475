//! `video generate` and `video submit`.

use std::path::{Path, PathBuf};

use tokio::time::Instant;
use video_core::{
    EntryId, Task, TaskStore, VideoError, submit_journaled, update_entry, wait_journaled,
};
use video_journal::SqliteJournal;

use crate::backend::{Backend, backend, journal, provider_name};
use crate::cli::{Cli, GenerateArgs, SubmitArgs, WaitArgs};
use crate::commands::{entry_report, request};
use crate::fetch::{SavePlan, check_before_submit, save_videos};
use crate::progress::{Reporter, spinner};
use crate::report::TaskReport;

/// Submit, wait, download.
pub(crate) async fn generate(cli: &Cli, args: &GenerateArgs) -> TaskReport {
    run(cli, &args.submit, &args.wait, true)
        .await
        .unwrap_or_else(|(report, error)| report.with_error(&error))
}

/// Submit and return.
pub(crate) async fn submit(cli: &Cli, args: &SubmitArgs) -> TaskReport {
    run(cli, args, &WaitArgs::default(), false)
        .await
        .unwrap_or_else(|(report, error)| report.with_error(&error))
}

type Outcome = Result<TaskReport, (TaskReport, VideoError)>;

fn failed(error: VideoError) -> (TaskReport, VideoError) {
    (TaskReport::default(), error)
}

async fn run(cli: &Cli, args: &SubmitArgs, wait: &WaitArgs, to_the_end: bool) -> Outcome {
    let started = Instant::now();
    let request = request(args).map_err(failed)?;
    // Before anything is paid for: the video must be savable where it is asked to go.
    // Absolute, so `video resume` saves to the same place from any folder.
    let output = check_before_submit(args.output.as_deref(), args.force).map_err(failed)?;
    let backend = backend(provider_name(cli), wait).map_err(failed)?;
    let journal = journal(cli).map_err(failed)?;
    let reporter = Reporter::new(spinner("submitting"), cli.json);
    let provider = backend.provider.as_ref();
    let policy = &backend.policy;
    let (entry, submitted) = submit_journaled(
        provider,
        &request,
        policy,
        &journal,
        output.as_deref(),
        &reporter,
    )
    .await;
    let (entry, task) = match (entry, submitted) {
        (Some(entry), Ok(task)) => (entry, task),
        (entry, Err(error)) => {
            reporter.finish();
            let report = entry_report(&journal, entry).await.unwrap_or_default();
            return Err((report, error));
        }
        (None, Ok(task)) => return Ok(TaskReport::from_task(&task)),
    };
    let plan = SavePlan::new(output.as_deref(), &task, args.force).map_err(failed)?;
    if output.is_none() {
        record_output(&journal, entry, &plan.output)
            .await
            .map_err(failed)?;
    }
    if !to_the_end {
        reporter.finish();
        return Ok(entry_report(&journal, Some(entry))
            .await
            .unwrap_or_else(|| TaskReport::from_task(&task)));
    }
    let waited = wait_journaled(
        provider,
        &task.id.clone(),
        Some(task),
        policy,
        &journal,
        entry,
        &reporter,
    )
    .await;
    reporter.finish();
    let deadline = wait
        .timeout
        .map(|secs| started + std::time::Duration::from_secs(secs));
    finish(&backend, &journal, entry, &plan, waited, deadline).await
}

/// Records the default output path as the entry's, for `resume`.
async fn record_output(
    journal: &SqliteJournal,
    entry: EntryId,
    output: &Path,
) -> Result<(), VideoError> {
    let recorded: PathBuf = output.to_owned();
    update_entry(journal, entry, move |e| e.output = Some(recorded)).await?;
    Ok(())
}

/// Downloads after a successful wait (within `--timeout`, when given), and reports.
async fn finish(
    backend: &Backend,
    journal: &SqliteJournal,
    entry: EntryId,
    plan: &SavePlan,
    waited: Result<Task, VideoError>,
    deadline: Option<Instant>,
) -> Outcome {
    let report = |fallback: TaskReport| async move {
        entry_report(journal, Some(entry)).await.unwrap_or(fallback)
    };
    let task = match waited {
        Ok(task) => task,
        Err(error) => return Err((report(TaskReport::default()).await, error)),
    };
    let saving = save_videos(
        backend.provider.as_ref(),
        &task,
        plan,
        journal as &dyn TaskStore,
        Some(entry),
    );
    let saved = match deadline {
        None => saving.await,
        Some(deadline) => tokio::time::timeout_at(deadline, saving)
            .await
            .unwrap_or_else(|_| {
                Err(VideoError::WaitTimeout {
                    task_id: task.id.clone(),
                    last: Some(Box::new(task.clone())),
                })
            }),
    };
    let report = report(TaskReport::from_task(&task)).await;
    match saved {
        Ok(_) => Ok(report),
        Err(error) => Err((report, error)),
    }
}
