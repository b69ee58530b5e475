//! Where a job's videos go: [`Destination`], and the file each video ends up in.

use std::path::{Path, PathBuf};

use crate::error::VideoError;
use crate::save::{IfExists, check_output_path};
use crate::task::Task;

/// Where the pipeline saves a task's videos. Paths are made absolute when the job starts,
/// so a later process (resuming from the journal) saves to the same place from any folder.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Destination {
    /// This file (the task's further videos are numbered beside it: `fox-2.mp4`, ...).
    File {
        /// The first video's path.
        path: PathBuf,
        /// What to do when a file is already there.
        if_exists: IfExists,
    },
    /// This folder, as `<task id>.mp4` (made safe with [`crate::TaskId::file_stem`]); a
    /// different file already there is kept, the video saved beside it.
    Folder(PathBuf),
}

impl Destination {
    /// A file destination that refuses to replace an existing file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::File {
            path: path.into(),
            if_exists: IfExists::Fail,
        }
    }

    /// A folder destination.
    pub fn folder(path: impl Into<PathBuf>) -> Self {
        Self::Folder(path.into())
    }

    /// The same destination with absolute paths.
    pub(crate) fn absolute(&self) -> Result<Self, VideoError> {
        Ok(match self {
            Self::File { path, if_exists } => Self::File {
                path: absolute(path)?,
                if_exists: *if_exists,
            },
            Self::Folder(folder) => Self::Folder(absolute(folder)?),
        })
    }

    /// Checks, before anything is paid for, that a video can be saved here (what the
    /// pipeline checks before submitting; a dry run calls it alone).
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] on `output` (a file there and no permission to replace
    /// it, a folder that does not exist) or [`VideoError::Io`].
    pub fn preflight(&self) -> Result<(), VideoError> {
        self.absolute()?.check()
    }

    /// Checks, before anything is paid for, that a video can be saved here.
    pub(crate) fn check(&self) -> Result<(), VideoError> {
        match self {
            Self::File { path, if_exists } => check_output_path(path, *if_exists),
            Self::Folder(folder) => check_output_path(&folder.join("task.mp4"), IfExists::KeepBoth),
        }
    }

    /// The first video's file and the rule for an existing file, once the task is known.
    pub(crate) fn target(&self, task: &Task) -> Target {
        match self {
            Self::File { path, if_exists } => Target {
                path: path.clone(),
                if_exists: *if_exists,
            },
            Self::Folder(folder) => Target {
                path: folder.join(format!("{}.mp4", task.id.file_stem())),
                if_exists: IfExists::KeepBoth,
            },
        }
    }
}

/// The file a task's first video goes to, and what to do with a file already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) path: PathBuf,
    pub(crate) if_exists: IfExists,
}

impl Target {
    /// Where video `index` goes: the path for the first, then `<stem>-2.<ext>`, ...
    pub(crate) fn video_path(&self, index: usize) -> PathBuf {
        if index == 0 {
            return self.path.clone();
        }
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let extension = self
            .path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_else(|| "mp4".into());
        self.path
            .with_file_name(format!("{stem}-{}.{extension}", index + 1))
    }
}

fn absolute(path: &Path) -> Result<PathBuf, VideoError> {
    std::path::absolute(path).map_err(|source| VideoError::Io {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::TaskStatus;

    #[test]
    fn further_videos_are_numbered_beside_the_first() {
        let target = Target {
            path: PathBuf::from("clips/fox.mp4"),
            if_exists: IfExists::Fail,
        };
        assert_eq!(target.video_path(0), PathBuf::from("clips/fox.mp4"));
        assert_eq!(target.video_path(2), PathBuf::from("clips/fox-3.mp4"));
    }

    #[test]
    fn folder_targets_use_a_safe_stem_and_keep_both() {
        let task = Task::new("../../x", TaskStatus::Succeeded);
        let target = Destination::folder("/out").target(&task);
        assert_eq!(target.path.parent(), Some(Path::new("/out")));
        assert_eq!(target.if_exists, IfExists::KeepBoth);
        let file = Destination::file("fox.mp4").target(&task);
        assert_eq!(file.path, PathBuf::from("fox.mp4"));
    }
}
