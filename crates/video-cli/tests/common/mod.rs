//! Running the `video` binary in a scratch folder with its own journal.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A scratch folder with a journal, and the environment the binary runs in.
pub struct Scratch {
    pub dir: TempDir,
    pub env: Vec<(String, String)>,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            env: vec![
                ("VIDEO_POLL_MS".into(), "50".into()),
                ("VIDEO_MOCK_RENDER_MS".into(), "300".into()),
            ],
        }
    }

    /// Points the binary at a (fake) relay.
    pub fn relay(mut self, base_url: &str, key: &str) -> Self {
        self.env.push(("DMXAPI_BASE_URL".into(), base_url.into()));
        self.env.push(("DMXAPI_API_KEY".into(), key.into()));
        self
    }

    /// Points the binary at the fake's Kling front (access key pair).
    pub fn kling(mut self, base_url: &str, access_key: &str, secret_key: &str) -> Self {
        self.env.push(("KLING_BASE_URL".into(), base_url.into()));
        self.env
            .push(("KLING_ACCESS_KEY".into(), access_key.into()));
        self.env
            .push(("KLING_SECRET_KEY".into(), secret_key.into()));
        self
    }

    /// Sets one more variable.
    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn journal(&self) -> PathBuf {
        self.path("journal.sqlite3")
    }

    /// The `video` command in the scratch folder, with a clean environment.
    pub fn video(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_video"));
        command
            .current_dir(self.dir.path())
            .env_remove("DMXAPI_API_KEY")
            .env_remove("DMXAPI_BASE_URL")
            .env_remove("KLING_ACCESS_KEY")
            .env_remove("KLING_SECRET_KEY")
            .env_remove("KLING_API_KEY")
            .env_remove("KLING_BASE_URL")
            .env_remove("KLING_MODEL")
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("OPENAI_AUTH_STYLE")
            .env_remove("OPENAI_VIDEO_MODEL")
            .env_remove("MINIMAX_API_KEY")
            .env_remove("MINIMAX_BASE_URL")
            .env_remove("RUNWAYML_API_SECRET")
            .env_remove("RUNWAYML_BASE_URL")
            .env("VIDEO_JOURNAL", self.journal())
            .args(args);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Runs on a blocking thread (so an in-process relay keeps serving).
    pub async fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::from_std(self.video(args));
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }
}

/// Waits (polling `video tasks`, up to 4 s) until the journal's newest entry is `submitted`:
/// the moment a test may kill the process that submitted it. Whether it got there.
pub async fn until_submitted(scratch: &Scratch) -> bool {
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let tasks = json(&scratch.run(&["--json", "tasks"]).await);
        if tasks["tasks"][0]["state"] == "submitted" {
            return true;
        }
    }
    false
}

/// Runs `video args` in `scratch`, waits until its submission is journaled `submitted`, and
/// kills it (SIGKILL) there: a process that died mid-wait. Whether the submission got there.
pub async fn killed_once_submitted(scratch: &Scratch, args: &[&str]) -> bool {
    let mut child = scratch
        .video(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let submitted = until_submitted(scratch).await;
    child.kill().unwrap();
    child.wait().unwrap();
    submitted
}

/// The exit code.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// stdout parsed as one JSON object (and nothing else).
pub fn json(output: &Output) -> Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {text}"))
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// SHA-256 of a file, lowercase hex.
pub fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn is_mp4(path: &Path) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.get(4..8) == Some(b"ftyp".as_slice()))
        .unwrap_or(false)
}

/// Whether the file parses as an MP4 with an H.264 video track that has a duration — what a
/// player needs (checked with a real MP4 parser, not by the magic bytes).
pub fn is_playable_mp4(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(context) = mp4parse::read_mp4(&mut std::io::Cursor::new(bytes)) else {
        return false;
    };
    context.tracks.iter().any(|track| {
        track.track_type == mp4parse::TrackType::Video
            && track.duration.is_some_and(|duration| duration.0 > 0)
            && track.stsd.as_ref().is_some_and(|stsd| {
                stsd.descriptions.iter().any(|entry| {
                    matches!(entry, mp4parse::SampleEntry::Video(video)
                        if video.codec_type == mp4parse::CodecType::H264)
                })
            })
    })
}

/// A PNG header declaring a 1024×768 image (enough for type and size sniffing).
pub fn write_png(path: &Path) {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&1024_u32.to_be_bytes());
    bytes.extend_from_slice(&768_u32.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(path, bytes).unwrap();
}
