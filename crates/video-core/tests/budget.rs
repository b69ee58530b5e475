//! Budgets in the pipeline: each submission's estimate is reserved in the journal before it
//! is sent; one that does not fit is refused with nothing sent and nothing journaled, and
//! the rest of the run stops submitting; a refusal gives its reservation back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Scripted;
use video_core::cost::{Budget, Estimate, Money, Pricer};
use video_core::journal::{EntryState, MemoryStore, TaskStore};
use video_core::{ErrorDetails, Pipeline, VideoError, VideoRequest};

/// Every request costs the same.
#[derive(Debug)]
struct Flat(&'static str);

impl Pricer for Flat {
    fn estimate(&self, _: &str, _: Option<&str>, _: &VideoRequest) -> Estimate {
        Estimate::priced(self.0.parse().unwrap(), "flat")
    }
}

fn usd(text: &str) -> Money {
    format!("{text}USD").parse().unwrap()
}

#[tokio::test(start_paused = true)]
async fn submissions_stop_at_the_budget_and_nothing_past_it_is_sent_or_journaled() {
    let provider = Scripted::new();
    let store = MemoryStore::new();
    let pricer = Flat("0.30USD");
    let pipeline = Pipeline::new(&provider)
        .journal(&store)
        .pricing(&pricer)
        .budget(Budget::new("b", usd("1.00")));
    let mut refused = 0;
    for n in 0..5 {
        match pipeline
            .submit(&VideoRequest::new(format!("fox {n}")))
            .await
        {
            Ok(_) => {}
            Err(error) => {
                assert_eq!(error.kind(), "over_budget", "{error}");
                assert!(error.is_refused_submission());
                refused += 1;
            }
        }
    }
    assert_eq!(
        (provider.submits(), refused),
        (3, 2),
        "0.90 of 1.00 USD reserved"
    );
    let entries = store.entries().await.unwrap().entries;
    assert_eq!(entries.len(), 3);
    for entry in &entries {
        assert_eq!(entry.estimate, Some(usd("0.30")));
        assert_eq!(entry.reserved, Some(usd("0.30")));
        assert_eq!(entry.budget.as_deref(), Some("b"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_refused_submission_gives_its_reservation_back() {
    let refusal = VideoError::unauthorized("bad key", ErrorDetails::none());
    let provider = Scripted::new().submit_answers([Err(refusal)]);
    let store = MemoryStore::new();
    let pricer = Flat("0.60USD");
    let budget = Budget::new("b", usd("1.00"));
    let pipeline = Pipeline::new(&provider)
        .journal(&store)
        .pricing(&pricer)
        .budget(budget.clone());
    assert!(pipeline.submit(&VideoRequest::new("a")).await.is_err());
    pipeline.submit(&VideoRequest::new("b")).await.unwrap();
    let entries = store.entries().await.unwrap().entries;
    let states: Vec<EntryState> = entries.iter().map(|e| e.state).collect();
    assert_eq!(states, [EntryState::Submitted, EntryState::Refused]);
    assert_eq!(budget.spent(&entries), usd("0.60"));
}

#[tokio::test(start_paused = true)]
async fn a_budget_needs_a_journal_and_an_estimate_is_recorded_without_one() {
    let provider = Scripted::new();
    let pricer = Flat("0.10USD");
    let unjournaled = Pipeline::new(&provider)
        .pricing(&pricer)
        .budget(Budget::new("b", usd("1")));
    let error = unjournaled
        .submit(&VideoRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "configuration");
    assert_eq!(provider.submits(), 0);

    let store = MemoryStore::new();
    let priced = Pipeline::new(&provider).journal(&store).pricing(&pricer);
    priced.submit(&VideoRequest::new("b")).await.unwrap();
    let entry = &store.entries().await.unwrap().entries[0];
    assert_eq!(
        (entry.estimate.clone(), entry.budget.clone()),
        (Some(usd("0.10")), None)
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_pricer_a_budget_refuses_unless_unpriced_requests_are_allowed() {
    let provider = Scripted::new();
    let store = MemoryStore::new();
    let strict = Pipeline::new(&provider)
        .journal(&store)
        .budget(Budget::new("b", usd("1")));
    let error = strict.submit(&VideoRequest::new("a")).await.unwrap_err();
    assert!(error.to_string().contains("unknown"), "{error}");
    let lenient = Budget::new("b", usd("1")).allow_unpriced(true);
    let pipeline = Pipeline::new(&provider).journal(&store).budget(lenient);
    pipeline.submit(&VideoRequest::new("b")).await.unwrap();
    assert_eq!(provider.submits(), 1);
}
