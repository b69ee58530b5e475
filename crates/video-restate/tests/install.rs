//! scripts/restate-server.sh run by many tests at once, against a local registry: one
//! install, behind a lock, into a folder renamed into place when complete; every run prints
//! the same working binary, and the package is downloaded once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use base64::Engine;
use sha2::{Digest, Sha512};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VERSION: &str = "9.9.9-test";

fn platform() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-x64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "aarch64") => "darwin-arm64",
        _ => "darwin-x64",
    }
}

/// A package tarball holding `package/bin/restate-server`, a script printing a version.
fn tarball(dir: &std::path::Path) -> Vec<u8> {
    let bin = dir.join("package/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("restate-server"),
        format!("#!/bin/sh\necho \"restate-server {VERSION}\"\n"),
    )
    .unwrap();
    let out = dir.join("package.tgz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&out)
        .arg("-C")
        .arg(dir)
        .arg("package")
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_installs_install_once_and_all_get_a_finished_binary() {
    let work = tempfile::tempdir().unwrap();
    let package = format!("restate-server-{}", platform());
    let bytes = tarball(work.path());
    let integrity = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&bytes))
    );
    let registry = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/@restatedev/{package}/-/{package}-{VERSION}.tgz"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(bytes))
        .mount(&registry)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/@restatedev/{package}/{VERSION}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"dist":{{"integrity":"{integrity}"}}}}"#)),
        )
        .mount(&registry)
        .await;
    let target = work.path().join("target");
    let target_text = target.to_string_lossy().into_owned();
    let uri = registry.uri();
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let (target, uri) = (target_text.clone(), uri.clone());
            std::thread::spawn(move || {
                Command::new("bash")
                    .arg(common::script())
                    .env("CARGO_TARGET_DIR", &target)
                    .env("RESTATE_SERVER_REGISTRY", &uri)
                    .env("RESTATE_SERVER_VERSION", VERSION)
                    .output()
                    .unwrap()
            })
        })
        .collect();
    let outputs: Vec<_> = runs.into_iter().map(|run| run.join().unwrap()).collect();
    let expected = target.join(format!("restate-server-{VERSION}/bin/restate-server"));
    for out in &outputs {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            expected.to_string_lossy(),
            "every run prints the binary under CARGO_TARGET_DIR"
        );
    }
    let version = Command::new(&expected).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("restate-server {VERSION}")
    );
    let downloads = registry
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|request| request.url.path().ends_with(".tgz"))
        .count();
    assert_eq!(downloads, 1, "installed once");
    let leftovers: Vec<_> = std::fs::read_dir(&target)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(".restate-server")
        })
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}
