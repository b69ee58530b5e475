//! One module per group of subcommands; each returns what to print.

mod inspect;
mod journal;
mod submit;

use video_core::{
    AspectRatio, EntryId, Quality, Sound, TaskStore, UnreadableEntry, VideoError, VideoRequest,
};

use crate::cli::{Cli, Command, Mode, OnOff, SubmitArgs};
use crate::report::{TaskReport, print_task, print_tasks};

/// Runs the command, prints its report and returns the exit code.
pub(crate) async fn run(cli: &Cli) -> u8 {
    match &cli.command {
        Command::Generate(args) => single(cli, submit::generate(cli, args).await),
        Command::Submit(args) => single(cli, submit::submit(cli, args).await),
        Command::Status { id } => single(cli, inspect::status(cli, id).await),
        Command::Wait { id, wait } => single(cli, inspect::wait(cli, id, wait).await),
        Command::Download { id, output, force } => single(
            cli,
            inspect::download(cli, id, output.as_deref(), *force).await,
        ),
        Command::Tasks => many(cli, journal::tasks(cli).await, "no tasks in the journal"),
        Command::Resume { wait, force } => many(
            cli,
            journal::resume(cli, wait, *force).await,
            "nothing to resume",
        ),
    }
}

/// Reports about journal entries, and the rows that could not be read.
pub(crate) type Listed = (Vec<TaskReport>, Vec<UnreadableEntry>);

fn single(cli: &Cli, report: TaskReport) -> u8 {
    print_task(&report, cli.json);
    report.exit_code()
}

/// Prints a listing. The exit code is the first entry's that is not 0, else 1 when a row
/// could not be read, else 0.
fn many(cli: &Cli, result: Result<Listed, VideoError>, when_empty: &str) -> u8 {
    match result {
        Ok((reports, unreadable)) => {
            print_tasks(&reports, &unreadable, cli.json, when_empty);
            reports
                .iter()
                .map(TaskReport::exit_code)
                .find(|&code| code != 0)
                .unwrap_or(u8::from(!unreadable.is_empty()))
        }
        Err(error) => single(cli, TaskReport::default().with_error(&error)),
    }
}

/// The request the options describe (checked against the provider when submitted).
pub(crate) fn request(args: &SubmitArgs) -> Result<VideoRequest, VideoError> {
    let mut builder = VideoRequest::builder(args.prompt.clone());
    if let Some(text) = &args.negative_prompt {
        builder = builder.negative_prompt(text.clone());
    }
    if let Some(mode) = args.mode {
        builder = builder.quality(match mode {
            Mode::Std => Quality::Standard,
            Mode::Pro => Quality::High,
        });
    }
    if let Some(ratio) = &args.aspect_ratio {
        builder = builder.aspect_ratio(ratio.parse::<AspectRatio>()?);
    }
    if let Some(duration) = &args.duration {
        let seconds = duration.parse().map_err(|_| {
            VideoError::invalid("duration_secs", format!("`{duration}` is not a number"))
        })?;
        builder = builder.duration_secs(seconds);
    }
    if let Some(sound) = args.sound {
        builder = builder.sound(match sound {
            OnOff::On => Sound::On,
            OnOff::Off => Sound::Off,
        });
    }
    if let Some(url) = &args.callback_url {
        builder = builder.callback_url(url.clone());
    }
    Ok(builder.build())
}

/// The report of journal entry `entry`, if it can be read.
pub(crate) async fn entry_report(
    journal: &dyn TaskStore,
    entry: Option<EntryId>,
) -> Option<TaskReport> {
    let entry = journal.entry(entry?).await.ok().flatten()?;
    Some(TaskReport::from_entry(&entry))
}
