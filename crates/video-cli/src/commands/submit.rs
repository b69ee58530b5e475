//! `video generate` and `video submit`.

use video_core::{VideoError, generate_journaled, submit_journaled};

use crate::backend::{backend, journal, provider_name};
use crate::cli::{Cli, GenerateArgs, SubmitArgs, WaitArgs};
use crate::commands::{entry_report, request};
use crate::fetch::save_videos;
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
    let wait = WaitArgs::default();
    run(cli, args, &wait, false)
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
    let provider = backend.provider.as_ref();
    let output = args.output.as_deref();
    let reporter = Reporter {
        spinner: spinner("submitting"),
        json: cli.json,
    };
    let (entry, result) = if to_the_end {
        generate_journaled(
            provider,
            &request,
            &backend.policy,
            &journal,
            output,
            &reporter,
        )
        .await
    } else {
        submit_journaled(
            provider,
            &request,
            &backend.policy,
            &journal,
            output,
            &reporter,
        )
        .await
    };
    reporter.spinner.finish_and_clear();
    let task = match result {
        Ok(task) => task,
        Err(error) => {
            return Err((
                entry_report(&journal, entry).await.unwrap_or_default(),
                error,
            ));
        }
    };
    if to_the_end {
        if let Err(error) = save_videos(provider, &task, output, &journal, entry).await {
            let report = entry_report(&journal, entry)
                .await
                .unwrap_or_else(|| TaskReport::from_task(&task));
            return Err((report, error));
        }
    }
    Ok(entry_report(&journal, entry)
        .await
        .unwrap_or_else(|| TaskReport::from_task(&task)))
}
