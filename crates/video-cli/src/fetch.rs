//! Saving a task's videos: where each goes, streamed to disk atomically and hashed (by
//! core's `save_to_file`), recorded in the journal.

use std::path::{Path, PathBuf};

use video_core::{
    DownloadRecord, EntryId, IfExists, SaveOptions, Task, TaskStore, VideoError, VideoProvider,
    check_output_path, remove_stale_parts, save_to_file, update_entry,
};

use crate::progress::bytes_bar;

/// Where a task's videos go and what to do with a file already there.
#[derive(Debug, Clone)]
pub(crate) struct SavePlan {
    /// The first video's path (absolute); the others are numbered beside it.
    pub(crate) output: PathBuf,
    /// Explicit paths: refuse (or replace with `--force`); default names: keep both.
    pub(crate) if_exists: IfExists,
}

impl SavePlan {
    /// The plan for `output` as the user gave it (`None`: the default name for `task`).
    pub(crate) fn new(output: Option<&Path>, task: &Task, force: bool) -> Result<Self, VideoError> {
        match output {
            Some(path) => Ok(Self {
                output: absolute(path)?,
                if_exists: if force {
                    IfExists::Replace
                } else {
                    IfExists::Fail
                },
            }),
            None => Ok(Self {
                output: absolute(&default_name(task))?,
                if_exists: IfExists::KeepBoth,
            }),
        }
    }

    /// The plan for a path recorded in the journal: a default name keeps both; an explicit
    /// one is replaced only with `--force` (a file with the same bytes counts as saved).
    pub(crate) fn recorded(output: &Path, task: &Task, force: bool) -> Self {
        let is_default = output.file_name() == Some(default_name(task).as_os_str());
        let if_exists = match (is_default, force) {
            (_, true) => IfExists::Replace,
            (true, false) => IfExists::KeepBoth,
            (false, false) => IfExists::Fail,
        };
        Self {
            output: output.to_owned(),
            if_exists,
        }
    }
}

/// Checks, before anything is sent, that the video can be saved: `output` (absolute, and
/// returned) must name a file in an existing, writable folder and, without `force`, not an
/// existing file; with no output, the current folder must be writable.
pub(crate) fn check_before_submit(
    output: Option<&Path>,
    force: bool,
) -> Result<Option<PathBuf>, VideoError> {
    match output {
        Some(path) => {
            let if_exists = if force {
                IfExists::Replace
            } else {
                IfExists::Fail
            };
            check_output_path(path, if_exists).map_err(|error| match error {
                VideoError::InvalidRequest { field, reason }
                    if reason.contains("already exists") =>
                {
                    VideoError::invalid(
                        field,
                        format!(
                            "`{}` already exists: pass --force to replace it",
                            path.display()
                        ),
                    )
                }
                other => other,
            })?;
            Ok(Some(absolute(path)?))
        }
        None => {
            check_output_path(&absolute(Path::new("task.mp4"))?, IfExists::KeepBoth)?;
            Ok(None)
        }
    }
}

/// `<task id as a safe file stem>.mp4`: never a path outside the current folder.
pub(crate) fn default_name(task: &Task) -> PathBuf {
    PathBuf::from(format!("{}.mp4", task.id.file_stem()))
}

/// Where video `index` goes: `first` for the first, then `<stem>-2.mp4`, `<stem>-3.mp4`, ...
pub(crate) fn video_path(first: &Path, index: usize) -> PathBuf {
    if index == 0 {
        return first.to_owned();
    }
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = first
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mp4".into());
    first.with_file_name(format!("{stem}-{}.{extension}", index + 1))
}

/// `path` made absolute against the current folder (without touching the file system).
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, VideoError> {
    std::path::absolute(path).map_err(|source| VideoError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Downloads every video of a finished task, recording each in journal entry `entry`.
/// A finished task without videos is an error (nothing would be saved). Temporary files a
/// killed process left beside the targets are removed.
pub(crate) async fn save_videos(
    provider: &dyn VideoProvider,
    task: &Task,
    plan: &SavePlan,
    journal: &dyn TaskStore,
    entry: Option<EntryId>,
) -> Result<Vec<DownloadRecord>, VideoError> {
    if task.videos.is_empty() {
        return Err(VideoError::Decode {
            status: None,
            reason: format!("task {} finished without a video", task.id),
            excerpt: String::new(),
        });
    }
    // The folder may have gone since the path was recorded.
    check_output_path(&plan.output, IfExists::KeepBoth).map_err(|error| {
        VideoError::invalid(
            "output",
            format!("{error}; save it elsewhere with `video download ID --output PATH`"),
        )
    })?;
    let mut records = Vec::new();
    for (index, video) in task.videos.iter().enumerate() {
        let path = video_path(&plan.output, index);
        remove_stale_parts(&path);
        let stream = provider.download(video).await?;
        let bar = bytes_bar(stream.content_length());
        let options = SaveOptions::new()
            .if_exists(plan.if_exists)
            .on_progress(|p| bar.set_position(p.received));
        let saved = save_to_file(stream, &path, options).await;
        bar.finish_and_clear();
        let saved = saved.map_err(|error| explain_exists(error, &path))?;
        let record = DownloadRecord::new(
            index,
            video.url.clone(),
            saved.path.clone(),
            saved.bytes,
            saved.sha256.clone(),
        );
        if let Some(entry) = entry {
            update_entry(journal, entry, |e| e.apply_download(&record))
                .await
                .map_err(|error| unrecorded(error, &record))?;
        }
        records.push(record);
    }
    Ok(records)
}

/// A refused replacement, said in CLI terms.
fn explain_exists(error: VideoError, path: &Path) -> VideoError {
    match &error {
        VideoError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            VideoError::invalid(
                "output",
                format!(
                    "`{}` already holds a different file: pass --force to replace it, or \
                     `video download ID --output OTHER_PATH`",
                    path.display()
                ),
            )
        }
        _ => error,
    }
}

/// A journal write that failed after the video was saved: the error says where it is.
fn unrecorded(error: VideoError, record: &DownloadRecord) -> VideoError {
    VideoError::Journal {
        message: format!(
            "the video was saved at {} ({} bytes, sha256 {}), but the journal could not record \
             it ({error}); `video resume` records it later (it fetches the video again to check \
             the file is the same, and leaves the file as it is)",
            record.path.display(),
            record.bytes,
            record.sha256
        ),
        source: Some(Box::new(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::TaskStatus;

    #[test]
    fn video_paths_number_the_extra_videos() {
        let out = Path::new("clips/fox.mp4");
        assert_eq!(video_path(out, 0), PathBuf::from("clips/fox.mp4"));
        assert_eq!(video_path(out, 2), PathBuf::from("clips/fox-3.mp4"));
    }

    #[test]
    fn default_names_stay_in_the_folder() {
        let plain = Task::new("840", TaskStatus::Succeeded);
        assert_eq!(default_name(&plain), PathBuf::from("840.mp4"));
        let hostile = Task::new("../../x", TaskStatus::Succeeded);
        let name = default_name(&hostile);
        assert_eq!(name.components().count(), 1, "{name:?}");
        assert!(!name.to_string_lossy().starts_with('.'));
    }

    #[test]
    fn recorded_default_names_keep_both_and_explicit_ones_need_force() {
        let task = Task::new("840", TaskStatus::Succeeded);
        let default = SavePlan::recorded(Path::new("/work/840.mp4"), &task, false);
        assert_eq!(default.if_exists, IfExists::KeepBoth);
        let explicit = SavePlan::recorded(Path::new("/work/fox.mp4"), &task, false);
        assert_eq!(explicit.if_exists, IfExists::Fail);
        let forced = SavePlan::recorded(Path::new("/work/fox.mp4"), &task, true);
        assert_eq!(forced.if_exists, IfExists::Replace);
    }
}
