//! The rows of the providers of other shapes (`openai`, `minimax`, `runway`): each is chosen
//! when its credentials alone are set, names its variable when they are missing, builds from
//! the journaled name and model, and queries the task it submitted at the fake's front.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use video_core::{VideoError, VideoRequest};
use video_fake::{FakeRelay, FakeRelayConfig};
use video_providers::{Choice, Registry, Settings, VarMap};

/// `(row, key variable, base variable, the fake's base for it)`.
fn rows(fake: &FakeRelay) -> [(&'static str, &'static str, &'static str, String); 3] {
    [
        (
            "openai",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            fake.openai_base_url(),
        ),
        (
            "minimax",
            "MINIMAX_API_KEY",
            "MINIMAX_BASE_URL",
            fake.minimax_base_url(),
        ),
        (
            "runway",
            "RUNWAYML_API_SECRET",
            "RUNWAYML_BASE_URL",
            fake.runway_base_url(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn each_row_is_chosen_by_its_credentials_and_builds_again_from_the_journal() {
    let config = FakeRelayConfig::default().with_render_time(Duration::from_secs(60));
    let fake = FakeRelay::start(config).await.unwrap();
    let registry = Registry::builtin();
    for (name, key, base, url) in rows(&fake) {
        let env = VarMap::new().with(key, fake.key()).with(base, url);
        let choice = registry.choose(None, &env).unwrap();
        assert!(
            matches!(choice, Choice::Configured(row) if row.name == name),
            "{name}"
        );
        let missing = registry
            .build(name, &Settings::new(&VarMap::new()))
            .unwrap_err();
        assert!(
            matches!(&missing, VideoError::MissingCredentials { env, .. } if env == &[key]),
            "{name}: {missing:?}"
        );
        let built = registry.build(name, &Settings::new(&env)).unwrap().provider;
        let task = built.submit(&VideoRequest::new("a fox")).await.unwrap();
        let model = built.model();
        let again = registry
            .build(name, &Settings::new(&env).model(model))
            .unwrap();
        assert_eq!(again.provider.model(), model, "{name}");
        assert_eq!(
            again.provider.task(&task.id).await.unwrap().id,
            task.id,
            "{name}"
        );
        let models = (registry.find(name).unwrap().models)();
        assert!(!models.is_empty(), "{name}");
    }
    assert_eq!(fake.counters().submissions_accepted, 3);
}
