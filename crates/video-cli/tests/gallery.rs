//! `video gallery` against a journal made by a real batch against the fake: the page lists
//! every task, escapes what prompts and servers wrote, shows a missing file as missing, links
//! the saved videos by relative path and asks for nothing over the network; in headless
//! Chromium each saved video loads its metadata with its real duration, and a screenshot is
//! taken. A page of 200 tasks stays under 300 KB.
//!
//! The browser part needs Debian's `chromium` (`.ci/run` installs it and sets
//! `VIDEO_REQUIRE_BROWSER=1`, which makes its absence a failure).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Scratch, code, json, stderr};
use video_core::journal::{DownloadRecord, JournalEntry, TaskStore, update_entry};
use video_core::{Locator, Task, TaskStatus, Video, VideoRequest};
use video_fake::{FakeRelay, FakeRelayConfig};
use video_journal::SqliteJournal;

const HOSTILE: &str = "<script>alert('x')</script> & a fox";

async fn batch_journal() -> (FakeRelay, Scratch) {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(200))
        .with_video_bytes(32 * 1024);
    let fake = FakeRelay::start(config).await.unwrap();
    let scratch = Scratch::new().relay(fake.base_url(), fake.key());
    let lines = [
        r#"{"prompt": "a red fox running through snow", "output": "videos/fox.mp4"}"#.to_owned(),
        serde_json::json!({"prompt": HOSTILE, "output": "videos/hostile.mp4"}).to_string(),
        r#"{"prompt": "a fox that fails [fail]"}"#.to_owned(),
        r#"{"prompt": "a heron at dawn", "output": "videos/heron.mp4"}"#.to_owned(),
    ];
    std::fs::create_dir_all(scratch.path("videos")).unwrap();
    std::fs::write(scratch.path("batch.jsonl"), lines.join("\n")).unwrap();
    // One at a time: the entries are written in line order.
    let args = ["--json", "batch", "batch.jsonl", "--concurrency", "1"];
    let out = scratch.run(&args).await;
    assert_eq!(code(&out), 4, "one task fails: {}", stderr(&out));
    std::fs::remove_file(scratch.path("videos/heron.mp4")).unwrap();
    (fake, scratch)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gallery_of_a_batch_plays_in_a_browser_and_asks_nothing_of_the_network() {
    let (_fake, scratch) = batch_journal().await;
    let out = scratch.run(&["gallery"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let page = scratch.path("video-gallery.html");
    assert_eq!(Path::new(&printed), page, "the default path, printed");
    let html = std::fs::read_to_string(&page).unwrap();

    assert_eq!(html.matches("<article ").count(), 4, "every task");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; a fox"));
    assert!(
        !html.contains("<script>alert"),
        "a prompt is text, never markup"
    );
    assert!(
        html.contains("src=\"videos/fox.mp4\""),
        "relative to the page"
    );
    assert!(html.contains("file missing:") && html.contains("heron.mp4"));
    assert_eq!(
        html.matches("<video ").count(),
        2,
        "no player for a missing file"
    );
    assert!(
        html.contains("class=\"reason\""),
        "the failed task says why"
    );
    for attribute in [
        "src=\"http",
        "href=\"http",
        "poster=\"http",
        "url(http",
        "@import",
    ] {
        assert!(
            !html.contains(attribute),
            "{attribute}: nothing from the network"
        );
    }

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("VIDEO_REQUIRE_BROWSER").is_none(),
            "VIDEO_REQUIRE_BROWSER is set and no chromium was found"
        );
        eprintln!("no chromium: the page was checked as text only");
        return;
    };
    let dom = browser.dump_dom(&page);
    let cards = dom.matches("<article ").count();
    assert_eq!(cards, 4, "the DOM lists every task");
    let videos: Vec<&str> = dom.split("<video ").skip(1).collect();
    assert_eq!(videos.len(), 2);
    for video in videos {
        let tag = &video[..video.find('>').unwrap()];
        let ready = attribute(tag, "data-ready").and_then(|r| r.parse::<u8>().ok());
        assert!(ready.is_some_and(|r| r >= 1), "metadata loaded: {tag}");
        let duration: f64 = attribute(tag, "data-duration").unwrap().parse().unwrap();
        assert!(
            (duration - 1.5).abs() < 0.05,
            "the file's real duration: {duration}"
        );
    }
    assert!(
        dom.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; a fox"),
        "as text"
    );
    assert!(!dom.contains("<script>alert"));
    let remote = browser.network_requests();
    assert!(
        remote.is_empty(),
        "the page asked the network for {remote:?}"
    );
    // The check sees a page's requests: a page with a remote image is caught.
    let control = scratch.path("control.html");
    std::fs::write(&control, "<img src=\"http://127.0.0.1:9/pixel.png\">").unwrap();
    browser.dump_dom(&control);
    assert_eq!(browser.network_requests(), ["http://127.0.0.1:9/pixel.png"]);
    // The page's filter and sort, preset from the address.
    let failed = browser.dump_dom_at(&page, "#status=failed");
    let shown: Vec<&str> = failed
        .split("<article ")
        .skip(1)
        .filter(|card| !card[..card.find('>').unwrap()].contains(" hidden"))
        .collect();
    assert_eq!(shown.len(), 1, "only the failed task");
    assert!(shown[0].contains("a fox that fails"));
    assert!(failed.contains("1 of 4 shown"));
    let oldest = browser.dump_dom_at(&page, "#sort=old");
    let first = oldest.find("a red fox running").unwrap();
    assert!(
        first < oldest.find("a heron at dawn").unwrap(),
        "oldest first"
    );
    let newest = browser.dump_dom_at(&page, "#sort=new");
    assert!(newest.find("a heron at dawn").unwrap() < newest.find("a red fox running").unwrap());
    // Without its script the page is still every card (the controls stay hidden).
    let script = html.find("<script>").unwrap();
    let end = html.find("</script>").unwrap() + "</script>".len();
    let still = scratch.path("no-script.html");
    std::fs::write(&still, format!("{}{}", &html[..script], &html[end..])).unwrap();
    let static_dom = browser.dump_dom(&still);
    assert_eq!(static_dom.matches("<article ").count(), 4);
    assert!(
        static_dom.contains("<form id=\"controls\" hidden"),
        "controls need the script"
    );
    assert!(static_dom.contains("a red fox running through snow"));
    let shot = browser.screenshot(&page);
    assert!(
        std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"),
        "{}",
        shot.display()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_pick_tasks_and_a_page_of_200_stays_small() {
    let scratch = Scratch::new();
    let journal = SqliteJournal::open(&scratch.journal()).unwrap();
    std::fs::create_dir_all(scratch.path("out")).unwrap();
    for n in 0..200 {
        let prompt = format!(
            "task {n}: {}",
            "a long and detailed prompt about a fox ".repeat(5)
        );
        let request = VideoRequest::builder(prompt).duration_secs(5).build();
        let mut draft = JournalEntry::new(0, "kling-dmx", &request, None);
        draft.model = Some("kling-v2-6".into());
        let id = journal.begin(&draft).await.unwrap();
        let path = scratch.path(&format!("out/task-{n}.mp4"));
        update_entry(&journal, id, |entry| {
            let mut task = Task::new(format!("8400000000{n:04}"), TaskStatus::Succeeded);
            task.videos
                .push(Video::new(format!("https://cdn.example/{n}.mp4?sig=s")));
            entry.apply_submitted(&task);
            if n % 2 == 0 {
                let locator = Locator::Url(format!("https://cdn.example/{n}.mp4"));
                entry.apply_download(&DownloadRecord::new(0, locator, &path, 1, "00"));
            }
        })
        .await
        .unwrap();
        if n % 4 == 0 {
            std::fs::write(&path, b"x").unwrap();
        }
    }
    drop(journal);
    let out = scratch
        .run(&["--json", "gallery", "--out", "all.html"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["tasks"], 200);
    let size = std::fs::metadata(scratch.path("all.html")).unwrap().len();
    assert!(size < 300 * 1024, "{size} bytes for 200 tasks");
    let html = std::fs::read_to_string(scratch.path("all.html")).unwrap();
    assert_eq!(
        html.matches("<video ").count(),
        50,
        "only files that are there"
    );
    assert_eq!(html.matches("file missing:").count(), 50);

    let filtered = ["--json", "gallery", "--out", "f.html", "--status", "failed"];
    assert_eq!(json(&scratch.run(&filtered).await)["tasks"], 0);
    let by_model = [
        "--json",
        "--model",
        "Kling v2.6",
        "gallery",
        "--out",
        "m.html",
    ];
    assert_eq!(json(&scratch.run(&by_model).await)["tasks"], 200);
    let other = [
        "--json",
        "--model",
        "seedance-2.0",
        "gallery",
        "--out",
        "m.html",
    ];
    assert_eq!(json(&scratch.run(&other).await)["tasks"], 0);
    let future = [
        "--json",
        "gallery",
        "--since",
        "2999-01-01",
        "--out",
        "s.html",
    ];
    assert_eq!(json(&scratch.run(&future).await)["tasks"], 0);
}

/// A value of `name="..."` in an element's opening tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// Headless Chromium with a profile and a network log of its own.
struct Browser {
    binary: PathBuf,
    scratch: tempfile::TempDir,
}

fn chromium() -> Option<Browser> {
    let binary = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let found = Command::new("which").arg(name).output().ok()?;
            let path = String::from_utf8(found.stdout).ok()?.trim().to_owned();
            (found.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
        })?;
    Some(Browser {
        binary,
        scratch: tempfile::tempdir().unwrap(),
    })
}

impl Browser {
    fn command(&self, page: &Path, fragment: &str) -> Command {
        let mut command = Command::new(&self.binary);
        command.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--mute-audio",
            "--virtual-time-budget=20000",
            "--window-size=1280,900",
        ]);
        command.arg(format!(
            "--user-data-dir={}",
            self.scratch.path().join("profile").display()
        ));
        command.arg(format!("--log-net-log={}", self.net_log().display()));
        command.arg(format!("file://{}{fragment}", page.display()));
        command
    }

    fn net_log(&self) -> PathBuf {
        self.scratch.path().join("net-log.json")
    }

    fn dump_dom(&self, page: &Path) -> String {
        self.dump_dom_at(page, "")
    }

    /// The DOM of `page` opened at `fragment` (`#status=failed`).
    fn dump_dom_at(&self, page: &Path, fragment: &str) -> String {
        let mut command = self.command(page, fragment);
        command.arg("--dump-dom");
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The http(s) and ws URLs the page asked for (Chromium's own requests, which its net
    /// log marks as initiated by no origin, are not the page's).
    fn network_requests(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.net_log()).unwrap();
        let log: serde_json::Value = serde_json::from_str(&text).unwrap();
        let start = &log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"];
        let mut urls: Vec<String> = log["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|event| &event["type"] == start)
            .filter(|event| event["params"]["initiator"] != "not an origin")
            .filter_map(|event| event["params"]["url"].as_str())
            .filter(|url| {
                ["http:", "https:", "ws:", "wss:"]
                    .iter()
                    .any(|s| url.starts_with(s))
            })
            .map(str::to_owned)
            .collect();
        urls.dedup();
        urls
    }

    /// A screenshot of the page, in this test's temporary folder.
    fn screenshot(&self, page: &Path) -> PathBuf {
        let shot = self.scratch.path().join("gallery.png");
        let mut command = self.command(page, "");
        command.arg(format!("--screenshot={}", shot.display()));
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        shot
    }
}
