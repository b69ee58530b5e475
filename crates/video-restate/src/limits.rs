//! What a fleet shares: [`AccountSlots`], a virtual object per (provider, account) granting
//! submission slots up to the account's concurrency limit, and [`FleetBudget`], a virtual
//! object per budget reserving each job's estimate before it is sent. Both are held by the
//! workflow (Restate's journal), not by a worker process: a worker killed while holding a
//! slot or a reservation does not leak it, since the job resumes elsewhere and gives it back
//! when it ends.

use std::collections::{BTreeMap, VecDeque};

use restate_sdk::prelude::*;
use serde::{Deserialize, Serialize};

/// State key of both objects.
const STATE: &str = "state";

/// A job asking for a slot: the awakeable to resolve when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotAsk {
    /// The job (workflow key).
    pub job: String,
    /// The account's limit, as the asking worker is configured.
    pub limit: u32,
    /// The awakeable that wakes the job once the slot is its.
    pub awakeable: String,
}

/// Who holds the account's slots, and who waits, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsState {
    /// The limit last asked with.
    pub limit: u32,
    /// Jobs holding a slot.
    pub holders: Vec<String>,
    /// Jobs waiting, first come first served: (job, awakeable).
    pub waiting: VecDeque<(String, String)>,
}

impl SlotsState {
    /// Grants slots to waiting jobs while there is room; the awakeables to resolve.
    fn grant(&mut self) -> Vec<String> {
        let mut woken = Vec::new();
        while self.holders.len() < self.limit as usize {
            let Some((job, awakeable)) = self.waiting.pop_front() else {
                break;
            };
            self.holders.push(job);
            woken.push(awakeable);
        }
        woken
    }
}

/// An account's submission slots, keyed `<provider>/<account>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountSlots;

#[restate_sdk::object]
impl AccountSlots {
    /// Queues `ask`; its awakeable is resolved (now or when a slot frees) once the job holds
    /// a slot. Asking again while holding one resolves at once.
    #[handler]
    async fn acquire(&self, ctx: ObjectContext<'_>, Json(ask): Json<SlotAsk>) -> HandlerResult<()> {
        let mut state = ctx
            .get::<Json<SlotsState>>(STATE)
            .await?
            .map(|s| s.0)
            .unwrap_or_default();
        state.limit = ask.limit.max(1);
        if state.holders.contains(&ask.job) {
            ctx.resolve_awakeable(&ask.awakeable, String::new());
            return Ok(());
        }
        state.waiting.retain(|(job, _)| job != &ask.job);
        state.waiting.push_back((ask.job, ask.awakeable));
        for awakeable in state.grant() {
            ctx.resolve_awakeable(&awakeable, String::new());
        }
        ctx.set(STATE, Json(state));
        Ok(())
    }

    /// Gives `job`'s slot (or its place in the queue) back, and grants the next.
    #[handler]
    async fn release(&self, ctx: ObjectContext<'_>, job: String) -> HandlerResult<()> {
        let mut state = ctx
            .get::<Json<SlotsState>>(STATE)
            .await?
            .map(|s| s.0)
            .unwrap_or_default();
        state.holders.retain(|holder| holder != &job);
        state.waiting.retain(|(waiting, _)| waiting != &job);
        for awakeable in state.grant() {
            ctx.resolve_awakeable(&awakeable, String::new());
        }
        ctx.set(STATE, Json(state));
        Ok(())
    }

    /// Who holds and who waits.
    #[handler]
    async fn show(&self, ctx: SharedObjectContext<'_>) -> HandlerResult<Json<SlotsState>> {
        Ok(ctx
            .get::<Json<SlotsState>>(STATE)
            .await?
            .unwrap_or_default())
    }
}

/// A job's estimate, to reserve under a budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// The job (workflow key).
    pub job: String,
    /// Its estimate in millionths of the currency (0 for an unpriced job let through).
    pub micros: i64,
    /// The budget's limit in millionths, as the asking worker is configured.
    pub limit_micros: i64,
    /// The budget's currency.
    pub currency: String,
}

/// What a budget holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetState {
    /// Its currency (fixed by the first reservation).
    pub currency: String,
    /// Each job's reservation, in millionths.
    pub reserved: BTreeMap<String, i64>,
}

impl BudgetState {
    /// The sum of the reservations.
    pub fn spent_micros(&self) -> i64 {
        self.reserved
            .values()
            .fold(0_i64, |sum, v| sum.saturating_add(*v))
    }
}

/// A budget shared by the fleet, keyed by its name.
#[derive(Debug, Clone, Copy, Default)]
pub struct FleetBudget;

#[restate_sdk::object]
impl FleetBudget {
    /// Reserves the job's estimate if the budget holds it; whether it is reserved (asking
    /// again for a job already reserved answers yes).
    #[handler]
    async fn reserve(
        &self,
        ctx: ObjectContext<'_>,
        Json(ask): Json<Reservation>,
    ) -> HandlerResult<Json<bool>> {
        let mut state = ctx
            .get::<Json<BudgetState>>(STATE)
            .await?
            .map(|s| s.0)
            .unwrap_or_default();
        if state.reserved.contains_key(&ask.job) {
            return Ok(Json(true));
        }
        if state.currency.is_empty() {
            state.currency.clone_from(&ask.currency);
        }
        let fits = state.currency == ask.currency
            && state.spent_micros().saturating_add(ask.micros) <= ask.limit_micros;
        if fits {
            state.reserved.insert(ask.job, ask.micros);
            ctx.set(STATE, Json(state));
        }
        Ok(Json(fits))
    }

    /// Gives a job's reservation back: only for a job whose submission provably created no
    /// task.
    #[handler]
    async fn release(&self, ctx: ObjectContext<'_>, job: String) -> HandlerResult<()> {
        let mut state = ctx
            .get::<Json<BudgetState>>(STATE)
            .await?
            .map(|s| s.0)
            .unwrap_or_default();
        if state.reserved.remove(&job).is_some() {
            ctx.set(STATE, Json(state));
        }
        Ok(())
    }

    /// What the budget holds.
    #[handler]
    async fn show(&self, ctx: SharedObjectContext<'_>) -> HandlerResult<Json<BudgetState>> {
        Ok(ctx
            .get::<Json<BudgetState>>(STATE)
            .await?
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_granted_in_order_up_to_the_limit() {
        let mut state = SlotsState {
            limit: 2,
            ..SlotsState::default()
        };
        for job in ["a", "b", "c"] {
            state.waiting.push_back((job.into(), format!("w-{job}")));
        }
        assert_eq!(state.grant(), ["w-a", "w-b"]);
        assert_eq!(state.holders, ["a", "b"]);
        state.holders.retain(|h| h != "a");
        assert_eq!(state.grant(), ["w-c"]);
        assert!(state.grant().is_empty());
    }
}
