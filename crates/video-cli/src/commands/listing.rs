//! `video providers`: the registry, printed (`video models` is in `models`). Generated from the rows, so
//! a new provider shows up without a line here.

use video_core::Capabilities;
use video_providers::{Env, ProcessEnv, ProviderRow};

use crate::output::out;
use crate::providers::registry;

/// Every provider: what it is, whether the environment configures it, its variables and
/// its `--option`s.
pub(crate) fn providers(json: bool) {
    let rows = registry().rows();
    if json {
        let rows: Vec<_> = rows.iter().map(provider_json).collect();
        out!("{}", serde_json::json!({ "providers": rows }));
        return;
    }
    for row in rows {
        let state = if (row.configured)(&ProcessEnv) {
            "configured"
        } else {
            "not configured"
        };
        out!("{:<10} {} ({state})", row.name, row.about);
        for var in row.env {
            let set = if ProcessEnv.set(var.name).is_some() {
                "set"
            } else {
                "unset"
            };
            out!("           {:<28} {} ({set})", var.name, var.about);
        }
        for (key, about) in row.options {
            out!("           --option {key}: {about}");
        }
        if let Some(model) = row.default_model {
            out!("           default model: {model} (`video models` lists them)");
        }
    }
}

fn provider_json(row: &ProviderRow) -> serde_json::Value {
    let env: Vec<_> = row
        .env
        .iter()
        .map(|var| {
            serde_json::json!({
                "name": var.name, "about": var.about, "secret": var.secret,
                "set": ProcessEnv.set(var.name).is_some(),
            })
        })
        .collect();
    let options: Vec<_> = row
        .options
        .iter()
        .map(|(key, about)| serde_json::json!({ "key": key, "about": about }))
        .collect();
    serde_json::json!({
        "name": row.name, "about": row.about, "paid": row.paid,
        "configured": (row.configured)(&ProcessEnv), "environment": env,
        "options": options, "default_model": row.default_model,
    })
}

/// `5, 10 s · 16:9 9:16 · standard high · sound · image · long wait` for a model.
pub(crate) fn summary(caps: &Capabilities) -> String {
    let mut parts = vec![format!("{} s", caps.durations)];
    let list = |items: Vec<String>| items.join(" ");
    if !caps.aspect_ratios.is_empty() {
        parts.push(list(
            caps.aspect_ratios.iter().map(ToString::to_string).collect(),
        ));
    }
    if !caps.resolutions.is_empty() {
        parts.push(list(
            caps.resolutions.iter().map(ToString::to_string).collect(),
        ));
    }
    if !caps.qualities.is_empty() {
        parts.push(list(
            caps.qualities.iter().map(ToString::to_string).collect(),
        ));
    }
    if caps.sound {
        parts.push("sound".to_owned());
    }
    if let Some(images) = &caps.image_to_video {
        let last = if images.last_frame { "+last" } else { "" };
        parts.push(format!("image{last}"));
    }
    let flags = [
        (caps.max_seed.is_some(), "seed"),
        (caps.progress, "progress"),
        (caps.long_wait, "long wait"),
        (caps.lookup_by_reference, "lookup"),
        (caps.lookup_by_match, "lookup by match"),
        (caps.callbacks, "callbacks"),
        (caps.cancel, "cancel"),
    ];
    parts.extend(
        flags
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| name.to_owned()),
    );
    parts.join(" · ")
}
