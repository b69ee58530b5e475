//! The conformance suite (`video_core::provider::testkit`) against the fake: a
//! [`FakeHarness`] holds a running fake and a provider aimed at it, and answers the suite's
//! controls from the fake (its failure marker, its forced refusals, its counters, its expiring
//! links), so a provider's test is the provider, a poll policy and `run_all`.
//!
//! ```no_run
//! # async fn demo(provider: std::sync::Arc<dyn video_core::VideoProvider>) {
//! use video_core::PollPolicy;
//! use video_core::provider::testkit::run_all;
//! use video_fake::conformance::FakeHarness;
//! use video_fake::{FakeRelay, FakeRelayConfig};
//!
//! let fake = FakeRelay::start(FakeRelayConfig::default()).await.unwrap();
//! // ... build `provider` aimed at fake.base_url() ...
//! run_all(&FakeHarness::new(fake, provider, PollPolicy::default())).await;
//! # }
//! ```

use video_core::provider::async_trait;
use video_core::provider::testkit::{Conformance, UNKNOWN_TASK_ID};
use video_core::{PollPolicy, TaskId, VideoProvider, VideoRequest};

use crate::FakeRelay;

/// A provider aimed at a running fake, as the conformance suite's target.
#[derive(Debug)]
pub struct FakeHarness<P> {
    fake: FakeRelay,
    provider: P,
    policy: PollPolicy,
    unknown_task_id: Option<TaskId>,
}

impl<P> FakeHarness<P> {
    /// `provider`, aimed at `fake`, waited for with `policy`.
    pub fn new(fake: FakeRelay, provider: P, policy: PollPolicy) -> Self {
        Self {
            fake,
            provider,
            policy,
            unknown_task_id: None,
        }
    }

    /// With a well-formed id of the provider's own shape that the fake does not know (the
    /// suite's default is [`UNKNOWN_TASK_ID`]).
    #[must_use]
    pub fn with_unknown_task_id(mut self, id: TaskId) -> Self {
        self.unknown_task_id = Some(id);
        self
    }

    /// The fake (its counters, after a run).
    pub fn fake(&self) -> &FakeRelay {
        &self.fake
    }
}

#[async_trait]
impl<P: VideoProvider> Conformance for FakeHarness<P> {
    fn provider(&self) -> &dyn VideoProvider {
        &self.provider
    }

    /// A prompt with the fake's failure marker.
    fn failing_request(&self) -> VideoRequest {
        VideoRequest::new(format!("a fox {}", self.fake.fail_marker()))
    }

    async fn throttle_next_submit(&self) {
        self.fake.refuse_next_submissions(1);
    }

    async fn submissions_received(&self) -> usize {
        usize::try_from(self.fake.counters().submissions_received).unwrap_or(usize::MAX)
    }

    fn poll_policy(&self) -> PollPolicy {
        self.policy.clone()
    }

    fn unknown_task_id(&self) -> TaskId {
        self.unknown_task_id
            .clone()
            .unwrap_or_else(|| TaskId::new(UNKNOWN_TASK_ID))
    }

    async fn expire_next_link(&self) -> bool {
        self.fake.expire_next_downloads(1);
        true
    }
}
