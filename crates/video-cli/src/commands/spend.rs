//! `video spend [--since DATE]`: what the journal's tasks cost, by model, route and
//! currency — the estimates made before sending and the charges providers reported, apart.

use std::collections::BTreeMap;

use serde::Serialize;
use video_core::VideoError;
use video_core::cost::{Money, holds_reservation};
use video_core::journal::{JournalEntry, TaskStore};

use crate::cli::Cli;
use crate::commands::cost::add_by_currency;
use crate::dates::day_start;
use crate::output::out;
use crate::routes::{catalog, model_of};
use crate::setup::journal;
use crate::text::clean;

/// One model on one route.
#[derive(Debug, Default, Serialize)]
struct Row {
    model: String,
    provider: String,
    provider_model: Option<String>,
    tasks: usize,
    /// Estimates summed by currency.
    estimated: BTreeMap<String, String>,
    /// Tasks without an estimate.
    unpriced: usize,
    /// Units the providers reported charging (Kling's units deducted).
    reported_units: Option<String>,
    /// Tokens the relay reported.
    reported_tokens: Option<u64>,
}

/// Sums the journal; returns the exit code.
pub(crate) async fn spend(cli: &Cli, since: Option<&str>) -> u8 {
    match rows(cli, since).await {
        Ok(rows) => {
            print(&rows, since, cli.json);
            0
        }
        Err(error) => super::failed(cli, &error),
    }
}

async fn rows(cli: &Cli, since: Option<&str>) -> Result<Vec<Row>, VideoError> {
    let from = since.map(day_start).transpose()?;
    let entries = journal(cli)?.entries().await?.entries;
    let catalog = catalog(cli)?;
    let mut sums: BTreeMap<(String, String, Option<String>), Sums> = BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|e| holds_reservation(e.state))
        .filter(|e| from.is_none_or(|from| e.created_at >= from))
    {
        let key = (
            model_of(entry, catalog),
            entry.provider.clone(),
            entry.model.clone(),
        );
        sums.entry(key).or_default().add(entry);
    }
    Ok(sums
        .into_iter()
        .map(|((model, provider, provider_model), sums)| sums.row(model, provider, provider_model))
        .collect())
}

/// Running sums of one row.
#[derive(Debug, Default)]
struct Sums {
    tasks: usize,
    estimated: BTreeMap<String, Money>,
    unpriced: usize,
    units: Option<Money>,
    tokens: Option<u64>,
}

impl Sums {
    fn add(&mut self, entry: &JournalEntry) {
        self.tasks += 1;
        match &entry.estimate {
            Some(cost) => add_by_currency(&mut self.estimated, cost),
            None => self.unpriced += 1,
        }
        let Some(usage) = &entry.charged else { return };
        if let Some(units) = usage
            .charged
            .as_deref()
            .and_then(|u| format!("{u} UNITS").parse::<Money>().ok())
        {
            self.units = Some(match self.units.take() {
                Some(total) => total.plus(&units).unwrap_or(total),
                None => units,
            });
        }
        if let Some(tokens) = usage.tokens {
            self.tokens = Some(self.tokens.unwrap_or(0).saturating_add(tokens));
        }
    }

    fn row(self, model: String, provider: String, provider_model: Option<String>) -> Row {
        Row {
            model,
            provider,
            provider_model,
            tasks: self.tasks,
            estimated: self
                .estimated
                .into_iter()
                .map(|(currency, sum)| (currency, sum.to_string()))
                .collect(),
            unpriced: self.unpriced,
            reported_units: self
                .units
                .map(|units| units.to_string().replace(" UNITS", "")),
            reported_tokens: self.tokens,
        }
    }
}

fn print(rows: &[Row], since: Option<&str>, json: bool) {
    if json {
        let value = serde_json::json!({ "since": since, "rows": rows });
        out!("{value}");
        return;
    }
    if rows.is_empty() {
        out!(
            "nothing spent{}",
            since.map(|d| format!(" since {d}")).unwrap_or_default()
        );
        return;
    }
    out!(
        "{:<20} {:<28} {:>5}  {:<22} REPORTED",
        "MODEL",
        "ROUTE",
        "TASKS",
        "ESTIMATED"
    );
    for row in rows {
        let route = format!(
            "{} {}",
            row.provider,
            row.provider_model.as_deref().unwrap_or("")
        );
        let mut estimated: Vec<String> = row.estimated.values().cloned().collect();
        if row.unpriced > 0 {
            estimated.push(format!("{} unpriced", row.unpriced));
        }
        let reported: Vec<String> = [
            row.reported_units.as_ref().map(|u| format!("{u} units")),
            row.reported_tokens.map(|t| format!("{t} tokens")),
        ]
        .into_iter()
        .flatten()
        .collect();
        out!(
            "{:<20} {:<28} {:>5}  {:<22} {}",
            clean(&row.model),
            clean(route.trim()),
            row.tasks,
            estimated.join(" + "),
            if reported.is_empty() {
                "-".to_owned()
            } else {
                reported.join(", ")
            }
        );
    }
}
