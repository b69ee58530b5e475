//! The temporary file a video is written to, moving it into place without replacing what
//! must not be replaced, syncing the folder, and cleaning up what killed processes left.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use super::{IfExists, hex};
use crate::error::VideoError;

/// Where a finished temporary file ended up.
#[derive(Debug)]
pub(super) enum Placed {
    /// Moved to this path.
    At(PathBuf),
    /// A file with the same bytes was already at this path; it was left as it is.
    AlreadyThere(PathBuf),
}

/// A temporary file beside the target that removes itself unless placed.
#[derive(Debug)]
pub(super) struct TempFile {
    path: PathBuf,
    placed: bool,
}

/// The temporary file's name for target `name` in process `pid`: `.NAME.PID-N.part`.
fn part_name(name: &str, pid: u32, n: u64) -> String {
    format!(".{name}.{pid}-{n}.part")
}

impl TempFile {
    /// Picks a fresh name beside `target` (same folder, so the move is atomic).
    pub(super) fn create_beside(target: &Path) -> Result<Self, VideoError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = target
            .file_name()
            .ok_or_else(|| VideoError::invalid("path", "must name a file"))?
            .to_string_lossy();
        let unique = part_name(
            &name,
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
        );
        Ok(Self {
            path: folder_of(target).join(unique),
            placed: false,
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the file to `target` as `if_exists` says; `bytes` and `sha256` describe it, to
    /// recognise an identical file already there (a missing `sha256` is computed from the
    /// file when a file of the same size is in the way). Syncs the folder afterwards.
    pub(super) async fn place(
        mut self,
        target: &Path,
        if_exists: IfExists,
        bytes: u64,
        sha256: &mut Option<String>,
    ) -> Result<Placed, VideoError> {
        let placed = match if_exists {
            IfExists::Replace => {
                tokio::fs::rename(&self.path, target)
                    .await
                    .map_err(io_error(target))?;
                self.placed = true;
                Placed::At(target.to_owned())
            }
            IfExists::Fail => self
                .place_new(target, bytes, sha256)
                .await?
                .ok_or_else(|| VideoError::Io {
                    path: target.to_owned(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "a different file is already there (choose another path, or allow \
                         replacing it)",
                    ),
                })?,
            IfExists::KeepBoth => self.place_beside(target, bytes, sha256).await?,
        };
        sync_folder(folder_of(target)).await;
        Ok(placed)
    }

    /// `target`, else `stem.1.ext`, `stem.2.ext`, ...: the first free or identical one.
    async fn place_beside(
        &mut self,
        target: &Path,
        bytes: u64,
        sha256: &mut Option<String>,
    ) -> Result<Placed, VideoError> {
        for n in 0..10_000_u32 {
            let candidate = numbered(target, n);
            if let Some(placed) = self.place_new(&candidate, bytes, sha256).await? {
                return Ok(placed);
            }
        }
        Err(VideoError::Io {
            path: target.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free name"),
        })
    }

    /// Moves the file to `target` unless another file is there: `None` when a different
    /// file is, `AlreadyThere` when the same bytes are.
    async fn place_new(
        &mut self,
        target: &Path,
        bytes: u64,
        sha256: &mut Option<String>,
    ) -> Result<Option<Placed>, VideoError> {
        // A hard link never replaces an existing file, so no check-then-move race.
        match tokio::fs::hard_link(&self.path, target).await {
            Ok(()) => {
                let _ = tokio::fs::remove_file(&self.path).await;
                self.placed = true;
                return Ok(Some(Placed::At(target.to_owned())));
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) if tokio::fs::try_exists(target).await.unwrap_or(true) => {}
            Err(_) => {
                // No hard links on this file system: move it (a file appearing in between
                // would be replaced; the window is this one call).
                tokio::fs::rename(&self.path, target)
                    .await
                    .map_err(io_error(target))?;
                self.placed = true;
                return Ok(Some(Placed::At(target.to_owned())));
            }
        }
        if !same_size(target, bytes).await {
            return Ok(None);
        }
        if sha256.is_none() {
            *sha256 = file_sha256(&self.path).await;
        }
        match (sha256.as_deref(), file_sha256(target).await) {
            (Some(ours), Some(theirs)) if ours == theirs => {
                Ok(Some(Placed::AlreadyThere(target.to_owned())))
            }
            _ => Ok(None),
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `target` for 0, else `stem.N.ext`.
fn numbered(target: &Path, n: u32) -> PathBuf {
    if n == 0 {
        return target.to_owned();
    }
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match target.extension() {
        Some(ext) => format!("{stem}.{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{n}"),
    };
    target.with_file_name(name)
}

/// Whether `path` is a regular file of exactly `bytes` bytes.
async fn same_size(path: &Path, bytes: u64) -> bool {
    tokio::fs::metadata(path)
        .await
        .is_ok_and(|meta| meta.is_file() && meta.len() == bytes)
}

/// The SHA-256 of the file at `path`, lowercase hex; `None` when it cannot be read.
async fn file_sha256(path: &Path) -> Option<String> {
    let mut file = tokio::fs::File::open(path).await.ok()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; 256 * 1024];
    loop {
        match file.read(&mut buf).await.ok()? {
            0 => break,
            n => hasher.update(&buf[..n]),
        }
    }
    Some(hex(&hasher.finalize()))
}

/// The folder `target` is in (`.` for a bare name).
pub(super) fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
pub(super) static FOLDER_SYNCS: AtomicU64 = AtomicU64::new(0);

/// Syncs a folder so a rename in it survives a power loss (Unix; a no-op elsewhere). A file
/// system that cannot sync folders is logged, not an error: the file itself is synced.
async fn sync_folder(folder: PathBuf) {
    #[cfg(test)]
    FOLDER_SYNCS.fetch_add(1, Ordering::Relaxed);
    #[cfg(unix)]
    {
        let synced = match tokio::fs::File::open(&folder).await {
            Ok(handle) => handle.sync_all().await,
            Err(error) => Err(error),
        };
        if let Err(error) = synced {
            tracing::debug!(folder = %folder.display(), %error, "folder not synced");
        }
    }
    #[cfg(not(unix))]
    let _ = folder;
}

pub(super) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> VideoError + '_ {
    move |source| VideoError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Removes the temporary files that killed processes left while saving to `target`
/// (`.NAME.PID-N.part` beside it, of processes no longer running), returning how many.
/// Temporary files of running processes are left alone; where liveness cannot be told (no
/// `/proc`), only files untouched for a day are removed.
pub(crate) fn remove_stale_parts(target: &Path) -> usize {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(folder_of(target)) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(middle) = file
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(".part"))
            else {
                return false;
            };
            let pid = middle.split('-').next().and_then(|p| p.parse::<u32>().ok());
            pid.is_some_and(|pid| is_stale(pid, &entry.path()))
        })
        .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
        .count()
}

fn is_stale(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if Path::new("/proc/self").exists() {
        return !Path::new(&format!("/proc/{pid}")).exists();
    }
    let day = std::time::Duration::from_secs(86_400);
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|age| age > day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_keep_the_extension() {
        let target = Path::new("clips/fox.mp4");
        assert_eq!(numbered(target, 0), PathBuf::from("clips/fox.mp4"));
        assert_eq!(numbered(target, 2), PathBuf::from("clips/fox.2.mp4"));
        assert_eq!(numbered(Path::new("fox"), 1), PathBuf::from("fox.1"));
    }

    #[test]
    fn stale_parts_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("fox.mp4");
        // A pid far above any real one is not running.
        let dead = dir.path().join(part_name("fox.mp4", 4_000_000_000, 0));
        let mine = dir.path().join(part_name("fox.mp4", std::process::id(), 7));
        let other = dir.path().join(part_name("cat.mp4", 4_000_000_000, 0));
        for path in [&dead, &mine, &other] {
            std::fs::write(path, b"partial").unwrap();
        }
        assert_eq!(remove_stale_parts(&target), 1);
        assert!(!dead.exists() && mine.exists() && other.exists());
    }
}
