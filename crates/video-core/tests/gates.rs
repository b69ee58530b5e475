//! The pipeline's shared limits under tokio's paused clock: at most `max_submitting`
//! submissions, `max_querying` queries and `max_downloading` downloads at once over a whole
//! batch, and no more jobs admitted while finished ones queue for a download slot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use video_core::provider::VideoStream;
use video_core::{
    Capabilities, Destination, Pipeline, PollPolicy, Task, TaskId, TaskStatus, Video, VideoError,
    VideoProvider, VideoRequest,
};

/// Counts how many calls of each kind run at once (and the most seen), each taking `delay`
/// (a download ten times that).
#[derive(Debug)]
struct Gauged {
    caps: Capabilities,
    delay: Duration,
    /// Submissions answer `Succeeded` at once (no polling), or `Submitted`.
    done_on_submit: bool,
    submits: AtomicUsize,
    downloads_started: AtomicUsize,
    /// The most `submits - downloads_started` seen: jobs submitted and not yet downloading.
    most_undownloaded: AtomicUsize,
    active: [AtomicUsize; 3],
    most: [AtomicUsize; 3],
}

const SUBMIT: usize = 0;
const QUERY: usize = 1;
const DOWNLOAD: usize = 2;

impl Gauged {
    fn new(delay: Duration, done_on_submit: bool) -> Self {
        Self {
            caps: Capabilities::new(100).with_durations([5]),
            delay,
            done_on_submit,
            submits: AtomicUsize::new(0),
            downloads_started: AtomicUsize::new(0),
            most_undownloaded: AtomicUsize::new(0),
            active: Default::default(),
            most: Default::default(),
        }
    }

    async fn timed(&self, kind: usize) {
        let now = self.active[kind].fetch_add(1, Ordering::SeqCst) + 1;
        self.most[kind].fetch_max(now, Ordering::SeqCst);
        let factor = if kind == DOWNLOAD { 10 } else { 1 };
        tokio::time::sleep(self.delay * factor).await;
        self.active[kind].fetch_sub(1, Ordering::SeqCst);
    }

    fn most(&self, kind: usize) -> usize {
        self.most[kind].load(Ordering::SeqCst)
    }

    fn finished(id: &str) -> Task {
        let mut task = Task::new(id, TaskStatus::Succeeded);
        task.videos
            .push(Video::new(format!("https://cdn.example/{id}.mp4")));
        task
    }
}

#[async_trait]
impl VideoProvider for Gauged {
    fn name(&self) -> &str {
        "gauged"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn submit(&self, _request: &VideoRequest) -> Result<Task, VideoError> {
        self.timed(SUBMIT).await;
        let n = self.submits.fetch_add(1, Ordering::SeqCst) + 1;
        let undownloaded = n - self.downloads_started.load(Ordering::SeqCst);
        self.most_undownloaded
            .fetch_max(undownloaded, Ordering::SeqCst);
        let id = format!("t-{n}");
        Ok(if self.done_on_submit {
            Self::finished(&id)
        } else {
            Task::new(id, TaskStatus::Submitted)
        })
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        self.timed(QUERY).await;
        Ok(Self::finished(id.as_str()))
    }

    async fn download(&self, _video: &Video) -> Result<VideoStream, VideoError> {
        self.downloads_started.fetch_add(1, Ordering::SeqCst);
        self.timed(DOWNLOAD).await;
        Ok(VideoStream::from_bytes(Bytes::from_static(
            b"\0\0\0\x1cftypisom",
        )))
    }
}

fn requests(n: usize) -> impl Iterator<Item = VideoRequest> + Send {
    (0..n).map(|_| VideoRequest::builder("a fox").duration_secs(5).build())
}

async fn run_batch(pipeline: &Pipeline<'_>, jobs: usize) -> usize {
    pipeline
        .generate_all(requests(jobs), jobs)
        .filter(|(_, result)| futures::future::ready(result.is_ok()))
        .count()
        .await
}

#[tokio::test(start_paused = true)]
async fn submissions_queries_and_downloads_keep_to_their_limits() {
    let provider = Gauged::new(Duration::from_millis(100), false);
    let folder = tempfile::tempdir().unwrap();
    let pipeline = Pipeline::new(&provider)
        .policy(PollPolicy::fixed(Duration::from_millis(50)))
        .save(Destination::folder(folder.path()))
        .max_submitting(3)
        .max_querying(2)
        .max_downloading(2);
    assert_eq!(run_batch(&pipeline, 40).await, 40);
    // Reached, and never passed.
    assert_eq!(provider.most(SUBMIT), 3);
    assert_eq!(provider.most(QUERY), 2);
    assert_eq!(provider.most(DOWNLOAD), 2);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 40);
}

#[tokio::test(start_paused = true)]
async fn a_batch_stops_admitting_while_finished_jobs_queue_for_a_download_slot() {
    // Tasks are done when submitted and downloads are slow: without the queue limit, all
    // 200 jobs would submit at once and wait for the one slot holding their tasks.
    let provider = Gauged::new(Duration::from_millis(10), true);
    let folder = tempfile::tempdir().unwrap();
    let pipeline = Pipeline::new(&provider)
        .save(Destination::folder(folder.path()))
        .max_submitting(1)
        .max_downloading(1);
    assert_eq!(run_batch(&pipeline, 200).await, 200);
    // Eight queued per slot, plus the one downloading and the one submitting.
    let most = provider.most_undownloaded.load(Ordering::SeqCst);
    assert!(
        most <= 8 + 1 + 1,
        "{most} jobs submitted and not downloading"
    );
    assert!(most >= 8, "the queue was used ({most})");
    assert_eq!(provider.most(DOWNLOAD), 1);
}

#[tokio::test(start_paused = true)]
async fn without_saving_nothing_queues_and_admission_is_not_held() {
    let provider = Gauged::new(Duration::from_millis(100), true);
    let pipeline = Pipeline::new(&provider)
        .max_submitting(50)
        .max_downloading(1);
    assert_eq!(run_batch(&pipeline, 200).await, 200);
    assert_eq!(provider.most(SUBMIT), 50);
    assert_eq!(provider.most(DOWNLOAD), 0);
}
