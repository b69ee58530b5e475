//! `video generate` and `video submit`: the pipeline with the journal, the destination, the
//! catalog's prices, an optional budget and the progress reporter plugged in; a catalog
//! model falls back to its next configured route only when a route refused the submission
//! and created no task.

use std::time::Duration;

use tokio::time::Instant;
use video_core::{Pipeline, TaskId, VideoError, VideoRequest};

use crate::cli::{Cli, CostArgs, GenerateArgs, SubmitArgs, SubmitOnlyArgs, WaitArgs};
use crate::commands::cost::budget_of;
use crate::commands::{destination, entry_report, explained, request};
use crate::output::err;
use crate::progress::{Reporter, current_task, spinner};
use crate::report::TaskReport;
use crate::routes::{Route, catalog, refused_by_route, routes};
use crate::setup::journal;
use crate::text::clean;

/// Submit, wait, download.
pub(crate) async fn generate(cli: &Cli, args: &GenerateArgs) -> TaskReport {
    run(cli, &args.submit, &args.wait, &args.cost, true).await
}

/// Submit and return.
pub(crate) async fn submit(cli: &Cli, args: &SubmitOnlyArgs) -> TaskReport {
    run(cli, &args.submit, &WaitArgs::default(), &args.cost, false).await
}

async fn run(
    cli: &Cli,
    args: &SubmitArgs,
    wait: &WaitArgs,
    cost: &CostArgs,
    to_the_end: bool,
) -> TaskReport {
    let prepared = (|| Ok::<_, VideoError>((request(args)?, routes(cli)?)))();
    let (request, routes) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => return TaskReport::default().with_error(&error),
    };
    let job = Job {
        cli,
        args,
        wait,
        cost,
        to_the_end,
        request: &request,
    };
    let mut report = TaskReport::default();
    for (at, route) in routes.iter().enumerate() {
        let (tried, refusal) = job.attempt(route, at + 1 == routes.len()).await;
        report = tried;
        let Some(refusal) = refusal else { break };
        let Some(next) = routes.get(at + 1) else {
            break;
        };
        err!(
            "video: {} refused the submission and created no task ({}); trying {}",
            route.row.name,
            clean(&refusal),
            next.row.name
        );
    }
    report
}

/// One request and how to run it, tried route by route.
struct Job<'j> {
    cli: &'j Cli,
    args: &'j SubmitArgs,
    wait: &'j WaitArgs,
    cost: &'j CostArgs,
    to_the_end: bool,
    request: &'j VideoRequest,
}

impl Job<'_> {
    /// Runs the job through `route`: its report, and why, when the route refused the
    /// submission before accepting it (another route may take it). Unless it is the `last`
    /// route, a refusal is not retried: the next route is the retry.
    async fn attempt(&self, route: &Route, last: bool) -> (TaskReport, Option<String>) {
        let started = Instant::now();
        let cli = self.cli;
        let prepared = (|| {
            let (provider, policy) = route.build(cli, self.wait, last)?;
            Ok::<_, VideoError>((
                provider,
                policy,
                journal(cli)?,
                catalog(cli)?,
                budget_of(self.cost)?,
            ))
        })();
        let (provider, policy, journal, catalog, budget) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => return (TaskReport::default().with_error(&error), None),
        };
        let reporter = Reporter::new(spinner("submitting"), cli.json);
        let mut pipeline = Pipeline::new(provider.as_ref())
            .policy(policy)
            .journal(&journal)
            .pricing(catalog)
            .save(destination(self.args.output.as_deref(), self.args.force))
            .observer(&reporter);
        if let Some(budget) = budget {
            pipeline = pipeline.budget(budget);
        }
        let result = self.drive(&pipeline, &journal, &reporter, started).await;
        reporter.finish();
        drop(pipeline);
        match result {
            Ok(entry) => (
                entry_report(&journal, entry).await.unwrap_or_default(),
                None,
            ),
            Err(error) => {
                let report = entry_report(&journal, reporter.entry()).await;
                let refused = refused_by_route(&error).then(|| error.to_string());
                let shown = explained(&error).unwrap_or(error);
                (report.unwrap_or_default().with_error(&shown), refused)
            }
        }
    }

    /// Submits and (for `generate`) waits and saves, within `--timeout`.
    async fn drive(
        &self,
        pipeline: &Pipeline<'_>,
        journal: &video_journal::SqliteJournal,
        reporter: &Reporter,
        started: Instant,
    ) -> Result<Option<video_core::journal::EntryId>, VideoError> {
        if !self.to_the_end {
            return pipeline.submit(self.request).await.map(|s| s.entry);
        }
        let running = pipeline.generate(self.request);
        // `--timeout` bounds the whole job, the download included.
        let Some(seconds) = self.wait.timeout else {
            return running.await.map(|done| done.entry);
        };
        let deadline = started + Duration::from_secs(seconds);
        match tokio::time::timeout_at(deadline, running).await {
            Ok(outcome) => outcome.map(|done| done.entry),
            Err(_) => {
                if self.wait.cancel_on_timeout {
                    cancel_timed_out(pipeline, journal, reporter.entry()).await;
                }
                Err(timed_out())
            }
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
            clean(&error)
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
