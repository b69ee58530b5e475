//! Which provider, journal and wait policy a command uses.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use video_core::{PollPolicy, VideoError, VideoProvider};
use video_journal::{JournalOptions, SqliteJournal};
use video_kling_dmx::{ENV_API_KEY, KlingDmxClientBuilder, QueryMode};
use video_mock::{MockClock, MockProvider};

use crate::cli::{Cli, ProviderName, WaitArgs};

/// Environment variable naming the journal file (below `--journal`).
pub(crate) const ENV_JOURNAL: &str = "VIDEO_JOURNAL";
/// Environment variable setting a fixed poll interval in milliseconds (for tests and demos).
pub(crate) const ENV_POLL_MS: &str = "VIDEO_POLL_MS";
/// Environment variable setting the mock's render time in milliseconds (default 3000).
pub(crate) const ENV_MOCK_RENDER_MS: &str = "VIDEO_MOCK_RENDER_MS";
/// How long the mock takes to render by default, in real time.
const MOCK_RENDER: Duration = Duration::from_secs(3);

/// A provider with the policy to wait for its tasks.
#[derive(Debug, Clone)]
pub(crate) struct Backend {
    pub(crate) provider: Arc<dyn VideoProvider>,
    pub(crate) policy: PollPolicy,
}

/// The provider to use: the flag, else `kling-dmx` when a key is set, else the mock (with a
/// notice on stderr).
pub(crate) fn provider_name(cli: &Cli) -> ProviderName {
    if let Some(name) = cli.provider {
        return name;
    }
    if std::env::var(ENV_API_KEY).is_ok_and(|key| !key.trim().is_empty()) {
        return ProviderName::KlingDmx;
    }
    eprintln!("notice: {ENV_API_KEY} is not set; using the mock provider (--provider mock)");
    ProviderName::Mock
}

/// The provider called `name` in the journal (`kling-dmx` or `mock`).
pub(crate) fn provider_from_journal(name: &str) -> Option<ProviderName> {
    match name {
        video_kling_dmx::PROVIDER_NAME => Some(ProviderName::KlingDmx),
        "mock" => Some(ProviderName::Mock),
        _ => None,
    }
}

/// Builds the backend.
pub(crate) fn backend(name: ProviderName, wait: &WaitArgs) -> Result<Backend, VideoError> {
    let (provider, mut policy): (Arc<dyn VideoProvider>, PollPolicy) = match name {
        ProviderName::KlingDmx => {
            let mode = if wait.stream {
                QueryMode::Stream
            } else {
                QueryMode::Json
            };
            let client = KlingDmxClientBuilder::from_env().query_mode(mode).build()?;
            (Arc::new(client), PollPolicy::default())
        }
        ProviderName::Mock => {
            let mock = MockProvider::builder()
                .clock(MockClock::Wall)
                .render_time(env_millis(ENV_MOCK_RENDER_MS).unwrap_or(MOCK_RENDER))
                .build();
            (
                Arc::new(mock),
                PollPolicy::fixed(Duration::from_millis(500)),
            )
        }
    };
    if let Some(interval) = env_millis(ENV_POLL_MS) {
        policy = policy
            .with_first_delay(interval)
            .with_interval(interval, 1.0, interval);
        policy.submit_retry = policy.submit_retry.with_delays(interval, interval * 4);
    }
    if let Some(seconds) = wait.timeout {
        policy = policy.with_deadline(Duration::from_secs(seconds));
    }
    Ok(Backend { provider, policy })
}

/// A duration in milliseconds from an environment variable.
fn env_millis(name: &str) -> Option<Duration> {
    let millis = std::env::var(name).ok()?.trim().parse().ok()?;
    Some(Duration::from_millis(millis))
}

/// Environment variable setting how long a journal write waits for another process's lock,
/// in milliseconds (default 10 000; each write tries three times).
pub(crate) const ENV_JOURNAL_BUSY_MS: &str = "VIDEO_JOURNAL_BUSY_MS";

/// Opens the journal: `--journal`, else `$VIDEO_JOURNAL`, else the platform data folder.
pub(crate) fn journal(cli: &Cli) -> Result<SqliteJournal, VideoError> {
    let mut options = JournalOptions::default();
    if let Some(busy) = env_millis(ENV_JOURNAL_BUSY_MS) {
        options = options.with_busy_timeout(busy);
    }
    SqliteJournal::open_with(&journal_path(cli), options)
}

fn journal_path(cli: &Cli) -> PathBuf {
    if let Some(path) = &cli.journal {
        return path.clone();
    }
    if let Some(path) = std::env::var_os(ENV_JOURNAL).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    directories::ProjectDirs::from("", "", "video-sdk").map_or_else(
        || PathBuf::from("video-journal.sqlite3"),
        |dirs| dirs.data_dir().join("journal.sqlite3"),
    )
}

/// Whether progress bars may be drawn (stderr is a terminal).
pub(crate) fn bars_enabled() -> bool {
    std::io::stderr().is_terminal()
}
