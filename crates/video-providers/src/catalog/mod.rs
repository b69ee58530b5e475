//! The model catalog: what users ask for by name ("Seedance 2.0", "Kling v2.6"), what each
//! model accepts, which routes serve it (a provider of the [`Registry`](crate::Registry)
//! serving one of its model ids) and what each route charges. It is data
//! (`builtin.json`, dated, a source per route); a user file (`VIDEO_CATALOG`, `--catalog`)
//! overrides or adds rows. Prices nobody published are `unknown`, never guessed.
//!
//! ```
//! use video_core::VideoRequest;
//! use video_core::cost::Pricer;
//! use video_providers::Catalog;
//!
//! let catalog = Catalog::builtin();
//! let sora = catalog.find("Sora 2").unwrap();
//! assert_eq!(sora.routes[0].provider, "openai");
//! let request = VideoRequest::builder("a fox").duration_secs(8).build();
//! let estimate = catalog.estimate("openai", Some("sora-2"), &request);
//! assert_eq!(estimate.cost.unwrap().to_string(), "0.80 USD");
//! ```

mod load;
mod price;

use serde::{Deserialize, Serialize};

pub use load::CATALOG_VAR;
pub use price::{Price, Tier};

/// The catalog: models, their routes and prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Catalog {
    /// When its facts were last checked (`2026-12-04`).
    pub as_of: String,
    /// Providers to try first, in order, when a model has several routes (else the
    /// catalog's order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefer: Vec<String>,
    /// The models.
    pub models: Vec<CatalogModel>,
}

/// One model, as users name it, with what it accepts and its routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CatalogModel {
    /// Its id (`seedance-2.0`).
    pub id: String,
    /// Other names it is asked for by (case and spaces do not matter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Who makes it.
    #[serde(default)]
    pub vendor: String,
    /// Its modes in words (`text`, `first frame`, `first+last`, `references`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes: Vec<String>,
    /// The lengths every route takes, in seconds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub durations: Vec<u32>,
    /// The resolutions every route takes (empty: not selectable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolutions: Vec<String>,
    /// The aspect ratios every route takes (empty: not selectable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aspect_ratios: Vec<String>,
    /// Whether it can generate audio.
    #[serde(default)]
    pub audio: bool,
    /// The length made when none is asked for (what an estimate assumes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_duration: Option<u32>,
    /// The resolution made when none is asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_resolution: Option<String>,
    /// Who serves it, in the catalog's order of preference.
    pub routes: Vec<Route>,
}

/// A route: a registry provider serving a model under its own id, and its price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    /// The registry provider (`kling`, `kling-dmx`, `dmx`, `minimax`, ...).
    pub provider: String,
    /// The model id that provider takes (`--model`).
    pub model: String,
    /// What it charges; `None`: unknown.
    #[serde(default)]
    pub price: Option<Price>,
    /// Where the price (or the absence of one) was read.
    pub source: String,
    /// When it was read.
    pub as_of: String,
    /// Anything a reader of the price should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CatalogModel {
    /// Whether it is called `name`: its id or an alias, case, spaces, `-`, `_` and `.` aside.
    pub fn is_called(&self, name: &str) -> bool {
        let wanted = load::folded(name);
        load::folded(&self.id) == wanted || self.aliases.iter().any(|a| load::folded(a) == wanted)
    }
}

impl Catalog {
    /// The catalog this build ships.
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                load::parse(include_str!("builtin.json"), "the built-in catalog")
                    .unwrap_or_else(|_| Catalog::empty())
            })
            .clone()
    }

    /// A catalog with no models.
    pub fn empty() -> Self {
        Self {
            as_of: String::new(),
            prefer: Vec::new(),
            models: Vec::new(),
        }
    }

    /// The model called `name` (its id or an alias; case, spaces, `-`, `_` and `.` do not
    /// matter).
    pub fn find(&self, name: &str) -> Option<&CatalogModel> {
        self.models.iter().find(|model| model.is_called(name))
    }

    /// The catalog model and route a provider serving `model` is, if listed.
    pub fn route_of(&self, provider: &str, model: Option<&str>) -> Option<(&CatalogModel, &Route)> {
        let mut found = self.models.iter().flat_map(|entry| {
            entry
                .routes
                .iter()
                .filter(|route| route.provider == provider)
                .map(move |route| (entry, route))
        });
        match model {
            Some(model) => found.find(|(_, route)| route.model.eq_ignore_ascii_case(model)),
            None => {
                let first = found.next();
                found.next().is_none().then_some(first).flatten()
            }
        }
    }

    /// `model`'s routes, the preferred providers first (`prefer`, else the catalog's own
    /// list), then the rest in the catalog's order.
    pub fn routes<'c>(&self, model: &'c CatalogModel, prefer: &[String]) -> Vec<&'c Route> {
        let prefer = if prefer.is_empty() {
            &self.prefer
        } else {
            prefer
        };
        let rank = |route: &Route| {
            prefer
                .iter()
                .position(|name| name == &route.provider)
                .unwrap_or(usize::MAX)
        };
        let mut routes: Vec<&Route> = model.routes.iter().collect();
        routes.sort_by_key(|route| rank(route));
        routes
    }
}
