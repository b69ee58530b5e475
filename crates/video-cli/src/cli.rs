//! The command line, as `clap` definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit codes, also shown in `--help`.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  unexpected error (I/O, journal, provider bug)
  2  invalid input or usage
  3  authentication, quota, forbidden or configuration
  4  task failed or content rejected
  5  timed out waiting (the task goes on: `video resume` finishes it)
  6  network, transient or unknown submission outcome (or one proven never created)
  7  over budget: not sent (`--max-cost`; a batch reports each line it did not send)
130  interrupted (Ctrl-C; 143 for SIGTERM): the task goes on, `video resume` finishes it";

/// Generate AI videos from a prompt. Every submission is journaled before it is sent, so a
/// paid task is never lost: `video resume` finishes what an interrupted run left.
#[derive(Debug, Parser)]
#[command(name = "video", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// Backend (default: the one provider configured in the environment, else the mock).
    /// `video providers` lists them.
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) provider: Option<String>,
    /// The model: a catalog model (`seedance-2.0`, `kling-v2.6`, `hailuo-2.3`), served by
    /// its first configured route (with `--provider`, that route), or a provider's own model
    /// id (default: the provider's). `video models` lists both.
    #[arg(long, global = true, value_name = "MODEL")]
    pub(crate) model: Option<String>,
    /// The routes to try first for a catalog model, in order (provider names, comma
    /// separated; default: $VIDEO_ROUTES, else the catalog's order).
    #[arg(long, global = true, value_name = "P1,P2", value_delimiter = ',')]
    pub(crate) routes: Vec<String>,
    /// A catalog file laid over the built-in catalog (default: $VIDEO_CATALOG): your own
    /// prices, routes and models.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// The task journal (default: $VIDEO_JOURNAL, else the platform data folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) journal: Option<PathBuf>,
    /// Print one JSON object on stdout and nothing else there.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// No progress lines on stderr (errors are still shown).
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// Allow plain http to a non-loopback API host or video host (the key would travel
    /// unencrypted); also each provider's `*_ALLOW_INSECURE_HTTP=1` (`video providers`).
    #[arg(long, global = true)]
    pub(crate) allow_insecure_http: bool,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Submit, wait and download (default output `<task_id>.mp4`).
    Generate(GenerateArgs),
    /// Submit and return at once with the task id.
    Submit(SubmitOnlyArgs),
    /// Generate one video per line of a JSON Lines file (`-` reads stdin), a few at a time.
    Batch(BatchArgs),
    /// Show a task's current status (one query).
    Status {
        /// The task id.
        id: String,
    },
    /// Wait until a task finishes.
    Wait {
        /// The task id.
        id: String,
        /// Wait options.
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Download a finished task's video.
    Download {
        /// The task id.
        id: String,
        /// Where to save it (default: the path recorded at submission, else `<task_id>.mp4`).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Replace an existing file at the output path.
        #[arg(long)]
        force: bool,
    },
    /// Cancel a running task where the provider can (`video models` shows which can); the
    /// journal records it `cancelled`.
    Cancel {
        /// The task id.
        id: String,
    },
    /// List the journal, newest first.
    Tasks,
    /// Settle by hand a submission whose outcome is unknown (the provider cannot look tasks
    /// up): you found its task in the provider's console (`--created TASK_ID`; `video
    /// resume` then finishes it), or it created none (`--not-created`; never resubmitted).
    Resolve(ResolveArgs),
    /// List the providers, how each is configured, and which one is used.
    Providers,
    /// List the model catalog: each model, its routes (which are configured here), what
    /// each route accepts and what it costs.
    Models,
    /// Write one self-contained HTML page of the journal's tasks: each video with its
    /// prompt, model, route, length, resolution, status, cost and time (opens offline).
    Gallery(GalleryArgs),
    /// Sum what the journal's tasks cost: estimates and the charges providers reported, by
    /// model, route and currency.
    Spend {
        /// Only entries written on or after this day (`YYYY-MM-DD`, UTC).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Finish every unfinished task in the journal: wait, then download. Submissions whose
    /// reply was lost are looked up by their client reference where the provider can (found:
    /// finished; absent after the grace period: reported as not created).
    Resume(ResumeArgs),
}

/// Options of `gallery` (`--model M` shows only that model: a catalog model or a
/// provider's model id).
#[derive(Debug, Args)]
pub(crate) struct GalleryArgs {
    /// Only entries written on or after this day (`YYYY-MM-DD`, UTC).
    #[arg(long, value_name = "DATE")]
    pub(crate) since: Option<String>,
    /// Only entries in this state (`downloaded`, `failed`, ...) or task status.
    #[arg(long, value_name = "STATUS")]
    pub(crate) status: Option<String>,
    /// The page to write.
    #[arg(long, value_name = "FILE", default_value = "video-gallery.html")]
    pub(crate) out: PathBuf,
}

/// Options of `resolve`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("answer").required(true).args(["created", "not_created"])))]
pub(crate) struct ResolveArgs {
    /// The journal entry: its number (`video tasks` shows it) or its client reference.
    pub(crate) entry: String,
    /// The submission created this task (its id as the provider's console shows it).
    #[arg(long, value_name = "TASK_ID")]
    pub(crate) created: Option<String>,
    /// The submission created no task.
    #[arg(long)]
    pub(crate) not_created: bool,
}

/// Options of `resume`.
#[derive(Debug, Args)]
pub(crate) struct ResumeArgs {
    /// Wait options.
    #[command(flatten)]
    pub(crate) wait: WaitArgs,
    /// Replace existing files at the recorded output paths.
    #[arg(long)]
    pub(crate) force: bool,
    /// Submit again (with the same client reference) the submissions the provider proved
    /// were never created; a provider that refuses duplicate references cannot bill twice.
    #[arg(long)]
    pub(crate) resubmit_unsent: bool,
    /// How long after a lost reply a task its reference does not find counts as never
    /// created.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub(crate) lookup_grace: u64,
}

/// Options of a submission.
#[derive(Debug, Args)]
pub(crate) struct SubmitArgs {
    /// What the video should show.
    pub(crate) prompt: String,
    /// What the video should avoid.
    #[arg(long)]
    pub(crate) negative_prompt: Option<String>,
    /// Image-to-video: the first frame, as an http(s) URL or a local image file (sent inline
    /// where the provider takes image bytes; refused before sending where it needs a URL).
    #[arg(long, value_name = "URL|PATH")]
    pub(crate) image: Option<String>,
    /// Image-to-video: the last frame (needs `--image`), as a URL or a local file.
    #[arg(long, value_name = "URL|PATH", requires = "image")]
    pub(crate) last_frame: Option<String>,
    /// Quality tier: `standard` or `high`, the provider's two tiers (`std` and `pro` are
    /// accepted too; `video models` lists each model's).
    #[arg(long, visible_alias = "mode", value_enum)]
    pub(crate) quality: Option<QualityArg>,
    /// Frame shape as WIDTH:HEIGHT (checked against the provider's list, e.g. 16:9, 9:16,
    /// 1:1).
    #[arg(long, value_name = "W:H")]
    pub(crate) aspect_ratio: Option<String>,
    /// Length in whole seconds (checked against the provider's list, e.g. 5 or 10).
    #[arg(long, value_name = "SECS")]
    pub(crate) duration: Option<u32>,
    /// Resolution: a tier (`720p`, `1080p`, `768P`, `4k`) or an exact size (`1792x1024`),
    /// checked against the model's list (`video models`).
    #[arg(long, value_name = "TIER|WxH")]
    pub(crate) resolution: Option<String>,
    /// A seed, where the model takes one (`video models` says which).
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Generated audio.
    #[arg(long, value_enum)]
    pub(crate) sound: Option<OnOff>,
    /// URL the provider notifies on each status change.
    #[arg(long)]
    pub(crate) callback_url: Option<String>,
    /// A provider-specific option, as KEY=VALUE (VALUE is read as JSON when it parses, else
    /// as text); repeatable. `video providers` lists what each provider takes.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub(crate) options: Vec<String>,
    /// Where the video will be saved (recorded for `resume`; default `<task_id>.mp4`). It
    /// must name a file in an existing, writable folder; checked before anything is sent.
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Replace an existing file at `--output` (otherwise it is refused before sending).
    #[arg(long)]
    pub(crate) force: bool,
}

/// Options of `batch`.
#[derive(Debug, Args)]
pub(crate) struct BatchArgs {
    /// One request per line, as JSON with `generate`'s options as fields: `prompt` (required),
    /// `negative_prompt`, `image`, `last_frame`, `quality`, `aspect_ratio`, `duration`,
    /// `resolution`, `seed`, `sound`, `callback_url`, `options` (an object), `output`, `force`. `-` reads stdin.
    pub(crate) file: PathBuf,
    /// How many jobs run at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) concurrency: u16,
    /// Where videos without an `output` go (as `<task_id>.mp4`; default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) output_dir: Option<PathBuf>,
    /// Wait options (for each job).
    #[command(flatten)]
    pub(crate) wait: WaitArgs,
    /// Cost options.
    #[command(flatten)]
    pub(crate) cost: CostArgs,
}

/// Options of `generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The submission.
    #[command(flatten)]
    pub(crate) submit: SubmitArgs,
    /// Wait options.
    #[command(flatten)]
    pub(crate) wait: WaitArgs,
    /// Cost options.
    #[command(flatten)]
    pub(crate) cost: CostArgs,
}

/// Options of `submit`.
#[derive(Debug, Args)]
pub(crate) struct SubmitOnlyArgs {
    /// The submission.
    #[command(flatten)]
    pub(crate) submit: SubmitArgs,
    /// Cost options.
    #[command(flatten)]
    pub(crate) cost: CostArgs,
}

/// What a submission may cost.
#[derive(Debug, Default, Args)]
pub(crate) struct CostArgs {
    /// Print the estimate and the checks the request passed; send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Cap what the budget (`--budget`) may reserve, with its currency, e.g. `2.50USD`. Each
    /// submission's estimate is reserved in the journal before it is sent; one that does not
    /// fit is not sent (exit 7). Shared by every run and process using the journal.
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) max_cost: Option<String>,
    /// The budget's name: runs naming the same budget share its cap.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "default",
        requires = "max_cost"
    )]
    pub(crate) budget: String,
    /// Under `--max-cost`, send requests whose price is unknown too (reserving nothing).
    #[arg(long, requires = "max_cost")]
    pub(crate) allow_unpriced: bool,
}

/// How to wait.
#[derive(Debug, Default, Args)]
pub(crate) struct WaitArgs {
    /// Wait in one long request instead of polling, where the provider offers it (`video
    /// models` says which do).
    #[arg(long)]
    pub(crate) stream: bool,
    /// Give up waiting after this many seconds, at most a week (the task goes on; `video
    /// resume` finishes it later).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub(crate) timeout: Option<u64>,
    /// When `--timeout` passes, cancel the task at the provider too (where it can), so it
    /// stops billing; the journal records it `cancelled`.
    #[arg(long, requires = "timeout")]
    pub(crate) cancel_on_timeout: bool,
}

/// Quality tiers, with `std` and `pro` as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum QualityArg {
    /// The provider's standard tier.
    #[value(alias = "std")]
    Standard,
    /// The provider's high tier.
    #[value(alias = "pro")]
    High,
}

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}
