//! Reading a catalog (the built-in one, a user's file) and checking every row, and laying a
//! user's rows over the built-in ones.

use std::path::Path;

use video_core::{AspectRatio, Resolution, VideoError};

use super::{Catalog, CatalogModel};
use crate::env::Env;

/// The variable naming a user's catalog file.
pub const CATALOG_VAR: &str = "VIDEO_CATALOG";

/// The largest catalog file read.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// A name as compared: lowercase, without spaces, `-`, `_` or `.`.
pub(super) fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses and checks a catalog; `what` names it in errors.
pub(super) fn parse(text: &str, what: &str) -> Result<Catalog, VideoError> {
    let bad = |why: String| VideoError::configuration(format!("{what}: {why}"));
    let catalog: Catalog = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    for model in &catalog.models {
        check_model(model).map_err(|why| bad(format!("model `{}`: {why}", model.id)))?;
    }
    Ok(catalog)
}

fn check_model(model: &CatalogModel) -> Result<(), String> {
    if model.id.trim().is_empty() {
        return Err("has no id".into());
    }
    for text in model.resolutions.iter().chain(&model.default_resolution) {
        text.parse::<Resolution>().map_err(|e| e.to_string())?;
    }
    for text in &model.aspect_ratios {
        text.parse::<AspectRatio>().map_err(|e| e.to_string())?;
    }
    for route in &model.routes {
        if route.provider.is_empty() || route.model.is_empty() {
            return Err("a route needs a provider and a model".into());
        }
        if let Some(price) = &route.price {
            price
                .check()
                .map_err(|why| format!("route {}: {why}", route.provider))?;
        }
    }
    Ok(())
}

impl Catalog {
    /// Reads a catalog file (JSON, the built-in catalog's shape).
    ///
    /// # Errors
    /// [`VideoError::Io`] when it cannot be read; [`VideoError::Configuration`] naming the
    /// row when it is not a catalog.
    pub fn from_file(path: &Path) -> Result<Self, VideoError> {
        use std::io::Read;
        let io = |source| VideoError::Io {
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(io)?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(VideoError::configuration(format!(
                "{}: a catalog file is at most {MAX_FILE_BYTES} bytes",
                path.display()
            )));
        }
        parse(&text, &path.display().to_string())
    }

    /// The built-in catalog with the user's file laid over it: `file` when given, else
    /// `VIDEO_CATALOG` from `env` when set.
    ///
    /// # Errors
    /// As [`from_file`](Self::from_file).
    pub fn load(env: &dyn Env, file: Option<&Path>) -> Result<Self, VideoError> {
        let mut catalog = Self::builtin();
        let named = env.var(CATALOG_VAR).filter(|v| !v.trim().is_empty());
        let path = file
            .map(Path::to_path_buf)
            .or_else(|| named.map(Into::into));
        if let Some(path) = path {
            catalog.overlay(Self::from_file(&path)?);
        }
        Ok(catalog)
    }

    /// Lays `user`'s rows over this catalog: a model it names (by id or alias) takes the
    /// fields the user gave, and each of its routes replaces the route of the same provider
    /// and model id or is added; other models are added. The user's `prefer` list wins.
    pub fn overlay(&mut self, user: Catalog) {
        if !user.prefer.is_empty() {
            self.prefer = user.prefer;
        }
        for model in user.models {
            let known = self.models.iter().position(|m| m.is_called(&model.id));
            match known {
                Some(at) => overlay_model(&mut self.models[at], model),
                None => self.models.push(model),
            }
        }
    }
}

fn overlay_model(known: &mut CatalogModel, user: CatalogModel) {
    fn take<T>(known: &mut Vec<T>, user: Vec<T>) {
        if !user.is_empty() {
            *known = user;
        }
    }
    take(&mut known.aliases, user.aliases);
    take(&mut known.modes, user.modes);
    take(&mut known.durations, user.durations);
    take(&mut known.resolutions, user.resolutions);
    take(&mut known.aspect_ratios, user.aspect_ratios);
    if !user.vendor.is_empty() {
        known.vendor = user.vendor;
    }
    known.audio |= user.audio;
    known.default_duration = user.default_duration.or(known.default_duration);
    known.default_resolution = user.default_resolution.or(known.default_resolution.take());
    for route in user.routes {
        let same = known.routes.iter().position(|r| {
            r.provider == route.provider && r.model.eq_ignore_ascii_case(&route.model)
        });
        match same {
            Some(at) => known.routes[at] = route,
            None => known.routes.push(route),
        }
    }
}
