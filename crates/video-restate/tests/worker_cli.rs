//! `video-worker` picks its provider through the registry: none configured and none named is
//! an error naming the choices (never a silent mock), an unknown name lists the known ones.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn worker(args: &[&str]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_video-worker"));
    for (name, _) in std::env::vars() {
        if name.starts_with("DMXAPI_") || name.starts_with("KLING_") {
            command.env_remove(name);
        }
    }
    let out = command
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn without_a_configured_provider_the_worker_says_which_to_name() {
    let (code, stderr) = worker(&[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("no provider is configured"), "{stderr}");
    assert!(
        stderr.contains("kling-dmx") && stderr.contains("mock"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_provider_lists_the_known_ones() {
    let (code, stderr) = worker(&["--provider", "sora"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("sora") && stderr.contains("kling"),
        "{stderr}"
    );
}
