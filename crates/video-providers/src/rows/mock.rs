//! The deterministic in-process mock.

use std::sync::Arc;
use std::time::Duration;

use video_core::{PollPolicy, VideoProvider};
use video_mock::{MockClock, MockProvider};

use crate::registry::{ModelInfo, ProviderRow, VarDoc};

/// Its render time unless `VIDEO_MOCK_RENDER_MS` says otherwise.
const RENDER_TIME: Duration = Duration::from_secs(3);

pub(super) const ROW: ProviderRow = ProviderRow {
    name: "mock",
    about: "the deterministic in-process mock (no network, no key)",
    paid: false,
    env: &[VarDoc {
        name: "VIDEO_MOCK_RENDER_MS",
        about: "its render time in milliseconds (default 3000)",
        secret: false,
    }],
    options: &[],
    models: || {
        vec![ModelInfo::new(
            "mock",
            video_mock::kling_v2_6_capabilities(),
        )]
    },
    default_model: Some("mock"),
    policy: || PollPolicy::fixed(Duration::from_millis(500)),
    configured: |_| true,
    build: |settings| {
        let render = super::millis(settings.env, "VIDEO_MOCK_RENDER_MS").unwrap_or(RENDER_TIME);
        // The wall clock: another process (`video status ID`, a fleet's workers) answers for
        // every task id the same way.
        let mock = MockProvider::builder()
            .clock(MockClock::Wall)
            .render_time(render)
            .build();
        Ok(Arc::new(mock) as Arc<dyn VideoProvider>)
    },
};
