//! [`Budget`]: a cap on what a journal's submissions may reserve, and the one rule that
//! admits or refuses a submission under it.

use crate::error::VideoError;
use crate::journal::{EntryState, JournalEntry};

use super::{Estimate, Money};

/// A spending cap shared by every submission journaled under its name, in every process
/// using the same journal: a submission is admitted only when what the budget has reserved
/// so far plus its estimate stays within `limit`.
///
/// ```
/// use video_core::cost::Budget;
/// let budget = Budget::new("launch-week", "2.50USD".parse().unwrap());
/// assert_eq!(budget.limit().to_string(), "2.50 USD");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    name: String,
    limit: Money,
    allow_unpriced: bool,
}

impl Budget {
    /// A budget called `name` capped at `limit`; requests without a price in the limit's
    /// currency are refused under it.
    pub fn new(name: impl Into<String>, limit: Money) -> Self {
        Self {
            name: name.into(),
            limit,
            allow_unpriced: false,
        }
    }

    /// Lets requests whose cost is unknown (or in another currency) through, reserving
    /// nothing for them.
    #[must_use]
    pub fn allow_unpriced(mut self, allow: bool) -> Self {
        self.allow_unpriced = allow;
        self
    }

    /// Its name (entries record it).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its cap.
    pub fn limit(&self) -> &Money {
        &self.limit
    }

    /// Whether unpriced requests go through.
    pub fn allows_unpriced(&self) -> bool {
        self.allow_unpriced
    }

    /// What this budget reserves for `estimate`, whatever it already holds: the estimate
    /// when it is in the limit's currency; nothing for an unpriced request (its price is
    /// unknown, or in another currency) when unpriced requests are allowed.
    ///
    /// # Errors
    /// Why an unpriced request is refused, in words.
    pub fn amount_of(&self, estimate: &Estimate) -> Result<Option<Money>, String> {
        match &estimate.cost {
            Some(cost) if cost.currency() == self.limit.currency() => Ok(Some(cost.clone())),
            _ if self.allow_unpriced => Ok(None),
            Some(cost) => Err(format!(
                "its price is in {}, not {}; allow unpriced requests to send it",
                cost.currency(),
                self.limit.currency()
            )),
            None => Err(format!(
                "its price is unknown ({}); allow unpriced requests to send it",
                estimate.basis
            )),
        }
    }

    /// What admitting a request with `estimate` reserves, given `spent` (what the budget
    /// already holds): the estimate, or nothing for an unpriced request when allowed.
    ///
    /// # Errors
    /// [`VideoError::OverBudget`] when the estimate would take the budget past its limit,
    /// or the price is unknown (or in another currency) and unpriced requests are refused.
    pub fn admit(&self, spent: &Money, estimate: &Estimate) -> Result<Option<Money>, VideoError> {
        let cost = match self.amount_of(estimate) {
            Ok(Some(cost)) => cost,
            Ok(None) => return Ok(None),
            Err(why) => return Err(self.refusal(spent, None, &why)),
        };
        if spent.plus(&cost).is_some_and(|total| total <= self.limit) {
            return Ok(Some(cost));
        }
        Err(self.refusal(spent, Some(&cost), "it would pass the limit"))
    }

    /// `entry` admitted under this budget (given `spent`, what it already holds): a copy
    /// recording the budget's name and what it reserves. What a store's
    /// [`begin_within`](crate::journal::TaskStore::begin_within) writes.
    ///
    /// # Errors
    /// As [`admit`](Self::admit).
    pub fn reserve(
        &self,
        entry: &JournalEntry,
        spent: &Money,
        estimate: &Estimate,
    ) -> Result<JournalEntry, VideoError> {
        let reserved = self.admit(spent, estimate)?;
        let mut entry = entry.clone();
        entry.budget = Some(self.name.clone());
        entry.reserved = reserved;
        Ok(entry)
    }

    /// The refusal of one request.
    pub fn refusal(&self, spent: &Money, cost: Option<&Money>, why: &str) -> VideoError {
        VideoError::OverBudget {
            budget: self.name.clone(),
            message: format!(
                "{spent} of {} reserved{}: {why}; not sent",
                self.limit,
                cost.map(|c| format!(", this request needs {c}"))
                    .unwrap_or_default()
            ),
        }
    }

    /// What `entries` hold against this budget: the reservations of every entry journaled
    /// under its name, except those that provably created no task.
    pub fn spent<'e>(&self, entries: impl IntoIterator<Item = &'e JournalEntry>) -> Money {
        let zero = self.limit.zero_like();
        entries
            .into_iter()
            .filter(|entry| entry.budget.as_deref() == Some(self.name.as_str()))
            .filter(|entry| holds_reservation(entry.state))
            .filter_map(|entry| entry.reserved.as_ref())
            .fold(zero, |sum, cost| sum.plus(cost).unwrap_or(sum))
    }
}

/// Whether an entry in `state` still holds its reservation: everything except a submission
/// proven never created (refused, not created, dismissed by hand).
pub fn holds_reservation(state: EntryState) -> bool {
    !matches!(
        state,
        EntryState::Refused | EntryState::NotCreated | EntryState::Dismissed
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VideoRequest;

    fn usd(text: &str) -> Money {
        format!("{text}USD").parse().unwrap()
    }

    fn entry(budget: &str, reserved: &str, state: EntryState) -> JournalEntry {
        let mut entry = JournalEntry::new(1, "p", &VideoRequest::new("x"), None);
        entry.budget = Some(budget.into());
        entry.reserved = Some(usd(reserved));
        entry.state = state;
        entry
    }

    #[test]
    fn a_request_is_admitted_up_to_the_limit_and_not_past_it() {
        let budget = Budget::new("b", usd("1.00"));
        let estimate = Estimate::priced(usd("0.50"), "flat");
        assert_eq!(
            budget.admit(&usd("0.50"), &estimate).unwrap(),
            Some(usd("0.50"))
        );
        let error = budget.admit(&usd("0.51"), &estimate).unwrap_err();
        assert_eq!(error.kind(), "over_budget");
        assert!(
            error.to_string().contains("0.51 USD of 1.00 USD"),
            "{error}"
        );
    }

    #[test]
    fn unpriced_requests_need_permission() {
        let budget = Budget::new("b", usd("1"));
        let unknown = Estimate::unknown("no price published");
        assert!(
            budget
                .admit(&usd("0"), &unknown)
                .unwrap_err()
                .to_string()
                .contains("unknown")
        );
        let yuan = Estimate::priced("1CNY".parse().unwrap(), "flat");
        assert!(
            budget
                .admit(&usd("0"), &yuan)
                .unwrap_err()
                .to_string()
                .contains("CNY")
        );
        let lenient = budget.allow_unpriced(true);
        assert_eq!(lenient.admit(&usd("0"), &unknown).unwrap(), None);
    }

    #[test]
    fn only_entries_that_may_have_created_a_task_count() {
        let budget = Budget::new("b", usd("10"));
        let entries = [
            entry("b", "1", EntryState::Submitted),
            entry("b", "2", EntryState::UnknownOutcome),
            entry("b", "4", EntryState::Failed),
            entry("b", "8", EntryState::Refused),
            entry("b", "16", EntryState::NotCreated),
            entry("other", "32", EntryState::Submitted),
        ];
        assert_eq!(budget.spent(&entries), usd("7"));
    }
}
