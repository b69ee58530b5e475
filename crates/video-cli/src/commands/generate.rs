//! `video generate` and `video submit`: the pipeline with the journal, the destination and
//! the progress reporter plugged in.

use std::time::Duration;

use tokio::time::Instant;
use video_core::{Pipeline, TaskId, VideoError};

use crate::cli::{Cli, GenerateArgs, SubmitArgs, WaitArgs};
use crate::commands::{destination, entry_report, explained, request};
use crate::progress::{Reporter, current_task, spinner};
use crate::providers::{build, choose};
use crate::report::TaskReport;
use crate::setup::journal;

/// Submit, wait, download.
pub(crate) async fn generate(cli: &Cli, args: &GenerateArgs) -> TaskReport {
    run(cli, &args.submit, &args.wait, true).await
}

/// Submit and return.
pub(crate) async fn submit(cli: &Cli, args: &SubmitArgs) -> TaskReport {
    run(cli, args, &WaitArgs::default(), false).await
}

async fn run(cli: &Cli, args: &SubmitArgs, wait: &WaitArgs, to_the_end: bool) -> TaskReport {
    let started = Instant::now();
    let prepared = (|| {
        let request = request(args)?;
        let spec = choose(cli.provider.as_deref())?;
        let (provider, policy) = build(spec, cli, None, wait)?;
        Ok::<_, VideoError>((request, provider, policy, journal(cli)?))
    })();
    let (request, provider, policy, journal) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => return TaskReport::default().with_error(&error),
    };
    let reporter = Reporter::new(spinner("submitting"), cli.json);
    let pipeline = Pipeline::new(provider.as_ref())
        .policy(policy)
        .journal(&journal)
        .save(destination(args.output.as_deref(), args.force))
        .observer(&reporter);
    let result = if to_the_end {
        let running = pipeline.generate(&request);
        // `--timeout` bounds the whole job, the download included.
        let outcome = match wait.timeout {
            Some(seconds) => {
                let deadline = started + Duration::from_secs(seconds);
                match tokio::time::timeout_at(deadline, running).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        if wait.cancel_on_timeout {
                            cancel_timed_out(&pipeline, &journal, reporter.entry()).await;
                        }
                        Err(timed_out())
                    }
                }
            }
            None => running.await,
        };
        outcome.map(|done| done.entry)
    } else {
        pipeline
            .submit(&request)
            .await
            .map(|submitted| submitted.entry)
    };
    reporter.finish();
    drop(pipeline);
    match result {
        Ok(entry) => entry_report(&journal, entry).await.unwrap_or_default(),
        Err(error) => {
            let report = entry_report(&journal, reporter.entry()).await;
            let shown = explained(&error).unwrap_or(error);
            report.unwrap_or_default().with_error(&shown)
        }
    }
}

/// `--cancel-on-timeout` once `--timeout` cut the job off: the journaled task is cancelled
/// at the provider (and its entry recorded `cancelled`); a failure is said, and the task goes
/// on.
async fn cancel_timed_out(
    pipeline: &Pipeline<'_>,
    journal: &video_journal::SqliteJournal,
    entry: Option<video_core::journal::EntryId>,
) {
    use video_core::journal::TaskStore;
    let Some(entry) = entry else { return };
    let Ok(Some(entry)) = journal.entry(entry).await else {
        return;
    };
    let Some(id) = entry.task_id else { return };
    if let Err(error) = pipeline.cancel(&id).await {
        let error = error.to_string();
        eprintln!(
            "video: the cancel at the timeout failed, the task goes on: {}",
            crate::text::clean(&error)
        );
    }
}

/// The error when `--timeout` expired (after the wait, while downloading).
fn timed_out() -> VideoError {
    let id = current_task().map_or_else(|| TaskId::new("unknown"), TaskId::new);
    VideoError::WaitTimeout {
        task_id: id,
        last: None,
    }
}
