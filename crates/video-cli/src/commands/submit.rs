//! `video generate` and `video submit`.

use std::path::{Path, PathBuf};

use video_core::{EntryId, Task, VideoError, submit_journaled, update_entry, wait_journaled};
use video_journal::SqliteJournal;

use crate::backend::{Backend, backend, journal, provider_name};
use crate::cli::{Cli, GenerateArgs, SubmitArgs, WaitArgs};
use crate::commands::{entry_report, request};
use crate::fetch::{absolute, save_videos};
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
    let request = request(args).map_err(failed)?;
    let backend = backend(provider_name(cli), wait).map_err(failed)?;
    let journal = journal(cli).map_err(failed)?;
    // Absolute, so `video resume` saves to the same place from any folder.
    let output = args
        .output
        .as_deref()
        .map(absolute)
        .transpose()
        .map_err(failed)?;
    let reporter = Reporter {
        spinner: spinner("submitting"),
        json: cli.json,
    };
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
            reporter.spinner.finish_and_clear();
            let report = entry_report(&journal, entry).await.unwrap_or_default();
            return Err((report, error));
        }
        (None, Ok(task)) => return Ok(TaskReport::from_task(&task)),
    };
    let output = match output {
        Some(output) => output,
        None => default_output(&journal, entry, &task)
            .await
            .map_err(failed)?,
    };
    if !to_the_end {
        reporter.spinner.finish_and_clear();
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
    reporter.spinner.finish_and_clear();
    finish(&backend, &journal, entry, &output, waited).await
}

/// Records `<cwd>/<task_id>.mp4` as the entry's output, for `resume`.
async fn default_output(
    journal: &SqliteJournal,
    entry: EntryId,
    task: &Task,
) -> Result<PathBuf, VideoError> {
    let output = absolute(Path::new(&format!("{}.mp4", task.id)))?;
    let recorded = output.clone();
    update_entry(journal, entry, move |e| e.output = Some(recorded)).await?;
    Ok(output)
}

/// Downloads after a successful wait, and reports.
async fn finish(
    backend: &Backend,
    journal: &SqliteJournal,
    entry: EntryId,
    output: &Path,
    waited: Result<Task, VideoError>,
) -> Outcome {
    let report = |fallback: TaskReport| async move {
        entry_report(journal, Some(entry)).await.unwrap_or(fallback)
    };
    let task = match waited {
        Ok(task) => task,
        Err(error) => return Err((report(TaskReport::default()).await, error)),
    };
    let saved = save_videos(
        backend.provider.as_ref(),
        &task,
        Some(output),
        journal,
        Some(entry),
    )
    .await;
    let report = report(TaskReport::from_task(&task)).await;
    match saved {
        Ok(_) => Ok(report),
        Err(error) => Err((report, error)),
    }
}
