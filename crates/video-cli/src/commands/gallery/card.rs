//! [`Card`]: one journal entry as the gallery shows it.

use std::path::{Component, Path, PathBuf};

use video_core::journal::{EntryState, JournalEntry};
use video_providers::Catalog;

use crate::dates::utc_minutes;
use crate::report::{charge_text, cost_text};
use crate::routes::model_of;

/// A video of a card: where the page finds it, or why it cannot.
pub(crate) enum Shown {
    /// Saved, and there: its URL relative to the page (or a `file:` URL), and a poster
    /// beside it when there is one.
    File { src: String, poster: Option<String> },
    /// Recorded as saved, but the file is gone.
    Missing(String),
    /// Not saved (yet).
    NotSaved,
}

/// One task, ready to print.
pub(crate) struct Card {
    pub(crate) entry: i64,
    pub(crate) task_id: Option<String>,
    pub(crate) prompt: String,
    /// The catalog model (else the provider's model id).
    pub(crate) model: String,
    /// `provider model-id`.
    pub(crate) route: String,
    pub(crate) duration: Option<String>,
    pub(crate) resolution: Option<String>,
    /// The journal state (`downloaded`, `failed`, ...).
    pub(crate) state: String,
    /// The task's last status (`succeeded`, `processing`, ...).
    pub(crate) status: Option<String>,
    pub(crate) cost: Option<String>,
    /// The estimate in millionths, for sorting (-1: unknown).
    pub(crate) cost_micros: i64,
    pub(crate) created: String,
    pub(crate) created_ms: u64,
    /// Why it did not succeed.
    pub(crate) reason: Option<String>,
    pub(crate) videos: Vec<Shown>,
}

impl Card {
    /// The card of `entry`, its files resolved against the page's `folder`.
    pub(crate) fn of(entry: &JournalEntry, catalog: &Catalog, folder: &Path) -> Self {
        let model = model_of(entry, catalog);
        let route = format!(
            "{} {}",
            entry.provider,
            entry.model.as_deref().unwrap_or("")
        );
        let request = &entry.request;
        let seconds = request
            .duration_secs
            .map(f64::from)
            .or_else(|| entry.videos.first().and_then(|v| v.duration_secs));
        let failed = !matches!(
            entry.state,
            EntryState::Downloaded | EntryState::Succeeded | EntryState::Submitted
        );
        Self {
            entry: entry.id,
            task_id: entry.task_id.as_ref().map(ToString::to_string),
            prompt: request.prompt.clone(),
            model,
            route: route.trim().to_owned(),
            duration: seconds.map(|s| format!("{s} s")),
            resolution: request.resolution.map(|r| r.to_string()),
            state: entry.state.to_string(),
            status: entry.status.as_ref().map(ToString::to_string),
            cost: cost_text(
                entry.estimate.as_ref().map(ToString::to_string).as_deref(),
                entry.charged.as_ref().and_then(charge_text).as_deref(),
            ),
            cost_micros: entry.estimate.as_ref().map_or(-1, |c| c.micros()),
            created: utc_minutes(entry.created_at),
            created_ms: video_core::provider::unix_millis::to_millis(entry.created_at),
            reason: failed.then(|| entry.message.clone()).flatten(),
            videos: videos(entry, folder),
        }
    }

    /// Whether it shows model `model` (a catalog id, or a provider's model id).
    pub(crate) fn is_model(&self, model: &str) -> bool {
        self.model.eq_ignore_ascii_case(model)
            || self
                .route
                .split_once(' ')
                .is_some_and(|(_, id)| id.eq_ignore_ascii_case(model))
    }

    /// Whether its journal state or task status is `status`.
    pub(crate) fn has_status(&self, status: &str) -> bool {
        self.state.eq_ignore_ascii_case(status)
            || self
                .status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(status))
    }
}

/// The entry's videos: each saved one by its path, checked now.
fn videos(entry: &JournalEntry, folder: &Path) -> Vec<Shown> {
    let count = entry.videos.len().max(entry.downloads.len()).max(1);
    (0..count)
        .map(|index| match entry.download_of(index) {
            Some(saved) if saved.path.is_file() => Shown::File {
                src: href(&saved.path, folder),
                poster: poster_of(&saved.path).map(|poster| href(&poster, folder)),
            },
            Some(saved) => Shown::Missing(saved.path.display().to_string()),
            None => Shown::NotSaved,
        })
        .collect()
}

/// A still saved beside the video (`fox.jpg` for `fox.mp4`), used as its poster.
fn poster_of(video: &Path) -> Option<PathBuf> {
    ["jpg", "jpeg", "png", "webp"]
        .iter()
        .map(|ext| video.with_extension(ext))
        .find(|path| path.is_file())
}

/// `target` as the page links it: relative to `folder` when they share a root, else a
/// `file:` URL; each segment percent-encoded.
pub(crate) fn href(target: &Path, folder: &Path) -> String {
    match relative(target, folder) {
        Some(relative) => encode_path(&relative),
        None => format!("file://{}", encode_path(target)),
    }
}

fn relative(target: &Path, folder: &Path) -> Option<PathBuf> {
    let target: Vec<Component<'_>> = target.components().collect();
    let folder: Vec<Component<'_>> = folder.components().collect();
    if target.first() != folder.first() {
        return None;
    }
    let shared = target
        .iter()
        .zip(&folder)
        .take_while(|(a, b)| a == b)
        .count();
    let mut path = PathBuf::new();
    for _ in shared..folder.len() {
        path.push("..");
    }
    for part in &target[shared..] {
        path.push(part.as_os_str());
    }
    Some(path)
}

/// A path as URL text: `/` between segments, everything but unreserved characters escaped.
fn encode_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_linked_relative_to_the_page_and_escaped() {
        let folder = Path::new("/home/me/out");
        assert_eq!(href(Path::new("/home/me/out/a b.mp4"), folder), "a%20b.mp4");
        assert_eq!(
            href(Path::new("/home/me/v/#1?.mp4"), folder),
            "../v/%231%3F.mp4"
        );
        assert_eq!(
            href(Path::new("/x/\"'<.mp4"), folder),
            "../../../x/%22%27%3C.mp4"
        );
    }
}
