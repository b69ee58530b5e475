//! Money on the command line: `--max-cost` as a budget, `--dry-run` (the estimate and the
//! checks a request passed, nothing sent) and `video spend`.

use std::collections::BTreeMap;

use serde::Serialize;
use video_core::cost::{Budget, Money, Pricer};
use video_core::journal::TaskStore;
use video_core::{VideoError, VideoProvider};

use crate::cli::{Cli, CostArgs, SubmitArgs, WaitArgs};
use crate::commands::{destination, request};
use crate::output::out;
use crate::providers::build;
use crate::routes::{catalog, routes};
use crate::setup::journal;

/// Adds `cost` to the running total of its currency in `totals`.
pub(crate) fn add_by_currency(totals: &mut BTreeMap<String, Money>, cost: &Money) {
    match totals.get_mut(cost.currency()) {
        Some(total) => {
            if let Some(sum) = total.plus(cost) {
                *total = sum;
            }
        }
        None => {
            totals.insert(cost.currency().to_owned(), cost.clone());
        }
    }
}

/// The budget `--max-cost` sets, if any.
pub(crate) fn budget_of(cost: &CostArgs) -> Result<Option<Budget>, VideoError> {
    let Some(limit) = &cost.max_cost else {
        return Ok(None);
    };
    let limit: Money = limit.parse().map_err(|_| {
        VideoError::invalid(
            "--max-cost",
            format!("`{limit}` is not an amount with its currency (e.g. 2.50USD)"),
        )
    })?;
    Ok(Some(
        Budget::new(cost.budget.clone(), limit).allow_unpriced(cost.allow_unpriced),
    ))
}

/// What a dry run found.
#[derive(Debug, Serialize)]
struct Plan {
    dry_run: bool,
    provider: String,
    model: Option<String>,
    catalog_model: Option<String>,
    estimate: Option<String>,
    basis: String,
    checks: Vec<String>,
    fallbacks: Vec<String>,
}

/// `--dry-run`: the route, the estimate and the checks passed; nothing is sent.
pub(crate) async fn dry_run(cli: &Cli, args: &SubmitArgs, cost: &CostArgs) -> u8 {
    match plan(cli, args, cost).await {
        Ok(plan) => {
            print_plan(&plan, cli.json);
            0
        }
        Err(error) => super::failed(cli, &error),
    }
}

async fn plan(cli: &Cli, args: &SubmitArgs, cost: &CostArgs) -> Result<Plan, VideoError> {
    let request = request(args)?;
    let routes = routes(cli)?;
    let Some((first, rest)) = routes.split_first() else {
        return Err(VideoError::configuration("no route serves this model"));
    };
    let (provider, _) = build(first.row, cli, first.model.as_deref(), &WaitArgs::default())?;
    provider.validate(&request)?;
    let model = provider.model().map(str::to_owned);
    let mut checks = vec![format!(
        "the request fits {} {}: its lengths, sizes, frames, options and rules",
        provider.name(),
        model.as_deref().unwrap_or("(default model)")
    )];
    destination(args.output.as_deref(), args.force).preflight()?;
    checks.push("the video can be saved where asked".to_owned());
    let catalog = catalog(cli)?;
    let estimate = catalog.estimate(provider.name(), model.as_deref(), &request);
    if let Some(budget) = budget_of(cost)? {
        let spent = budget.spent(&journal(cli)?.entries().await?.entries);
        budget.admit(&spent, &estimate)?;
        checks.push(format!(
            "budget `{}`: {spent} of {} reserved, and this request fits",
            budget.name(),
            budget.limit()
        ));
    }
    let catalog_model = catalog
        .route_of(provider.name(), model.as_deref())
        .map(|(entry, _)| entry.id.clone());
    Ok(Plan {
        dry_run: true,
        provider: provider.name().to_owned(),
        model,
        catalog_model,
        estimate: estimate.cost.as_ref().map(ToString::to_string),
        basis: estimate.basis,
        checks,
        fallbacks: rest.iter().map(|route| route.row.name.to_owned()).collect(),
    })
}

fn print_plan(plan: &Plan, json: bool) {
    if json {
        out!("{}", serde_json::to_string(plan).unwrap_or_default());
        return;
    }
    out!("dry run: nothing was sent");
    let model = plan.model.as_deref().unwrap_or("(default model)");
    let listed = plan
        .catalog_model
        .as_ref()
        .map(|id| format!(", catalog model {id}"))
        .unwrap_or_default();
    out!("route:    {} {model}{listed}", plan.provider);
    if !plan.fallbacks.is_empty() {
        out!(
            "then:     {} (only if a route refuses before creating a task)",
            plan.fallbacks.join(", ")
        );
    }
    match &plan.estimate {
        Some(cost) => out!("estimate: {cost} ({})", plan.basis),
        None => out!("estimate: unknown ({})", plan.basis),
    }
    for check in &plan.checks {
        out!("ok:       {check}");
    }
}
