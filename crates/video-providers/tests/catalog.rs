//! The model catalog against the providers themselves: every model of every provider crate
//! has a catalog route, and no catalog row promises what its provider refuses (each
//! duration, resolution, aspect ratio, audio, and every priced tier is checked with the
//! built provider's own `validate`). Estimates follow each kind of price rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use video_core::cost::Pricer;
use video_core::{
    AspectRatio, Resolution, Sound, VideoProvider, VideoRequest, VideoRequestBuilder,
};
use video_providers::{Catalog, Registry, Settings, VarMap};

/// Every provider's credentials set (nothing is sent: only `validate` is called).
fn env() -> VarMap {
    let mut env = VarMap::new();
    for row in Registry::builtin().rows() {
        for var in row.env.iter().filter(|var| var.secret) {
            env = env.with(var.name, "test-key");
        }
    }
    env.with("KLING_ACCESS_KEY", "ak")
        .with("KLING_SECRET_KEY", "sk")
}

fn provider(name: &str, model: &str) -> std::sync::Arc<dyn VideoProvider> {
    let env = env();
    let settings = Settings::new(&env).model(Some(model));
    Registry::builtin()
        .build(name, &settings)
        .unwrap_or_else(|e| panic!("{name} {model}: {e}"))
        .provider
}

#[test]
fn the_builtin_catalog_parses_and_is_dated() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/catalog/builtin.json");
    let catalog = Catalog::from_file(std::path::Path::new(path)).unwrap();
    assert_eq!(catalog, Catalog::builtin());
    assert!(catalog.models.len() > 20);
    for route in catalog.models.iter().flat_map(|m| &m.routes) {
        assert!(
            !route.source.is_empty() && route.as_of.len() == 10,
            "{route:?}"
        );
    }
}

#[test]
fn every_model_of_every_provider_has_a_catalog_route() {
    let catalog = Catalog::builtin();
    for row in Registry::builtin().rows() {
        for model in (row.models)() {
            assert!(
                catalog.route_of(row.name, Some(&model.id)).is_some(),
                "{} {} has no catalog route",
                row.name,
                model.id
            );
        }
    }
}

#[test]
fn no_catalog_row_promises_what_its_provider_refuses() {
    for model in &Catalog::builtin().models {
        for route in &model.routes {
            let provider = provider(&route.provider, &route.model);
            let at = format!("{} via {} ({})", model.id, route.provider, route.model);
            // A setting is promised when some mode the catalog lists takes it (Hailuo 02's
            // 512p is for a first frame only).
            let check = |request: VideoRequestBuilder, what: &str| {
                let mut verdict = String::from("no mode listed");
                for mode in &model.modes {
                    let request = in_mode(request.clone(), mode).build();
                    match provider.validate(&request) {
                        Ok(()) => return,
                        Err(e) => verdict = e.to_string(),
                    }
                }
                panic!("{at}: the catalog promises {what}: {verdict}");
            };
            let base = || VideoRequest::builder("a fox");
            for &seconds in &model.durations {
                check(base().duration_secs(seconds), &format!("{seconds} s"));
            }
            for text in &model.resolutions {
                let resolution: Resolution = text.parse().unwrap();
                let seconds = model.default_duration.unwrap_or(5);
                check(base().resolution(resolution).duration_secs(seconds), text);
            }
            for text in &model.aspect_ratios {
                let ratio: AspectRatio = text.parse().unwrap();
                check(base().aspect_ratio(ratio), text);
            }
            if model.audio {
                check(base().sound(Sound::On), "audio");
            }
            for tier in route.price.iter().flat_map(|p| &p.tiers) {
                let mut request = base();
                if let Some(text) = &tier.resolution {
                    request = request.resolution(text.parse().unwrap());
                }
                if let Some(seconds) = tier.duration {
                    request = request.duration_secs(seconds);
                }
                check(request, &format!("the priced tier {tier:?}"));
            }
        }
    }
}

#[test]
fn estimates_follow_each_kind_of_rule() {
    let catalog = Catalog::builtin();
    let ask = |duration, resolution: Option<&str>| {
        let mut request = VideoRequest::builder("a fox").duration_secs(duration);
        if let Some(text) = resolution {
            request = request.resolution(text.parse().unwrap());
        }
        request.build()
    };
    let cost = |provider, model, request: &VideoRequest| {
        catalog
            .estimate(provider, Some(model), request)
            .cost
            .map(|c| c.to_string())
    };
    // Per second.
    assert_eq!(
        cost("openai", "sora-2", &ask(12, None)).as_deref(),
        Some("1.20 USD")
    );
    // Per tier, per second: an exact size is its tier by its short side.
    let pro = ask(8, Some("1792x1024"));
    assert_eq!(
        cost("openai", "sora-2-pro", &pro).as_deref(),
        Some("4.00 USD")
    );
    assert_eq!(
        cost("openai", "sora-2-pro", &ask(8, Some("1080p"))),
        None,
        "unpublished"
    );
    // Per tier, per video, with the model's default resolution.
    let hailuo = ask(10, None);
    assert_eq!(
        cost("minimax", "MiniMax-Hailuo-2.3", &hailuo).as_deref(),
        Some("0.56 USD")
    );
    // A tier by sound: silent Veo costs less.
    let mut silent = ask(8, None);
    silent.sound = Some(Sound::Off);
    assert_eq!(
        cost("runway", "veo3.1", &silent).as_deref(),
        Some("1.60 USD")
    );
    assert_eq!(
        cost("runway", "veo3.1", &ask(8, None)).as_deref(),
        Some("3.20 USD")
    );
    // Per video, and the model's default length when none is asked.
    let free = catalog.estimate("mock", Some("mock"), &VideoRequest::new("x"));
    assert_eq!(free.cost.unwrap().to_string(), "0.00 USD");
    // Unknown is unknown, with the reason.
    let relay = catalog.estimate("dmx", Some("doubao-seedance-2-0-260128"), &ask(5, None));
    assert!(
        relay.cost.is_none() && relay.basis.contains("no price"),
        "{relay:?}"
    );
    let unlisted = catalog.estimate("nobody", None, &ask(5, None));
    assert!(unlisted.cost.is_none());
}

#[test]
fn a_user_file_overrides_a_route_and_adds_models() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.json");
    std::fs::write(
        &path,
        r#"{"as_of": "2026-12-01", "prefer": ["kling-dmx"], "models": [
            {"id": "Kling v2.6", "routes": [{"provider": "kling-dmx", "model": "kling-v2-6",
              "price": {"currency": "USD", "per_video": "0.50"}, "source": "my invoice", "as_of": "2026-12-01"}]},
            {"id": "house-model", "routes": [{"provider": "mock", "model": "house",
              "price": {"currency": "CNY", "per_second": "0.7"}, "source": "contract", "as_of": "2026-12-01"}]}
        ]}"#,
    )
    .unwrap();
    let env = VarMap::new().with("VIDEO_CATALOG", path.to_str().unwrap());
    let catalog = Catalog::load(&env, None).unwrap();
    let kling = catalog.find("kling-v2-6").unwrap();
    assert_eq!(kling.routes.len(), 2, "replaced, not added");
    let order: Vec<&str> = catalog
        .routes(kling, &[])
        .iter()
        .map(|r| r.provider.as_str())
        .collect();
    assert_eq!(order, ["kling-dmx", "kling"], "the user's preference first");
    let request = VideoRequest::builder("x").duration_secs(10).build();
    let estimate = catalog.estimate("kling-dmx", Some("kling-v2-6"), &request);
    assert_eq!(estimate.cost.unwrap().to_string(), "0.50 USD");
    assert!(catalog.find("House Model").is_some());
    std::fs::write(&path, r#"{"as_of": "x", "models": [{"id": "m", "routes": [
        {"provider": "mock", "model": "m", "price": {"currency": "USD"}, "source": "s", "as_of": "x"}]}]}"#)
        .unwrap();
    let error = Catalog::load(&env, None).unwrap_err().to_string();
    assert!(
        error.contains("model `m`") && error.contains("per_second"),
        "{error}"
    );
}

/// `request` in one of the catalog's modes.
fn in_mode(request: VideoRequestBuilder, mode: &str) -> VideoRequestBuilder {
    let frame = |name: &str| video_core::Image::url(format!("https://cdn.example/{name}.png"));
    match mode {
        "first frame" => request.image(frame("first")),
        "first+last" => request.images(frame("first"), frame("last")),
        "references" => request.extra(
            "subjects",
            serde_json::json!([{"id": "a", "images": ["https://cdn.example/a.png"]}]),
        ),
        _ => request,
    }
}
