//! Checking, before anything is paid for, that a video can be saved where the caller asks.

use std::path::Path;

use super::IfExists;
use super::temp::folder_of;
use crate::error::VideoError;

/// Checks that `path` names a file that can be created in an existing, writable folder:
/// not `.`, `..` or a path ending in a separator, not an existing folder or special file,
/// and (with [`IfExists::Fail`]) not an existing file. The folder is tested by creating and
/// removing a small file in it, which also catches read-only and special file systems.
///
/// Call it before submitting, so a bad path fails before the task is paid for.
///
/// # Errors
/// [`VideoError::InvalidRequest`] for field `output`, saying what is wrong.
///
/// ```
/// use video_core::{check_output_path, IfExists};
/// let dir = tempfile::tempdir().unwrap();
/// assert!(check_output_path(&dir.path().join("fox.mp4"), IfExists::Fail).is_ok());
/// assert!(check_output_path(&dir.path().join("missing/fox.mp4"), IfExists::Fail).is_err());
/// assert!(check_output_path(dir.path(), IfExists::Fail).is_err());
/// ```
pub fn check_output_path(path: &Path, if_exists: IfExists) -> Result<(), VideoError> {
    let invalid = |reason: String| VideoError::invalid("output", reason);
    let shown = path.display();
    let text = path.as_os_str().to_string_lossy();
    let names_a_folder = text.ends_with(std::path::MAIN_SEPARATOR)
        || text.ends_with('/')
        || path.file_name().is_none()
        || path.ends_with(".")
        || text.ends_with("/.")
        || text == ".";
    if names_a_folder {
        return Err(invalid(format!("`{shown}` names a folder, not a file")));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(invalid(format!("`{shown}` is a folder, not a file")));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(invalid(format!("`{shown}` is a special file")));
        }
        Ok(_) if if_exists == IfExists::Fail => {
            return Err(VideoError::invalid_by(
                "output",
                crate::error::Rule::Combination {
                    with: "if_exists".to_owned(),
                },
                format!("`{shown}` already exists (choose another path, or allow replacing it)"),
            ));
        }
        _ => {}
    }
    let folder = folder_of(path);
    match std::fs::metadata(&folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(invalid(format!("`{}` is not a folder", folder.display()))),
        Err(_) => {
            return Err(invalid(format!(
                "the folder `{}` does not exist",
                folder.display()
            )));
        }
    }
    probe_writable(&folder).map_err(|error| {
        invalid(format!(
            "cannot create files in `{}`: {error}",
            folder.display()
        ))
    })
}

/// Creates and removes a small file in `folder`.
fn probe_writable(folder: &Path) -> std::io::Result<()> {
    let probe = folder.join(format!(".video-write-probe-{}", std::process::id()));
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
    };
    let file = match create() {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            // A probe of ours that a crash left: remove it and try again.
            std::fs::remove_file(&probe)?;
            create()?
        }
        other => other?,
    };
    drop(file);
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(path: &Path, if_exists: IfExists) -> String {
        match check_output_path(path, if_exists) {
            Err(VideoError::InvalidRequest { field, reason, .. }) => {
                assert_eq!(field, "output");
                reason
            }
            other => panic!("{path:?}: {other:?}"),
        }
    }

    #[test]
    fn folders_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(reason(dir.path(), IfExists::Fail).contains("folder"));
        for name in [".", "..", "sub/"] {
            assert!(
                reason(&dir.path().join(name), IfExists::Fail).contains("folder"),
                "{name}"
            );
        }
        assert!(reason(Path::new("."), IfExists::Replace).contains("folder"));
        assert!(reason(Path::new(".."), IfExists::Replace).contains("folder"));
        let missing = dir.path().join("missing/dir/v.mp4");
        assert!(reason(&missing, IfExists::Fail).contains("does not exist"));
    }

    #[test]
    fn existing_files_only_with_permission() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.mp4");
        std::fs::write(&path, b"old").unwrap();
        assert!(reason(&path, IfExists::Fail).contains("already exists"));
        assert!(check_output_path(&path, IfExists::Replace).is_ok());
        assert!(check_output_path(&path, IfExists::KeepBoth).is_ok());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the probe is removed");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn special_and_read_only_file_systems_are_refused() {
        assert!(reason(Path::new("/proc/video.mp4"), IfExists::Fail).contains("cannot create"));
        assert!(reason(Path::new("/dev/null"), IfExists::Replace).contains("special"));
    }
}
