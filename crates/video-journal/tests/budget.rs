//! Budgets in the SQLite journal: a reservation is checked and written in one transaction,
//! so handles (and processes) sharing the file never reserve past the limit together; it is
//! given back only when the submission provably created no task.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use video_core::VideoRequest;
use video_core::cost::{Budget, Estimate, Money};
use video_core::journal::{EntryState, JournalEntry, TaskStore, update_entry};
use video_journal::SqliteJournal;

fn usd(text: &str) -> Money {
    format!("{text}USD").parse().unwrap()
}

fn draft(prompt: &str) -> JournalEntry {
    JournalEntry::new(0, "kling-dmx", &VideoRequest::new(prompt), None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn handles_sharing_a_file_never_reserve_past_the_limit_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let handles: Vec<SqliteJournal> = (0..4)
        .map(|_| SqliteJournal::open(&path).unwrap())
        .collect();
    let budget = Arc::new(Budget::new("shared", usd("2.00")));
    let estimate = Arc::new(Estimate::priced(usd("0.50"), "0.50 USD per video"));
    let mut writers = Vec::new();
    for (n, journal) in handles.iter().enumerate() {
        for k in 0..5 {
            let (journal, budget, estimate) = (journal.clone(), budget.clone(), estimate.clone());
            writers.push(tokio::spawn(async move {
                journal
                    .begin_within(&draft(&format!("{n}-{k}")), &budget, &estimate)
                    .await
            }));
        }
    }
    let mut admitted = 0;
    for writer in writers {
        match writer.await.unwrap() {
            Ok(_) => admitted += 1,
            Err(error) => assert_eq!(error.kind(), "over_budget", "{error}"),
        }
    }
    assert_eq!(admitted, 4, "2.00 USD holds four 0.50 USD requests");
    let listing = handles[0].entries().await.unwrap();
    assert_eq!(listing.entries.len(), 4, "nothing is written for a refusal");
    assert!(
        listing
            .entries
            .iter()
            .all(|e| e.reserved == Some(usd("0.50")) && e.budget.as_deref() == Some("shared"))
    );
}

/// Writes a draft of `prompt` under `budget`.
async fn admit(
    journal: &SqliteJournal,
    prompt: &str,
    budget: &Budget,
    estimate: &Estimate,
) -> Result<i64, video_core::VideoError> {
    journal.begin_within(&draft(prompt), budget, estimate).await
}

#[tokio::test]
async fn a_reservation_is_given_back_only_when_no_task_was_created() {
    let dir = tempfile::tempdir().unwrap();
    let journal = SqliteJournal::open(&dir.path().join("journal.sqlite3")).unwrap();
    let budget = Budget::new("b", usd("1.00"));
    let estimate = Estimate::priced(usd("0.50"), "flat");
    let first = admit(&journal, "a", &budget, &estimate).await.unwrap();
    let second = admit(&journal, "b", &budget, &estimate).await.unwrap();
    assert!(admit(&journal, "c", &budget, &estimate).await.is_err());

    // An unknown outcome keeps its money; a refusal gives it back.
    let unknown = |e: &mut JournalEntry| e.state = EntryState::UnknownOutcome;
    update_entry(&journal, first, unknown).await.unwrap();
    assert!(admit(&journal, "c", &budget, &estimate).await.is_err());
    let refused = |e: &mut JournalEntry| e.state = EntryState::Refused;
    update_entry(&journal, second, refused).await.unwrap();
    admit(&journal, "c", &budget, &estimate).await.unwrap();

    // Another budget is counted apart; an unpriced request needs permission.
    let other = Budget::new("other", usd("0.50"));
    admit(&journal, "d", &other, &estimate).await.unwrap();
    let unpriced = Estimate::unknown("no price");
    let refused = admit(&journal, "e", &other, &unpriced).await.unwrap_err();
    assert!(refused.to_string().contains("unknown"), "{refused}");
    let lenient = Budget::new("other", usd("0.50")).allow_unpriced(true);
    let id = admit(&journal, "e", &lenient, &unpriced).await.unwrap();
    let entry = journal.entry(id).await.unwrap().unwrap();
    assert_eq!(
        (entry.budget.as_deref(), entry.reserved),
        (Some("other"), None)
    );
}

#[test]
fn processes_opening_a_new_journal_at_once_all_get_it() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("journal.sqlite3"));
        let openers: Vec<_> = (0..6)
            .map(|_| {
                let path = Arc::clone(&path);
                std::thread::spawn(move || SqliteJournal::open(&path).map(drop))
            })
            .collect();
        for opener in openers {
            opener.join().unwrap().unwrap();
        }
    }
}
