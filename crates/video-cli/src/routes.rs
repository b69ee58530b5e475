//! Model-first selection: the model catalog (built in, with the user's file laid over it)
//! and the routes that serve a `--model`, in the order they are tried.

use std::sync::{Arc, OnceLock};

use video_core::{PollPolicy, VideoError, VideoProvider};
use video_providers::{Catalog, ProcessEnv, ProviderRow};

use crate::cli::{Cli, WaitArgs};
use crate::providers::{build, choose, find, registry};

/// The variable listing the routes to try first (provider names, comma separated).
pub(crate) const ROUTES_VAR: &str = "VIDEO_ROUTES";

/// One way to serve a request: a provider and the model id it takes.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// The provider.
    pub(crate) row: &'static ProviderRow,
    /// Its model id (`None`: the provider's default).
    pub(crate) model: Option<String>,
}

impl Route {
    /// Builds the route's provider and its wait policy. A route that is not the `last` does
    /// not retry a refused submission: the next route is the retry.
    pub(crate) fn build(
        &self,
        cli: &Cli,
        wait: &WaitArgs,
        last: bool,
    ) -> Result<(Arc<dyn VideoProvider>, PollPolicy), VideoError> {
        let (provider, mut policy) = build(self.row, cli, self.model.as_deref(), wait)?;
        if !last {
            policy.submit_retry = policy.submit_retry.with_max_retries(0);
        }
        Ok((provider, policy))
    }
}

/// Whether a route turned `error`'s submission away before creating any task (another
/// route may take it).
pub(crate) fn refused_by_route(error: &VideoError) -> bool {
    error.is_route_refusal() && error.task_id().is_none()
}

/// The catalog: built in, with `--catalog` (else `$VIDEO_CATALOG`) laid over it. Read once.
pub(crate) fn catalog(cli: &Cli) -> Result<&'static Catalog, VideoError> {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    if let Some(catalog) = CATALOG.get() {
        return Ok(catalog);
    }
    let loaded = Catalog::load(&ProcessEnv, cli.catalog.as_deref())?;
    Ok(CATALOG.get_or_init(|| loaded))
}

/// The model an entry made, as shown: its catalog model, else the provider's model id.
pub(crate) fn model_of(entry: &video_core::journal::JournalEntry, catalog: &Catalog) -> String {
    catalog
        .route_of(&entry.provider, entry.model.as_deref())
        .map(|(model, _)| model.id.clone())
        .or_else(|| entry.model.clone())
        .unwrap_or_else(|| "-".to_owned())
}

/// The provider's own model id for `--model` on `row`: a catalog model's route through
/// `row`, else `--model` as given.
pub(crate) fn model_for(row: &ProviderRow, cli: &Cli) -> Option<String> {
    let name = cli.model.as_deref()?;
    let routed = catalog(cli).ok().and_then(|catalog| {
        let model = catalog.find(name)?;
        let route = model
            .routes
            .iter()
            .find(|route| route.provider == row.name)?;
        Some(route.model.clone())
    });
    Some(routed.unwrap_or_else(|| name.to_owned()))
}

/// The routes to try, in order. A catalog model (`--model seedance-2.0`) is served by its
/// configured routes, the preferred first (`--routes`, `$VIDEO_ROUTES`, else the catalog's
/// order), or with `--provider` by that route only; anything else by the one provider
/// `--provider` (or the environment) names, with `--model` as its own model id.
pub(crate) fn routes(cli: &Cli) -> Result<Vec<Route>, VideoError> {
    let catalog = catalog(cli)?;
    let Some(model) = cli.model.as_deref().and_then(|name| catalog.find(name)) else {
        let row = choose(cli.provider.as_deref())?;
        return Ok(vec![Route {
            row,
            model: cli.model.clone(),
        }]);
    };
    let listed = || {
        let names: Vec<&str> = model.routes.iter().map(|r| r.provider.as_str()).collect();
        names.join(", ")
    };
    if let Some(provider) = cli.provider.as_deref() {
        let row = find(provider)?;
        let route = model.routes.iter().find(|route| route.provider == provider);
        let route = route.ok_or_else(|| {
            VideoError::invalid(
                "model",
                format!(
                    "{} is not served by {provider}; its routes: {}",
                    model.id,
                    listed()
                ),
            )
        })?;
        return Ok(vec![Route {
            row,
            model: Some(route.model.clone()),
        }]);
    }
    let prefer = preference(cli);
    let usable: Vec<Route> = catalog
        .routes(model, &prefer)
        .into_iter()
        .filter_map(|route| {
            let row = registry().find(&route.provider).ok()?;
            (row.configured)(&ProcessEnv).then(|| Route {
                row,
                model: Some(route.model.clone()),
            })
        })
        .collect();
    if usable.is_empty() {
        let env: Vec<String> = model
            .routes
            .iter()
            .filter_map(|route| registry().find(&route.provider).ok())
            .flat_map(|row| row.credentials())
            .map(str::to_owned)
            .collect();
        return Err(VideoError::MissingCredentials {
            provider: format!("{} (routes: {})", model.id, listed()),
            env,
        });
    }
    Ok(usable)
}

/// `--routes`, else `$VIDEO_ROUTES`.
fn preference(cli: &Cli) -> Vec<String> {
    if !cli.routes.is_empty() {
        return cli.routes.clone();
    }
    std::env::var(ROUTES_VAR)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}
