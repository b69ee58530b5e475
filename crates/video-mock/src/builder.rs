//! [`MockProviderBuilder`]: how a [`crate::MockProvider`] behaves.

use std::collections::HashMap;
use std::time::Duration;

use video_core::{AspectRatio, Capabilities, ImageCapabilities, Quality};

use crate::provider::MockProvider;

/// How a task submitted to the mock ends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The task succeeds with one video.
    Succeed,
    /// The task ends `failed` with this message.
    Fail(String),
    /// The submission itself is refused by content policy (no task is created).
    RejectContent(String),
}

/// How long a task takes to finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderTime {
    /// Finished this long after submission, on tokio's clock (virtual under
    /// `tokio::time::pause()`).
    After(Duration),
    /// Finished at the n-th query of the task (n ≥ 1), whatever the time.
    Polls(u32),
}

/// Which clock task ids and timestamps are based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MockClock {
    /// tokio's clock, counted from the mock's creation: deterministic, and virtual under
    /// `tokio::time::pause()`. Ids are meaningful to this mock instance only.
    Tokio,
    /// The wall clock: another process's mock can answer for a task id this one issued.
    Wall,
}

/// Builds a [`MockProvider`]; start from [`MockProvider::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct MockProviderBuilder {
    pub(crate) name: String,
    pub(crate) seed: Option<u64>,
    pub(crate) render_time: RenderTime,
    pub(crate) clock: MockClock,
    pub(crate) prompt_rules: Vec<(String, Outcome)>,
    pub(crate) call_outcomes: HashMap<usize, Outcome>,
    pub(crate) rate_limited_submits: u32,
    pub(crate) rate_limit_retry_after: Duration,
    pub(crate) transient_query_errors: u32,
    pub(crate) capabilities: Capabilities,
    pub(crate) video_bytes: usize,
    pub(crate) lost_submit_replies: u32,
}

impl Default for MockProviderBuilder {
    fn default() -> Self {
        Self {
            name: "mock".to_owned(),
            seed: None,
            render_time: RenderTime::After(Duration::from_secs(75)),
            clock: MockClock::Tokio,
            prompt_rules: Vec::new(),
            call_outcomes: HashMap::new(),
            rate_limited_submits: 0,
            rate_limit_retry_after: Duration::from_secs(1),
            transient_query_errors: 0,
            capabilities: kling_v2_6_capabilities(),
            video_bytes: 16 * 1024,
            lost_submit_replies: 0,
        }
    }
}

/// Kling v2.6 text-to-video's limits, as data: prompt and negative-prompt characters,
/// durations, aspect ratios.
const KLING_V2_6: (usize, [u32; 2], [AspectRatio; 3]) = (
    2500,
    [5, 10],
    [
        AspectRatio::LANDSCAPE_16_9,
        AspectRatio::PORTRAIT_9_16,
        AspectRatio::SQUARE_1_1,
    ],
);

/// The capabilities of Kling v2.6, which the mock mirrors by default (so an app tested on
/// the mock is refused what Kling refuses): text-to-video, and image-to-video from a URL or
/// image bytes (JPEG or PNG, at most 10 MB, sides of at least 300 px, no more elongated
/// than 2.5:1), with an optional last frame.
pub fn kling_v2_6_capabilities() -> Capabilities {
    let (chars, durations, ratios) = KLING_V2_6;
    let qualities = [Quality::Standard, Quality::High];
    let limits = Capabilities::new(chars).with_negative_prompt(chars);
    let options = limits.with_durations(durations).with_aspect_ratios(ratios);
    let images = ImageCapabilities::urls_and_inline()
        .with_last_frame(true)
        .with_media_types(["image/jpeg", "image/png"])
        .with_limits(10 * 1000 * 1000, 300, 2.5);
    options
        .with_qualities(qualities)
        .with_sound(true)
        .with_callbacks(true)
        .with_image_to_video(images)
}

impl MockProviderBuilder {
    /// The provider name reported by `name()` (default `mock`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Seed for task ids and video bytes. Same seed and calls, same ids, timings and bytes;
    /// without a seed, each mock numbers its tasks from a random start, so ids (and files
    /// named after them) differ from one run to the next.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Tasks finish this long after submission, on tokio's clock (default 75 s).
    pub fn render_time(mut self, time: Duration) -> Self {
        self.render_time = RenderTime::After(time);
        self
    }

    /// Tasks finish at their n-th query instead (n ≥ 1).
    pub fn polls_until_done(mut self, polls: u32) -> Self {
        self.render_time = RenderTime::Polls(polls.max(1));
        self
    }

    /// Bases ids and timestamps on this clock (default [`MockClock::Tokio`]).
    pub fn clock(mut self, clock: MockClock) -> Self {
        self.clock = clock;
        self
    }

    /// Tasks whose prompt contains `marker` end with `outcome` (first matching rule wins).
    pub fn on_prompt_containing(mut self, marker: impl Into<String>, outcome: Outcome) -> Self {
        self.prompt_rules.push((marker.into(), outcome));
        self
    }

    /// The `index`-th submission that passes validation (0-based, throttled ones included)
    /// ends with `outcome`; overrides prompt rules.
    pub fn outcome_for_call(mut self, index: usize, outcome: Outcome) -> Self {
        self.call_outcomes.insert(index, outcome);
        self
    }

    /// The next `count` submissions are refused with a rate limit (no task created).
    pub fn rate_limit_next_submits(mut self, count: u32) -> Self {
        self.rate_limited_submits = count;
        self
    }

    /// The `retry_after` carried by rate-limit refusals (default 1 s).
    pub fn rate_limit_retry_after(mut self, after: Duration) -> Self {
        self.rate_limit_retry_after = after;
        self
    }

    /// The next `count` task queries fail with a retryable provider error.
    pub fn transient_query_errors(mut self, count: u32) -> Self {
        self.transient_query_errors = count;
        self
    }

    /// What the mock accepts (default: Kling v2.6's rules).
    pub fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Size of each downloaded video in bytes (default 16 KiB; at least
    /// [`video_core::provider::sample::MIN_SAMPLE_MP4_LEN`]).
    pub fn video_bytes(mut self, bytes: usize) -> Self {
        self.video_bytes = bytes;
        self
    }

    /// Finds tasks by client reference (sets [`Capabilities::lookup_by_reference`]; the
    /// references are remembered by this mock and its clones only).
    pub fn lookup_by_reference(mut self) -> Self {
        self.capabilities = self.capabilities.with_lookup_by_reference(true);
        self
    }

    /// Cancels tasks (sets [`Capabilities::cancel`]): a task cancelled before it finished
    /// reads `Failed` with raw status `cancelled` (remembered by this mock and its clones).
    pub fn cancel(mut self) -> Self {
        self.capabilities = self.capabilities.with_cancel(true);
        self
    }

    /// The next `count` submissions create their task but lose the reply: they fail with
    /// [`video_core::VideoError::UnknownOutcome`], like a connection dropped after the
    /// provider accepted the request.
    pub fn lose_submit_replies(mut self, count: u32) -> Self {
        self.lost_submit_replies = count;
        self
    }

    /// Finishes the mock. Call inside a tokio runtime (the clock starts now).
    pub fn build(self) -> MockProvider {
        MockProvider::from_builder(self)
    }
}
