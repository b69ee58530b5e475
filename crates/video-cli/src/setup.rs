//! What every command sets up: the journal (where it is, how patient its writes are) and
//! whether progress may be drawn.

use std::io::IsTerminal;
use std::path::PathBuf;

use video_core::VideoError;
use video_journal::{JournalOptions, SqliteJournal};

use crate::cli::Cli;
use crate::providers::env_millis;

/// Environment variable naming the journal file (below `--journal`).
pub(crate) const ENV_JOURNAL: &str = "VIDEO_JOURNAL";

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
