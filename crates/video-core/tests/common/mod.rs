//! A scripted provider for core's tests: answers come from queues, and the virtual time of
//! every query is recorded so tests can assert exact schedules.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use tokio::time::Instant;
use video_core::provider::VideoStream;
use video_core::{
    Capabilities, Task, TaskId, TaskStatus, Video, VideoError, VideoProvider, VideoRequest,
    validate,
};

pub fn task(id: &str, status: TaskStatus) -> Task {
    let mut task = Task::new(id, status.clone());
    if status == TaskStatus::Succeeded {
        task.videos
            .push(Video::new(format!("https://cdn.example/{id}.mp4")));
    }
    if status == TaskStatus::Failed {
        task.status_message = Some("scripted failure".into());
    }
    task
}

#[derive(Debug)]
pub struct Scripted {
    caps: Capabilities,
    start: Instant,
    submits: Mutex<VecDeque<Result<Task, VideoError>>>,
    queries: Mutex<VecDeque<Result<Task, VideoError>>>,
    /// Answer once the query queue is empty.
    pub then: Mutex<Option<Task>>,
    long_wait: Mutex<VecDeque<Result<Option<Task>, VideoError>>>,
    query_times: Mutex<Vec<Duration>>,
    pub submit_calls: AtomicUsize,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub submit_delay: Duration,
    pub query_delay: Duration,
    /// Download answers in order (`true`: the link has expired); then every download works.
    downloads: Mutex<VecDeque<bool>>,
    /// The locators downloads were asked for, in order.
    pub downloaded: Mutex<Vec<String>>,
}

impl Scripted {
    pub fn new() -> Self {
        Self {
            caps: Capabilities::new(100).with_durations([5, 10]),
            start: Instant::now(),
            submits: Mutex::default(),
            queries: Mutex::default(),
            then: Mutex::new(None),
            long_wait: Mutex::default(),
            query_times: Mutex::default(),
            submit_calls: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            submit_delay: Duration::ZERO,
            query_delay: Duration::ZERO,
            downloads: Mutex::default(),
            downloaded: Mutex::default(),
        }
    }

    /// The next downloads answer `LinkExpired` where `expired` says so.
    pub fn download_answers(self, expired: impl IntoIterator<Item = bool>) -> Self {
        self.downloads.lock().unwrap().extend(expired);
        self
    }

    pub fn with_long_wait(mut self) -> Self {
        self.caps = self.caps.clone().with_long_wait(true);
        self
    }

    pub fn submit_answers(
        self,
        answers: impl IntoIterator<Item = Result<Task, VideoError>>,
    ) -> Self {
        self.submits.lock().unwrap().extend(answers);
        self
    }

    pub fn query_answers(
        self,
        answers: impl IntoIterator<Item = Result<Task, VideoError>>,
    ) -> Self {
        self.queries.lock().unwrap().extend(answers);
        self
    }

    pub fn then_answer(self, task: Task) -> Self {
        *self.then.lock().unwrap() = Some(task);
        self
    }

    pub fn long_wait_answers(
        self,
        answers: impl IntoIterator<Item = Result<Option<Task>, VideoError>>,
    ) -> Self {
        self.long_wait.lock().unwrap().extend(answers);
        self
    }

    /// Offsets from creation at which `task` was called, in whole milliseconds.
    pub fn query_millis(&self) -> Vec<u128> {
        self.query_times
            .lock()
            .unwrap()
            .iter()
            .map(Duration::as_millis)
            .collect()
    }

    pub fn submits(&self) -> usize {
        self.submit_calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl VideoProvider for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        validate(request, &self.caps)?;
        let n = self.submit_calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.submit_delay).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let answer = self.submits.lock().unwrap().pop_front();
        answer.unwrap_or_else(|| Ok(task(&format!("task-{n}"), TaskStatus::Submitted)))
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        self.query_times.lock().unwrap().push(self.start.elapsed());
        tokio::time::sleep(self.query_delay).await;
        let answer = self.queries.lock().unwrap().pop_front();
        match answer {
            Some(answer) => answer,
            None => match self.then.lock().unwrap().clone() {
                Some(mut then) => {
                    then.id = id.clone();
                    Ok(then)
                }
                None => Err(VideoError::NotFound {
                    task_id: id.clone(),
                }),
            },
        }
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        self.downloaded
            .lock()
            .unwrap()
            .push(video.url().unwrap_or_default().to_owned());
        if self.downloads.lock().unwrap().pop_front() == Some(true) {
            return Err(VideoError::LinkExpired { status: 403 });
        }
        Ok(VideoStream::from_bytes(Bytes::from_static(
            b"\0\0\0\x1cftypisom",
        )))
    }

    async fn long_wait(
        &self,
        _id: &TaskId,
        _timeout: Duration,
    ) -> Result<Option<Task>, VideoError> {
        self.long_wait
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Ok(None))
    }
}
