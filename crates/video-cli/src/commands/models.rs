//! `video models`: the catalog — each model with what it accepts, its routes (configured
//! here or not), each route's capabilities and price — and, in JSON, every model of every
//! provider with its catalog model and price.

use serde_json::{Value, json};
use video_core::Capabilities;
use video_providers::{Catalog, CatalogModel, ModelInfo, Price, ProcessEnv, ProviderRow, Route};

use crate::cli::Cli;
use crate::commands::listing::summary;
use crate::output::out;
use crate::providers::registry;
use crate::routes::catalog;

/// Prints the catalog; returns the exit code.
pub(crate) fn models(cli: &Cli) -> u8 {
    let catalog = match catalog(cli) {
        Ok(catalog) => catalog,
        Err(error) => return super::failed(cli, &error),
    };
    if cli.json {
        out!("{}", as_json(catalog));
    } else {
        print_text(catalog);
    }
    0
}

/// The provider row and model of a route, when this build has them.
fn served(route: &Route) -> Option<(&'static ProviderRow, ModelInfo)> {
    let row = registry().find(&route.provider).ok()?;
    let model = (row.models)()
        .into_iter()
        .find(|model| model.id.eq_ignore_ascii_case(&route.model))?;
    Some((row, model))
}

/// `0.10 USD/s`, `0.28–0.56 USD per video by tier`, `unknown`.
fn price_text(price: Option<&Price>) -> String {
    let Some(price) = price else {
        return "price unknown".to_owned();
    };
    let currency = &price.currency;
    if let Some(rate) = &price.per_second {
        return format!("{rate} {currency}/s");
    }
    if let Some(rate) = &price.per_video {
        return format!("{rate} {currency} per video");
    }
    let rates: Vec<String> = price
        .tiers
        .iter()
        .map(|tier| {
            let mut when = Vec::new();
            when.extend(tier.resolution.clone());
            when.extend(tier.duration.map(|d| format!("{d} s")));
            when.extend(tier.quality.clone());
            when.extend(
                tier.sound
                    .map(|on| if on { "audio" } else { "silent" }.to_owned()),
            );
            let rate = match (&tier.per_second, &tier.per_video) {
                (Some(rate), _) => format!("{rate}/s"),
                (_, Some(rate)) => rate.clone(),
                _ => "?".to_owned(),
            };
            let when = if when.is_empty() {
                "else".to_owned()
            } else {
                when.join(" ")
            };
            format!("{when}: {rate}")
        })
        .collect();
    format!("{currency} {}", rates.join(", "))
}

fn route_json(route: &Route) -> Value {
    let served = served(route);
    json!({
        "provider": route.provider, "model": route.model,
        "available": served.is_some(),
        "configured": served.as_ref().is_some_and(|(row, _)| (row.configured)(&ProcessEnv)),
        "price": route.price, "price_text": price_text(route.price.as_ref()),
        "source": route.source, "as_of": route.as_of, "note": route.note,
        "capabilities": served.map(|(_, model)| model.capabilities),
    })
}

fn model_json(model: &CatalogModel) -> Value {
    let mut value = serde_json::to_value(model).unwrap_or_default();
    value["routes"] = model.routes.iter().map(route_json).collect();
    value
}

fn as_json(catalog: &Catalog) -> Value {
    let models: Vec<Value> = registry()
        .rows()
        .iter()
        .flat_map(|row| {
            (row.models)().into_iter().map(move |model| {
                let listed = catalog.route_of(row.name, Some(&model.id));
                json!({
                    "provider": row.name, "model": model.id,
                    "default": row.default_model == Some(model.id.as_str()),
                    "modes": model.modes, "capabilities": model.capabilities,
                    "catalog_model": listed.map(|(entry, _)| entry.id.clone()),
                    "price": listed.and_then(|(_, route)| route.price.clone()),
                    "price_text": price_text(listed.and_then(|(_, route)| route.price.as_ref())),
                })
            })
        })
        .collect();
    let listed: Vec<Value> = catalog.models.iter().map(model_json).collect();
    json!({ "as_of": catalog.as_of, "catalog": listed, "models": models })
}

fn print_text(catalog: &Catalog) {
    for model in &catalog.models {
        out!("{}", headline(model));
        for route in &model.routes {
            let (state, caps) = match served(route) {
                Some((row, info)) if (row.configured)(&ProcessEnv) => {
                    ("configured", Some(info.capabilities))
                }
                Some((_, info)) => ("not configured", Some(info.capabilities)),
                None => ("not in this build", None),
            };
            out!(
                "  {:<10} {:<32} {:<17} {}{}",
                route.provider,
                route.model,
                state,
                price_text(route.price.as_ref()),
                caps.as_ref().map(flags).unwrap_or_default()
            );
        }
    }
    out!(
        "prices as of {} (each route's source and date: `video models --json`; your own: \
         --catalog FILE or $VIDEO_CATALOG)",
        catalog.as_of
    );
}

/// `kling-v2.6 (Kling) · 5, 10 s · 16:9 9:16 1:1 · audio · text, first frame`.
fn headline(model: &CatalogModel) -> String {
    let mut parts = vec![format!("{} ({})", model.id, model.vendor)];
    if let (Some(first), Some(last)) = (model.durations.first(), model.durations.last()) {
        let contiguous = model
            .durations
            .windows(2)
            .all(|pair| pair[1] == pair[0] + 1);
        if contiguous && model.durations.len() > 2 {
            parts.push(format!("{first}–{last} s"));
        } else {
            let list: Vec<String> = model.durations.iter().map(ToString::to_string).collect();
            parts.push(format!("{} s", list.join(", ")));
        }
    }
    for list in [&model.resolutions, &model.aspect_ratios] {
        if !list.is_empty() {
            parts.push(list.join(" "));
        }
    }
    if model.audio {
        parts.push("audio".to_owned());
    }
    if !model.modes.is_empty() {
        parts.push(model.modes.join(", "));
    }
    parts.join(" · ")
}

/// What a route can do beyond the catalog's columns (cancel, lookup, progress...).
fn flags(caps: &Capabilities) -> String {
    let text = summary(caps);
    let extras: Vec<&str> = text
        .split(" · ")
        .filter(|part| {
            [
                "seed",
                "progress",
                "long wait",
                "lookup",
                "lookup by match",
                "callbacks",
                "cancel",
            ]
            .contains(part)
        })
        .collect();
    if extras.is_empty() {
        String::new()
    } else {
        format!(" · {}", extras.join(" · "))
    }
}
