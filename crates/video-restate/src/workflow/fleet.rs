//! The fleet's shared limits, as the workflow uses them: the budget reservation before a
//! submission (and its release after a refusal), and the account's slot around the task.

use restate_sdk::prelude::*;
use video_core::VideoRequest;

use super::config::{Lane, VideoJob};
use super::{STATUS, fail};
use crate::job::{JobStatus, Phase};
use crate::limits::{AccountSlotsClient, FleetBudgetClient, Reservation, SlotAsk};

impl VideoJob {
    /// Reserves the job's estimate under the fleet's budget, if there is one.
    pub(super) async fn reserve(
        &self,
        lane: &Lane,
        ctx: &WorkflowContext<'_>,
        key: &str,
        request: &VideoRequest,
        status: &mut JobStatus,
    ) -> Result<(), HandlerError> {
        let Some(config) = &self.budget else {
            return Ok(());
        };
        let budget = &config.budget;
        let provider = lane.steps.provider.as_ref();
        let estimate = config
            .pricer
            .estimate(provider.name(), provider.model(), request);
        let micros = match budget.amount_of(&estimate) {
            Ok(amount) => amount.map_or(0, |cost| cost.micros()),
            Err(why) => {
                let why = format!("over budget `{}`: {why}; not sent", budget.name());
                return Err(fail(ctx, status, TerminalError::new_with_code(402, why)));
            }
        };
        let ask = Reservation {
            job: key.to_owned(),
            micros,
            limit_micros: budget.limit().micros(),
            currency: budget.limit().currency().to_owned(),
        };
        let Json(fits) = ctx
            .object_client::<FleetBudgetClient>(budget.name())
            .reserve(Json(ask))
            .call()
            .await?;
        if fits {
            status.estimate = estimate.cost.map(|cost| cost.to_string());
            return Ok(());
        }
        let why = format!(
            "over budget `{}` (limit {}): not sent",
            budget.name(),
            budget.limit()
        );
        Err(fail(ctx, status, TerminalError::new_with_code(402, why)))
    }

    /// Gives the job's reservation back (its submission created no task).
    pub(super) fn release_budget(&self, ctx: &WorkflowContext<'_>, key: &str) {
        if let Some(config) = &self.budget {
            ctx.object_client::<FleetBudgetClient>(config.budget.name())
                .release(key.to_owned())
                .send();
        }
    }
}

impl Lane {
    /// Waits (no provider call) until the account has a slot for this job.
    pub(super) async fn take_slot(
        &self,
        ctx: &WorkflowContext<'_>,
        key: &str,
        status: &mut JobStatus,
    ) -> Result<(), HandlerError> {
        let Some((account, limit)) = &self.slots else {
            return Ok(());
        };
        status.phase = Phase::WaitingForSlot;
        ctx.set(STATUS, Json(status.clone()));
        let (awakeable, granted) = ctx.awakeable::<String>();
        let ask = SlotAsk {
            job: key.to_owned(),
            limit: *limit,
            awakeable,
        };
        ctx.object_client::<AccountSlotsClient>(account.clone())
            .acquire(Json(ask))
            .send();
        granted.await?;
        Ok(())
    }

    /// Gives the job's slot back (its task ended, or never existed).
    pub(super) fn give_slot_back(&self, ctx: &WorkflowContext<'_>, key: &str) {
        if let Some((account, _)) = &self.slots {
            ctx.object_client::<AccountSlotsClient>(account.clone())
                .release(key.to_owned())
                .send();
        }
    }
}
