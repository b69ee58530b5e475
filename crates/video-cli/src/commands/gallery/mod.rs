//! `video gallery`: one self-contained HTML page of the journal's tasks (their videos by
//! relative path, prompt, model and route, length, resolution, status, cost, time, and why
//! a task failed), to look at a batch instead of opening files one by one.

mod card;
mod html;

use std::path::{Path, PathBuf};

use video_core::VideoError;
use video_core::journal::TaskStore;

use crate::cli::{Cli, GalleryArgs};
use crate::dates::day_start;
use crate::output::out;
use crate::routes::catalog;
use crate::setup::journal;

use card::Card;

/// Writes the page; prints its path; returns the exit code.
pub(crate) async fn gallery(cli: &Cli, args: &GalleryArgs) -> u8 {
    match write(cli, args).await {
        Ok((path, shown)) => {
            if cli.json {
                let value = serde_json::json!({ "path": path, "tasks": shown });
                out!("{value}");
            } else {
                out!("{}", path.display());
            }
            0
        }
        Err(error) => super::failed(cli, &error),
    }
}

async fn write(cli: &Cli, args: &GalleryArgs) -> Result<(PathBuf, usize), VideoError> {
    let since = args.since.as_deref().map(day_start).transpose()?;
    let out = std::path::absolute(&args.out).map_err(|source| VideoError::Io {
        path: args.out.clone(),
        source,
    })?;
    let folder = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    let catalog = catalog(cli)?;
    let listing = journal(cli)?.entries().await?;
    let wanted_model = cli.model.as_deref().map(|name| {
        catalog
            .find(name)
            .map_or_else(|| name.to_owned(), |model| model.id.clone())
    });
    let cards: Vec<Card> = listing
        .entries
        .iter()
        .filter(|entry| since.is_none_or(|since| entry.created_at >= since))
        .map(|entry| Card::of(entry, catalog, &folder))
        .filter(|card| wanted_model.as_deref().is_none_or(|m| card.is_model(m)))
        .filter(|card| args.status.as_deref().is_none_or(|s| card.has_status(s)))
        .collect();
    let page = html::page(&cards, &catalog.as_of);
    save(&out, page.as_bytes())?;
    Ok((out, cards.len()))
}

/// Writes `bytes` to `path` through a temporary file beside it (a reader never sees half).
fn save(path: &Path, bytes: &[u8]) -> Result<(), VideoError> {
    let io = |source| VideoError::Io {
        path: path.to_owned(),
        source,
    };
    let temp = path.with_extension("html.partial");
    std::fs::write(&temp, bytes).map_err(io)?;
    std::fs::rename(&temp, path).map_err(io)
}
