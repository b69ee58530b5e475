//! [`MockProvider`]: a deterministic in-process [`VideoProvider`].

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;
use tokio::time::Instant;
use video_core::provider::sample::sample_mp4;
use video_core::provider::{VideoStream, unix_millis};
use video_core::{
    Capabilities, RateLimitScope, Task, TaskId, TaskStatus, Video, VideoError, VideoProvider,
    VideoRequest, validate,
};

use crate::builder::{MockClock, MockProviderBuilder, Outcome, RenderTime};
use crate::id::{IdOutcome, MockTaskId};

/// Unix time (ms) that [`MockClock::Tokio`] timestamps count from: 2026-01-14.
pub const MOCK_EPOCH_MS: u64 = 1_768_358_000_000;

/// One call the mock received, recorded for assertions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MockCall {
    /// `submit` with this request (recorded even when invalid).
    Submit(Box<VideoRequest>),
    /// `task` with this id.
    Task(TaskId),
    /// `download` of this URL.
    Download(String),
}

/// A deterministic fake provider: the same seed and calls give the same task ids, timings and
/// bytes. Time comes from tokio's clock, so under `tokio::time::pause()` a 75-second render
/// finishes instantly. Cloning shares state.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), video_core::VideoError> {
/// use std::time::Duration;
/// use video_core::{generate, PollPolicy, TaskStatus, VideoRequest};
/// use video_mock::{MockProvider, Outcome};
///
/// let mock = MockProvider::builder()
///     .render_time(Duration::from_millis(30))
///     .on_prompt_containing("forbidden", Outcome::Fail("risk control".into()))
///     .build();
/// let policy = PollPolicy::fixed(Duration::from_millis(10));
/// let task = generate(&mock, &VideoRequest::new("a fox"), &policy).await?;
/// assert_eq!(task.status, TaskStatus::Succeeded);
/// assert_eq!(mock.submissions_received(), 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockProvider {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: MockProviderBuilder,
    started: Instant,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_seq: u64,
    /// Added to the sequence number in ids: 0 with a seed, random without.
    seq_base: u64,
    submissions_received: usize,
    rate_limited_left: u32,
    transient_left: u32,
    calls: Vec<MockCall>,
    polls: std::collections::HashMap<TaskId, u32>,
    failure_messages: Vec<String>,
    lost_replies_left: u32,
    /// Client reference → task id, for `find_by_reference`.
    references: std::collections::HashMap<String, TaskId>,
    /// Tasks cancelled before they finished.
    cancelled: std::collections::HashSet<String>,
}

impl MockProvider {
    /// Starts a builder with Kling v2.6's capabilities and a 75-second render.
    pub fn builder() -> MockProviderBuilder {
        MockProviderBuilder::default()
    }

    /// A mock with every default.
    pub fn new() -> Self {
        Self::builder().build()
    }

    pub(crate) fn from_builder(config: MockProviderBuilder) -> Self {
        let mut state = State {
            rate_limited_left: config.rate_limited_submits,
            lost_replies_left: config.lost_submit_replies,
            transient_left: config.transient_query_errors,
            seq_base: match config.seed {
                Some(_) => 0,
                None => fastrand::u64(1..1_000_000) * 1000,
            },
            ..State::default()
        };
        // Register scripted messages up front so the same configuration in another process
        // maps the indices in ids to the same messages.
        let mut scripted: Vec<(usize, &Outcome)> =
            config.call_outcomes.iter().map(|(i, o)| (*i, o)).collect();
        scripted.sort_by_key(|(index, _)| *index);
        let rules = config.prompt_rules.iter().map(|(_, outcome)| outcome);
        for outcome in rules.chain(scripted.into_iter().map(|(_, outcome)| outcome)) {
            if let Outcome::Fail(message) = outcome {
                register(&mut state, message.clone());
            }
        }
        Self {
            inner: Arc::new(Inner {
                config,
                started: Instant::now(),
                state: Mutex::new(state),
            }),
        }
    }

    /// Every call received so far, in order.
    pub fn calls(&self) -> Vec<MockCall> {
        self.state().calls.clone()
    }

    /// Submissions that passed validation (accepted or refused with a rate limit).
    pub fn submissions_received(&self) -> usize {
        self.state().submissions_received
    }

    /// Tasks created so far.
    pub fn tasks_created(&self) -> usize {
        usize::try_from(self.state().next_seq).unwrap_or(usize::MAX)
    }

    /// Refuses the next `count` submissions with a rate limit.
    pub fn rate_limit_next_submits(&self, count: u32) {
        self.state().rate_limited_left = count;
    }

    /// Fails the next `count` task queries with a retryable error.
    pub fn fail_next_queries(&self, count: u32) {
        self.state().transient_left = count;
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn config(&self) -> &MockProviderBuilder {
        &self.inner.config
    }

    /// Milliseconds on the mock's clock.
    fn now_ms(&self) -> u64 {
        match self.config().clock {
            MockClock::Tokio => {
                let elapsed = self.inner.started.elapsed().as_millis();
                MOCK_EPOCH_MS + u64::try_from(elapsed).unwrap_or(u64::MAX)
            }
            MockClock::Wall => unix_millis::to_millis(SystemTime::now()),
        }
    }

    fn outcome_for(&self, index: usize, request: &VideoRequest) -> Outcome {
        let config = self.config();
        if let Some(outcome) = config.call_outcomes.get(&index) {
            return outcome.clone();
        }
        config
            .prompt_rules
            .iter()
            .find(|(marker, _)| request.prompt.contains(marker.as_str()))
            .map_or(Outcome::Succeed, |(_, outcome)| outcome.clone())
    }

    /// Counts the submission and decides whether it is throttled; returns its index.
    fn admit(&self) -> Result<usize, VideoError> {
        let mut state = self.state();
        let index = state.submissions_received;
        state.submissions_received += 1;
        if state.rate_limited_left > 0 {
            state.rate_limited_left -= 1;
            return Err(VideoError::RateLimited {
                scope: RateLimitScope::Requests,
                retry_after: Some(self.config().rate_limit_retry_after),
                message: "mock rate limit".to_owned(),
                details: video_core::ErrorDetails::none(),
            });
        }
        Ok(index)
    }

    fn snapshot(&self, id: &MockTaskId, status: TaskStatus) -> Task {
        let mut task = Task::new(id.to_string(), status.clone());
        task.raw_status = Some(raw_status(&status).to_owned());
        task.created_at = Some(unix_millis::from_millis(id.created_ms));
        task.updated_at = Some(unix_millis::from_millis(self.now_ms().max(id.created_ms)));
        task.request_id = Some(format!("mock-request-{}", id.seq));
        match (&status, &id.outcome) {
            (TaskStatus::Succeeded, _) => {
                let mut video = Video::new(format!("mock://videos/{id}.mp4"));
                video.id = Some(format!("mock-video-{}", id.seq));
                video.duration_secs = Some(f64::from(id.duration_secs) + 0.041);
                task.videos.push(video);
            }
            (TaskStatus::Failed, IdOutcome::Fail(index)) => {
                task.status_message = Some(self.failure_message(*index));
            }
            _ => {}
        }
        task
    }

    fn status_of(&self, id: &MockTaskId) -> TaskStatus {
        let finished = match id.render {
            RenderTime::After(time) => {
                let elapsed = self.now_ms().saturating_sub(id.created_ms);
                if elapsed == 0 && !time.is_zero() {
                    return TaskStatus::Submitted;
                }
                elapsed >= u64::try_from(time.as_millis()).unwrap_or(u64::MAX)
            }
            RenderTime::Polls(needed) => {
                let mut state = self.state();
                let polls = state.polls.entry(TaskId::new(id.to_string())).or_default();
                *polls += 1;
                *polls >= needed
            }
        };
        match (id.outcome, finished) {
            (_, false) => TaskStatus::Processing,
            (IdOutcome::Fail(_), true) => TaskStatus::Failed,
            (IdOutcome::Succeed, true) => TaskStatus::Succeeded,
        }
    }

    /// Whether the task has finished, without counting a poll.
    fn has_finished(&self, id: &MockTaskId) -> bool {
        match id.render {
            RenderTime::After(time) => {
                let elapsed = self.now_ms().saturating_sub(id.created_ms);
                elapsed >= u64::try_from(time.as_millis()).unwrap_or(u64::MAX)
            }
            RenderTime::Polls(needed) => {
                let polls = self
                    .state()
                    .polls
                    .get(&TaskId::new(id.to_string()))
                    .copied();
                polls.unwrap_or(0) >= needed
            }
        }
    }

    /// The k-th registered failure message; a generic one for ids from another mock.
    fn failure_message(&self, index: u32) -> String {
        let state = self.state();
        state
            .failure_messages
            .get(index as usize)
            .cloned()
            .unwrap_or_else(|| "scripted failure".to_owned())
    }

    fn video_bytes(&self, id: &MockTaskId) -> Bytes {
        let seed =
            self.config().seed.unwrap_or_default() ^ id.seq.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Bytes::from(sample_mp4(self.config().video_bytes, seed))
    }
}

impl Default for MockProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// The index of `message` among the registered failure messages, adding it if new.
fn register(state: &mut State, message: String) -> u32 {
    let index = match state.failure_messages.iter().position(|m| *m == message) {
        Some(index) => index,
        None => {
            state.failure_messages.push(message);
            state.failure_messages.len() - 1
        }
    };
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn raw_status(status: &TaskStatus) -> &str {
    match status {
        TaskStatus::Submitted => "submitted",
        TaskStatus::Processing => "processing",
        TaskStatus::Succeeded => "succeed",
        TaskStatus::Failed => "failed",
        TaskStatus::Unknown(raw) => raw,
        _ => "unknown",
    }
}

impl MockProvider {
    /// Remembers the task under its client reference, and loses the reply when scripted to.
    fn remember(&self, request: &VideoRequest, task: &Task) -> Result<(), VideoError> {
        let mut state = self.state();
        if let Some(reference) = &request.client_reference {
            state.references.insert(reference.clone(), task.id.clone());
        }
        if state.lost_replies_left > 0 {
            state.lost_replies_left -= 1;
            let attempt = video_core::SubmissionAttempt::new(self.name(), request.clone());
            return Err(VideoError::UnknownOutcome {
                attempt: Box::new(attempt),
                source: "scripted: the connection dropped before the reply".into(),
            });
        }
        Ok(())
    }
}

#[async_trait]
impl VideoProvider for MockProvider {
    fn name(&self) -> &str {
        &self.config().name
    }

    fn capabilities(&self) -> &Capabilities {
        &self.config().capabilities
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        self.state()
            .calls
            .push(MockCall::Submit(Box::new(request.clone())));
        validate(request, self.capabilities())?;
        let index = self.admit()?;
        let (seq, outcome) = {
            let mut state = self.state();
            let outcome = match self.outcome_for(index, request) {
                Outcome::RejectContent(message) => {
                    return Err(VideoError::ContentRejected {
                        message,
                        task_id: None,
                        details: video_core::ErrorDetails::none(),
                    });
                }
                Outcome::Fail(message) => IdOutcome::Fail(register(&mut state, message)),
                _ => IdOutcome::Succeed,
            };
            state.next_seq += 1;
            (state.seq_base + state.next_seq, outcome)
        };
        let id = MockTaskId {
            seq,
            created_ms: self.now_ms(),
            render: self.config().render_time,
            outcome,
            duration_secs: request.duration_secs.unwrap_or(5),
        };
        let mut task = self.snapshot(&id, TaskStatus::Submitted);
        task.client_reference.clone_from(&request.client_reference);
        self.remember(request, &task)?;
        Ok(task)
    }

    async fn find_by_reference(
        &self,
        reference: &str,
        _mode: video_core::Mode,
    ) -> Result<Option<Task>, VideoError> {
        if !self.capabilities().lookup_by_reference {
            return Err(VideoError::Configuration {
                message: "this mock does not find tasks by client reference".to_owned(),
                details: video_core::ErrorDetails::none(),
            });
        }
        let id = self.state().references.get(reference).cloned();
        match id {
            Some(id) => {
                let mut task = self.task(&id).await?;
                task.client_reference = Some(reference.to_owned());
                Ok(Some(task))
            }
            None => Ok(None),
        }
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        {
            let mut state = self.state();
            state.calls.push(MockCall::Task(id.clone()));
            if state.transient_left > 0 {
                state.transient_left -= 1;
                return Err(VideoError::provider(
                    "scripted transient error".to_owned(),
                    true,
                    video_core::ErrorDetails::none().with_code("mock_unavailable".to_owned()),
                ));
            }
        }
        let parsed: MockTaskId = id.as_str().parse().map_err(|()| VideoError::NotFound {
            task_id: id.clone(),
        })?;
        if self.state().cancelled.contains(id.as_str()) {
            let mut task = self.snapshot(&parsed, TaskStatus::Failed);
            task.raw_status = Some("cancelled".to_owned());
            task.status_message = Some("cancelled".to_owned());
            return Ok(task);
        }
        let status = self.status_of(&parsed);
        Ok(self.snapshot(&parsed, status))
    }

    /// With [`MockProviderBuilder::cancel`]: a running task is cancelled (a finished one is
    /// refused as invalid); otherwise the default refusal.
    async fn cancel(&self, id: &TaskId) -> Result<(), VideoError> {
        if !self.capabilities().cancel {
            return Err(video_core::provider::cannot_cancel(self.name()));
        }
        let parsed: MockTaskId = id.as_str().parse().map_err(|()| VideoError::NotFound {
            task_id: id.clone(),
        })?;
        if self.state().cancelled.contains(id.as_str()) {
            return Ok(());
        }
        if self.has_finished(&parsed) {
            return Err(VideoError::invalid(
                "task",
                "the task has finished: nothing to cancel",
            ));
        }
        self.state().cancelled.insert(id.as_str().to_owned());
        Ok(())
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        self.state().calls.push(MockCall::Download(
            video.url().unwrap_or_default().to_owned(),
        ));
        let id = video
            .url()
            .and_then(|url| url.strip_prefix("mock://videos/"))
            .and_then(|rest| rest.strip_suffix(".mp4"))
            .and_then(|id| id.parse::<MockTaskId>().ok())
            .ok_or(VideoError::LinkExpired { status: 404 })?;
        Ok(VideoStream::from_bytes(self.video_bytes(&id)))
    }
}
