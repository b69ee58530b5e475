//! One module per group of subcommands; each returns what to print.

mod batch;
pub(crate) mod cost;
mod gallery;
mod generate;
mod inspect;
mod journal;
mod listing;
mod models;
mod resolve;
mod spend;

use std::path::Path;

use video_core::journal::{EntryId, TaskStore, UnreadableEntry};
use video_core::{
    AspectRatio, DEFAULT_MAX_IMAGE_BYTES, Destination, ExtraOptions, IfExists, Image, Quality,
    Rule, Sound, VideoError, VideoRequest,
};

use crate::cli::{Cli, Command, OnOff, QualityArg, SubmitArgs};
use crate::report::{TaskReport, print_task, print_tasks};

/// Runs the command, prints its report and returns the exit code.
pub(crate) async fn run(cli: &Cli) -> u8 {
    match &cli.command {
        Command::Generate(args) if args.cost.dry_run => {
            cost::dry_run(cli, &args.submit, &args.cost).await
        }
        Command::Submit(args) if args.cost.dry_run => {
            cost::dry_run(cli, &args.submit, &args.cost).await
        }
        Command::Generate(args) => single(cli, generate::generate(cli, args).await),
        Command::Submit(args) => single(cli, generate::submit(cli, args).await),
        Command::Batch(args) => batch::batch(cli, args).await,
        Command::Status { id } => single(cli, inspect::status(cli, id).await),
        Command::Wait { id, wait } => single(cli, inspect::wait(cli, id, wait).await),
        Command::Download { id, output, force } => single(
            cli,
            inspect::download(cli, id, output.as_deref(), *force).await,
        ),
        Command::Cancel { id } => single(cli, inspect::cancel(cli, id).await),
        Command::Tasks => many(cli, journal::tasks(cli).await, "no tasks in the journal"),
        Command::Resolve(args) => single(cli, resolve::resolve(cli, args).await),
        Command::Providers => {
            listing::providers(cli.json);
            0
        }
        Command::Models => models::models(cli),
        Command::Spend { since } => spend::spend(cli, since.as_deref()).await,
        Command::Gallery(args) => gallery::gallery(cli, args).await,
        Command::Resume(args) => many(cli, journal::resume(cli, args).await, "nothing to resume"),
    }
}

/// Reports about journal entries, and the rows that could not be read.
pub(crate) type Listed = (Vec<TaskReport>, Vec<UnreadableEntry>);

fn single(cli: &Cli, report: TaskReport) -> u8 {
    print_task(&report, cli.json);
    report.exit_code()
}

/// Prints `error` as the command's report; returns its exit code.
pub(crate) fn failed(cli: &Cli, error: &VideoError) -> u8 {
    single(cli, TaskReport::default().with_error(error))
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

/// The request the options describe; the pipeline checks it against the provider's
/// capabilities before anything is sent.
pub(crate) fn request(args: &SubmitArgs) -> Result<VideoRequest, VideoError> {
    let mut builder = VideoRequest::builder(args.prompt.clone());
    if let Some(text) = &args.negative_prompt {
        builder = builder.negative_prompt(text.clone());
    }
    if args.last_frame.is_some() && args.image.is_none() {
        return Err(VideoError::invalid(
            "--last-frame",
            "needs a first frame too: pass --image (`image` in a batch line)",
        ));
    }
    if let Some(first) = &args.image {
        let first = image("--image", first)?;
        builder = match &args.last_frame {
            Some(last) => builder.images(first, image("--last-frame", last)?),
            None => builder.image(first),
        };
    }
    if let Some(quality) = args.quality {
        builder = builder.quality(match quality {
            QualityArg::Standard => Quality::Standard,
            QualityArg::High => Quality::High,
        });
    }
    if let Some(ratio) = &args.aspect_ratio {
        builder = builder.aspect_ratio(ratio.parse::<AspectRatio>()?);
    }
    if let Some(seconds) = args.duration {
        builder = builder.duration_secs(seconds);
    }
    if let Some(resolution) = &args.resolution {
        builder = builder.resolution(resolution.parse::<video_core::Resolution>()?);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
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
    for (key, value) in extra_options(&args.options)? {
        builder = builder.extra(key, value);
    }
    Ok(builder.build())
}

/// `--image` or `--last-frame`: an `http(s)` URL as is, anything else a local image file
/// (read here, at most [`DEFAULT_MAX_IMAGE_BYTES`], its type sniffed from its bytes).
fn image(flag: &str, given: &str) -> Result<Image, VideoError> {
    let lower = given.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Ok(Image::url(given));
    }
    if lower.contains("://") {
        return Err(VideoError::invalid(
            flag,
            format!("`{given}` is neither an http(s) URL nor a local file"),
        ));
    }
    Image::from_file(Path::new(given), DEFAULT_MAX_IMAGE_BYTES).map_err(|error| match error {
        VideoError::InvalidRequest { reason, .. } => VideoError::invalid(flag, reason),
        VideoError::Io { source, .. } => {
            VideoError::invalid(flag, format!("`{given}` cannot be read: {source}"))
        }
        other => other,
    })
}

/// `--option KEY=VALUE` pairs; a value is JSON when it parses as JSON, else text.
fn extra_options(options: &[String]) -> Result<ExtraOptions, VideoError> {
    let mut extra = ExtraOptions::new();
    for option in options {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| VideoError::invalid("option", format!("`{option}` is not KEY=VALUE")))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(VideoError::invalid(
                "option",
                format!("`{option}` has no key"),
            ));
        }
        let value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        extra.insert(key.to_owned(), value);
    }
    Ok(extra)
}

/// Where videos go: `--output` (replaced only with `--force`), else the current folder
/// under the task id.
pub(crate) fn destination(output: Option<&Path>, force: bool) -> Destination {
    match output {
        Some(path) => Destination::File {
            path: path.to_owned(),
            if_exists: if force {
                IfExists::Replace
            } else {
                IfExists::Fail
            },
        },
        None => Destination::folder("."),
    }
}

/// An error said in the command's terms (its flags), decided on the error's field and
/// [`Rule`], never on its text; `None` when the error says it well already.
pub(crate) fn explained(error: &VideoError) -> Option<VideoError> {
    let root = error.root();
    match (root, root.rule()) {
        (VideoError::InvalidRequest { field, .. }, Some(Rule::Form { needed }))
            if (field == "first_frame" || field == "last_frame") && needed == "url" =>
        {
            let flag = if field == "first_frame" {
                "--image"
            } else {
                "--last-frame"
            };
            let reason = format!(
                "is a local file, but this provider needs an image URL: upload the image where \
                 the provider can fetch it and pass that https:// URL to {flag}"
            );
            Some(in_task_of(
                error,
                VideoError::invalid_by(
                    flag,
                    Rule::Form {
                        needed: needed.clone(),
                    },
                    reason,
                ),
            ))
        }
        (VideoError::InvalidRequest { field, reason, .. }, Some(Rule::Combination { with }))
            if field == "output" && with == "if_exists" =>
        {
            let rule = Rule::Combination { with: with.clone() };
            let reason = format!("{reason}: pass --force to replace it");
            Some(in_task_of(
                error,
                VideoError::invalid_by("output", rule, reason),
            ))
        }
        (VideoError::Io { source, path }, _)
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            let reason = format!(
                "`{}` already holds a different file: pass --force to replace it, or \
                 `video download ID --output OTHER_PATH`",
                path.display()
            );
            Some(in_task_of(error, VideoError::invalid("output", reason)))
        }
        _ => None,
    }
}

/// `replacement`, naming the task `original` names.
fn in_task_of(original: &VideoError, replacement: VideoError) -> VideoError {
    match original.task_id() {
        Some(id) => replacement.in_task(id),
        None => replacement,
    }
}

/// The report of journal entry `entry`, if it can be read.
pub(crate) async fn entry_report(
    journal: &dyn TaskStore,
    entry: Option<EntryId>,
) -> Option<TaskReport> {
    let entry = journal.entry(entry?).await.ok().flatten()?;
    Some(TaskReport::from_entry(&entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_json_when_they_parse_and_text_otherwise() {
        let extra = extra_options(&[
            "cfg_scale=0.5".into(),
            "camera={\"type\":\"simple\"}".into(),
            "style=anime".into(),
        ])
        .unwrap();
        assert_eq!(extra["cfg_scale"], serde_json::json!(0.5));
        assert_eq!(extra["camera"]["type"], "simple");
        assert_eq!(extra["style"], "anime");
        assert!(extra_options(&["novalue".into()]).is_err());
        assert!(extra_options(&["=1".into()]).is_err());
    }
}
