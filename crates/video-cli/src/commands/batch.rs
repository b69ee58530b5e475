//! `video batch FILE`: one request per JSON line, run through the pipeline a few at a time,
//! journaled like `generate`; one result line per request, always with its task id once one
//! exists.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use futures::StreamExt;
use serde::Deserialize;
use video_core::cost::Pricer;
use video_core::journal::{EntryId, TaskStore};
use video_core::{Destination, Event, Generated, Job, Pipeline, TaskId, VideoError, VideoProvider};

use crate::cli::{BatchArgs, Cli, OnOff, QualityArg, SubmitArgs};
use crate::commands::cost::{add_by_currency, budget_of};
use crate::commands::{destination, entry_report, explained, request};
use crate::output::err;
use crate::progress::line_mode;
use crate::providers::build;
use crate::report::{ErrorReport, TaskReport, print_batch_line};
use crate::routes::{Route, catalog, refused_by_route, routes};
use crate::setup::journal;
use crate::text::clean;

/// The largest batch file read.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// One line of the file: `generate`'s options as fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    prompt: String,
    #[serde(default)]
    negative_prompt: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    last_frame: Option<String>,
    #[serde(default)]
    quality: Option<String>,
    #[serde(default)]
    aspect_ratio: Option<String>,
    #[serde(default)]
    duration: Option<u32>,
    #[serde(default)]
    resolution: Option<String>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    sound: Option<String>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    options: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    output: Option<PathBuf>,
    #[serde(default)]
    force: bool,
}

/// What the jobs' events told about each line.
#[derive(Debug, Default)]
struct Heard {
    ids: BTreeMap<usize, TaskId>,
    entries: BTreeMap<usize, EntryId>,
}

/// Runs the batch; prints each result as it comes; returns the exit code.
pub(crate) async fn batch(cli: &Cli, args: &BatchArgs) -> u8 {
    match run(cli, args).await {
        Ok(code) => code,
        Err(error) => super::failed(cli, &error),
    }
}

async fn run(cli: &Cli, args: &BatchArgs) -> Result<u8, VideoError> {
    let lines = read_lines(&args.file)?;
    let routes = routes(cli)?;
    let journal = journal(cli)?;
    let folder = args
        .output_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let mut outputs = HashSet::new();
    let mut code = 0;
    let mut pending = Vec::new();
    for (index, text) in lines.iter().enumerate() {
        match job(text, &folder, &mut outputs) {
            Ok(job) => pending.push((index, job)),
            Err(error) => {
                let report = TaskReport::default().with_error(&error);
                code = worst(code, report.exit_code());
                print_batch_line(index + 1, &report, cli.json);
            }
        }
    }
    if args.cost.dry_run {
        return Ok(worst(code, dry_run(cli, &routes, &pending)?));
    }
    let budget = budget_of(&args.cost)?;
    let mut over_budget = false;
    for (at, route) in routes.iter().enumerate() {
        let run = Run {
            cli,
            args,
            journal: &journal,
            budget: budget.clone(),
            last_route: at + 1 == routes.len(),
        };
        let (codes, refused) = run.through(route, pending).await?;
        over_budget |= codes.contains(&7);
        code = codes.into_iter().fold(code, worst);
        if refused.is_empty() {
            break;
        }
        let indexes: HashSet<usize> = refused.iter().copied().collect();
        let mut fresh = HashSet::new();
        pending = lines
            .iter()
            .enumerate()
            .filter(|(index, _)| indexes.contains(index))
            .filter_map(|(index, text)| Some((index, job(text, &folder, &mut fresh).ok()?)))
            .collect();
        if let Some(next) = routes.get(at + 1) {
            err!(
                "video: {} refused {} line(s) before creating any task; trying {}",
                route.row.name,
                pending.len(),
                next.row.name
            );
        }
    }
    Ok(if over_budget { 7 } else { code })
}

/// One pass of the batch through one route.
struct Run<'r> {
    cli: &'r Cli,
    args: &'r BatchArgs,
    journal: &'r video_journal::SqliteJournal,
    budget: Option<video_core::cost::Budget>,
    /// No route is left to fall back to.
    last_route: bool,
}

impl Run<'_> {
    /// Runs `jobs` (each with its line's index) through `route`; prints each result, except
    /// those the route refused without creating a task while another route is left (their
    /// indexes are returned, to be tried there). Returns the exit codes printed.
    async fn through(
        &self,
        route: &Route,
        jobs: Vec<(usize, Job)>,
    ) -> Result<(Vec<u8>, Vec<usize>), VideoError> {
        let cli = self.cli;
        let (provider, policy) = route.build(cli, &self.args.wait, self.last_route)?;
        let (positions, runnable): (Vec<usize>, Vec<Job>) = jobs.into_iter().unzip();
        let heard = Mutex::new(Heard::default());
        let lines_of = positions.clone();
        let mut pipeline = Pipeline::new(provider.as_ref())
            .policy(policy)
            .journal(self.journal)
            .pricing(catalog(cli)?)
            .on_job_event(|at, event| hear(&heard, at, lines_of[at] + 1, event));
        if let Some(budget) = &self.budget {
            pipeline = pipeline.budget(budget.clone());
        }
        let mut stream = pipeline.generate_all(runnable, usize::from(self.args.concurrency));
        let (mut codes, mut refused) = (Vec::new(), Vec::new());
        while let Some((at, result)) = stream.next().await {
            let index = positions[at];
            let by_route = matches!(&result, Err(error) if refused_by_route(error));
            if by_route && !self.last_route {
                refused.push(index);
                continue;
            }
            let report = report_of(self.journal, &heard, at, result).await;
            codes.push(report.exit_code());
            print_batch_line(index + 1, &report, cli.json);
        }
        Ok((codes, refused))
    }
}

/// `--dry-run`: each line's estimate on the first route and their total; nothing is sent.
fn dry_run(cli: &Cli, routes: &[Route], jobs: &[(usize, Job)]) -> Result<u8, VideoError> {
    let Some(route) = routes.first() else {
        return Ok(0);
    };
    let (provider, _) = build(route.row, cli, route.model.as_deref(), &Default::default())?;
    let catalog = catalog(cli)?;
    let mut code = 0;
    let mut totals: BTreeMap<String, video_core::cost::Money> = BTreeMap::new();
    let mut unpriced = 0;
    for (index, job) in jobs {
        let checked = provider.validate(&job.request);
        let estimate = catalog.estimate(provider.name(), provider.model(), &job.request);
        let line = index + 1;
        if let Err(error) = checked {
            let report = TaskReport::default().with_error(&error);
            code = worst(code, report.exit_code());
            print_batch_line(line, &report, cli.json);
            continue;
        }
        match &estimate.cost {
            Some(cost) => add_by_currency(&mut totals, cost),
            None => unpriced += 1,
        }
        let shown = estimate
            .cost
            .as_ref()
            .map_or_else(|| "unknown".to_owned(), ToString::to_string);
        if cli.json {
            let value = serde_json::json!({"line": line, "dry_run": true, "estimate": estimate.cost.as_ref().map(ToString::to_string), "basis": estimate.basis});
            crate::output::out!("{value}");
        } else {
            crate::output::out!(
                "#{line} dry run: {shown} ({}); checks passed",
                estimate.basis
            );
        }
    }
    let mut total: Vec<String> = totals.values().map(ToString::to_string).collect();
    if unpriced > 0 {
        total.push(format!("{unpriced} unpriced"));
    }
    err!(
        "dry run: nothing was sent; total {}",
        if total.is_empty() {
            "0".to_owned()
        } else {
            total.join(" + ")
        }
    );
    Ok(code)
}

/// The exit code of the batch: the first failure's class wins over success.
fn worst(code: u8, next: u8) -> u8 {
    if code == 0 { next } else { code }
}

/// The file's non-blank lines (at most [`MAX_FILE_BYTES`]).
fn read_lines(path: &Path) -> Result<Vec<String>, VideoError> {
    use std::io::Read;
    let io = |source| VideoError::Io {
        path: path.to_owned(),
        source,
    };
    let mut text = String::new();
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(io)?)
    };
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(VideoError::invalid(
            "file",
            format!("is larger than {MAX_FILE_BYTES} bytes; split it"),
        ));
    }
    Ok(text
        .lines()
        .map(str::to_owned)
        .filter(|line| !line.trim().is_empty())
        .collect())
}

/// One line as a job; a bad line is an error for that line only.
fn job(text: &str, folder: &Path, outputs: &mut HashSet<PathBuf>) -> Result<Job, VideoError> {
    let line: Line = serde_json::from_str(text)
        .map_err(|error| VideoError::invalid("line", format!("is not a valid request: {error}")))?;
    let args = SubmitArgs {
        prompt: line.prompt,
        negative_prompt: line.negative_prompt,
        image: line.image,
        last_frame: line.last_frame,
        quality: line.quality.as_deref().map(parse_quality).transpose()?,
        aspect_ratio: line.aspect_ratio,
        duration: line.duration,
        resolution: line.resolution,
        seed: line.seed,
        sound: line.sound.as_deref().map(parse_sound).transpose()?,
        callback_url: line.callback_url,
        options: Vec::new(),
        output: line.output.clone(),
        force: line.force,
    };
    let mut request = request(&args)?;
    request.extra.extend(line.options);
    let destination = match &line.output {
        Some(path) => {
            let absolute = std::path::absolute(path).map_err(|source| VideoError::Io {
                path: path.clone(),
                source,
            })?;
            if !outputs.insert(absolute) {
                return Err(VideoError::invalid(
                    "output",
                    format!("`{}` is the output of an earlier line", path.display()),
                ));
            }
            destination(Some(path), line.force)
        }
        None => Destination::folder(folder),
    };
    Ok(Job::new(request).save(destination))
}

fn parse_quality(text: &str) -> Result<QualityArg, VideoError> {
    clap::ValueEnum::from_str(text, true)
        .map_err(|_| VideoError::invalid("quality", format!("`{text}` is not standard or high")))
}

fn parse_sound(text: &str) -> Result<OnOff, VideoError> {
    clap::ValueEnum::from_str(text, true)
        .map_err(|_| VideoError::invalid("sound", format!("`{text}` is not on or off")))
}

/// Records ids and entries (by job) as they are known, and prints progress lines (with the
/// job's line number in the file) when stderr is not a terminal.
fn hear(heard: &Mutex<Heard>, job: usize, line: usize, event: &Event<'_>) {
    let mut heard = heard.lock().unwrap_or_else(PoisonError::into_inner);
    match event {
        Event::Journaled(entry) => {
            heard.entries.insert(job, *entry);
        }
        Event::Submitted(task) => {
            heard.ids.insert(job, task.id.clone());
            if line_mode() {
                err!("#{line} submitted: task {}", clean(task.id.as_str()));
            }
        }
        Event::StatusChanged(task) if line_mode() => {
            err!("#{line} status: {}", task.status);
        }
        Event::Saved { saved, .. } if line_mode() => {
            let path = saved.path.display().to_string();
            err!("#{line} saved: {} ({} bytes)", clean(&path), saved.bytes);
        }
        Event::SubmitRetry { error, pause }
        | Event::QueryRetry { error, pause }
        | Event::DownloadRetry { error, pause, .. }
            if line_mode() =>
        {
            let error = error.to_string();
            err!("#{line} retrying in {pause:.1?}: {}", clean(&error));
        }
        _ => {}
    }
}

/// The report of one finished job: its journal entry, with the error if it failed; the task
/// id whenever one exists.
async fn report_of(
    journal: &dyn TaskStore,
    heard: &Mutex<Heard>,
    at: usize,
    result: Result<Generated, VideoError>,
) -> TaskReport {
    let (entry, id) = {
        let heard = heard.lock().unwrap_or_else(PoisonError::into_inner);
        (heard.entries.get(&at).copied(), heard.ids.get(&at).cloned())
    };
    let mut report = entry_report(journal, entry).await.unwrap_or_default();
    if report.task_id.is_none() {
        report.task_id = id.map(|id| id.to_string());
    }
    match result {
        Ok(_) => report,
        Err(error) => {
            let shown = explained(&error).unwrap_or(error);
            report.error = Some(ErrorReport::from_error(&shown));
            report
        }
    }
}
