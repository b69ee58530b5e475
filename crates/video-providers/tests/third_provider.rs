//! A third provider of another shape — OpenAI videos: multipart create, percent progress, an
//! authenticated content route, `expires_at` — written on the SDK's seams in `openai_like/`,
//! registered with one registry row, built only through the registry, and run through the
//! whole conformance suite and the hostile harness against the fake's OpenAI-shaped front.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod openai_like;

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use video_core::provider::testkit::run_all;
use video_core::{PollPolicy, RetryPolicy, TaskId, VideoProvider, VideoRequest};
use video_fake::conformance::FakeHarness;
use video_fake::hostile::{HostileLimits, HostileTarget};
use video_fake::{FakeRelay, FakeRelayConfig, Faults};
use video_providers::{Choice, ModelInfo, ProviderRow, Registry, Settings, VarDoc, VarMap};

use openai_like::client::{NAME, OpenAiLike};

/// What `sora-2` accepts: 4, 8 or 12 s, two sizes, progress reported.
fn capabilities() -> video_core::Capabilities {
    video_core::Capabilities::new(32_000)
        .with_durations([4, 8, 12])
        .with_aspect_ratios([
            video_core::AspectRatio::PORTRAIT_9_16,
            video_core::AspectRatio::LANDSCAPE_16_9,
        ])
        .with_progress(true)
}

/// The provider's one registry row: all a command, a worker or `resume` needs.
const ROW: ProviderRow = ProviderRow {
    name: NAME,
    about: "an OpenAI-videos-shaped API (test only)",
    paid: true,
    env: &[
        VarDoc {
            name: "OPENAI_LIKE_API_KEY",
            about: "the key (required)",
            secret: true,
        },
        VarDoc {
            name: "OPENAI_LIKE_BASE_URL",
            about: "the API base (…/v1)",
            secret: false,
        },
    ],
    options: &[],
    models: || vec![ModelInfo::new("sora-2", capabilities())],
    default_model: Some("sora-2"),
    policy: PollPolicy::default,
    configured: |env| env.set("OPENAI_LIKE_API_KEY").is_some(),
    build: |settings| {
        let env = settings.env;
        let key =
            env.set("OPENAI_LIKE_API_KEY")
                .ok_or(video_core::VideoError::MissingCredentials {
                    provider: NAME.to_owned(),
                    env: vec!["OPENAI_LIKE_API_KEY".to_owned()],
                })?;
        let base = env
            .set("OPENAI_LIKE_BASE_URL")
            .unwrap_or_else(|| "https://api.example.com/v1".to_owned());
        let model = settings.model.unwrap_or("sora-2");
        Ok(
            Arc::new(OpenAiLike::new(&base, SecretString::from(key), model)?)
                as Arc<dyn VideoProvider>,
        )
    },
};

fn registry() -> Registry {
    Registry::builtin().with(ROW)
}

fn env_for(fake: &FakeRelay) -> VarMap {
    VarMap::new()
        .with("OPENAI_LIKE_API_KEY", fake.key())
        .with("OPENAI_LIKE_BASE_URL", fake.openai_base_url())
}

fn built(fake: &FakeRelay) -> Arc<dyn VideoProvider> {
    let env = env_for(fake);
    registry()
        .build(NAME, &Settings::new(&env))
        .unwrap()
        .provider
}

async fn start(faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(120))
        .with_video_bytes(16 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.unwrap()
}

/// How the suite waits here: fast polling, a short retry.
fn policy() -> PollPolicy {
    let retry = RetryPolicy::default()
        .with_delays(Duration::from_millis(5), Duration::from_millis(40))
        .with_jitter(0.0);
    PollPolicy::fixed(Duration::from_millis(15))
        .with_deadline(Duration::from_secs(10))
        .with_submit_retry(retry)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_third_provider_passes_the_whole_conformance_suite() {
    let fake = start(Faults::default()).await;
    let provider = built(&fake);
    let harness = FakeHarness::new(fake, provider, policy())
        .with_unknown_task_id(TaskId::new("video_0000dead"));
    run_all(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_row_makes_it_a_provider_like_any_other() {
    let fake = start(Faults::default()).await;
    let registry = registry();
    assert!(registry.names().contains(&NAME));
    let env = env_for(&fake);
    // The one paid provider this environment configures is chosen without being named.
    let choice = registry.choose(None, &env).unwrap();
    assert!(matches!(choice, Choice::Configured(row) if row.name == NAME));
    let missing = registry
        .build(NAME, &Settings::new(&VarMap::new()))
        .unwrap_err();
    assert!(
        matches!(missing, video_core::VideoError::MissingCredentials { .. }),
        "{missing:?}"
    );

    // A task journaled by one process is found again by its name and model.
    let provider = built(&fake);
    let task = provider.submit(&VideoRequest::new("a fox")).await.unwrap();
    let again = registry
        .build(NAME, &Settings::new(&env).model(provider.model()))
        .unwrap();
    assert_eq!(again.provider.model(), Some("sora-2"));
    assert_eq!(again.provider.task(&task.id).await.unwrap().id, task.id);
}

struct Hostile;

impl HostileTarget for Hostile {
    fn provider(&self, fake: &FakeRelay, _limits: HostileLimits) -> Arc<dyn VideoProvider> {
        built(fake)
    }

    fn secrets(&self, fake: &FakeRelay) -> Vec<String> {
        vec![fake.key().to_owned()]
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_third_provider_survives_the_hostile_checks() {
    use video_fake::EchoForm;
    use video_fake::hostile::{
        a_redirect_to_another_host_is_refused, echoed_credentials_are_never_shown,
        hostile_ids_are_opaque_or_refused, huge_replies_are_cut_at_the_cap,
    };
    for form in [EchoForm::Raw, EchoForm::Escaped, EchoForm::Earlier] {
        echoed_credentials_are_never_shown(&Hostile, form).await;
    }
    hostile_ids_are_opaque_or_refused(&Hostile).await;
    // Its default 4 MiB cap, under the fake's 8 MiB reply.
    huge_replies_are_cut_at_the_cap(&Hostile).await;
    a_redirect_to_another_host_is_refused(&Hostile).await;
    // Not run: the drip-fed download (this test-only provider has no download limits to set;
    // video-http's own tests cover the rule) and the lookup checks (it has no lookup).
}
