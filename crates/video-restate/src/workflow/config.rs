//! [`VideoJob`]'s configuration: the providers it serves (one [`Lane`] each, with its poll
//! schedule and its account's slots), callbacks and the fleet's budget.

use std::sync::Arc;

use restate_sdk::prelude::*;
use video_core::cost::{Budget, Pricer};
use video_core::{PollPolicy, VideoProvider, VideoRequest};

use crate::steps::Steps;
use crate::storage::Storage;

/// The workflow: one job per key.
pub struct VideoJob {
    /// One lane per provider served; the first is the default.
    pub(super) lanes: Vec<Lane>,
    pub(super) callback_base: Option<String>,
    /// The fleet's budget.
    pub(super) budget: Option<FleetBudgetConfig>,
}

/// One provider the workflow serves: its steps, its schedule and its account's slots.
pub(crate) struct Lane {
    pub(super) steps: Steps,
    pub(super) policy: PollPolicy,
    /// The account's slots (`<provider>/<account>`) and their limit.
    pub(super) slots: Option<(String, u32)>,
}

/// A budget the fleet's jobs are reserved under (see [`VideoJob::with_budget`]).
#[derive(Clone)]
pub struct FleetBudgetConfig {
    /// The budget: its name keys the shared object, its limit caps it.
    pub budget: Budget,
    /// What prices each job (the model catalog).
    pub pricer: Arc<dyn Pricer>,
}

impl std::fmt::Debug for FleetBudgetConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetBudgetConfig")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl VideoJob {
    /// A workflow submitting to `provider`, waiting per `policy`, saving to `storage`.
    pub fn new(provider: Arc<dyn VideoProvider>, policy: PollPolicy, storage: Storage) -> Self {
        Self {
            lanes: vec![Lane {
                steps: Steps { provider, storage },
                policy,
                slots: None,
            }],
            callback_base: None,
            budget: None,
        }
    }

    /// Serves `provider` too (saving to the same storage): a job whose request names it
    /// (`"provider": "kling-dmx"` beside the request's fields) goes to it, the others to the
    /// first provider. Limits set after this call ([`with_account_limit`](Self::with_account_limit))
    /// are this provider's.
    #[must_use]
    pub fn with_provider(mut self, provider: Arc<dyn VideoProvider>, policy: PollPolicy) -> Self {
        let storage = self.lanes[0].steps.storage.clone();
        self.lanes.push(Lane {
            steps: Steps { provider, storage },
            policy,
            slots: None,
        });
        self
    }

    /// Lets at most `limit` of the account's tasks run at once across the fleet: each job
    /// takes a slot of the shared `AccountSlots` object keyed `<provider>/<account>` before
    /// it submits (waiting, with no provider call, until one frees) and gives it back when
    /// its task ends or provably never existed.
    /// (Applies to the provider added last.)
    #[must_use]
    pub fn with_account_limit(mut self, account: &str, limit: u32) -> Self {
        if let Some(lane) = self.lanes.last_mut() {
            let key = format!("{}/{account}", lane.steps.provider.name());
            lane.slots = Some((key, limit.max(1)));
        }
        self
    }

    /// Reserves each job's estimate under a budget shared by the fleet (the `FleetBudget`
    /// object keyed by its name) before it submits: a job that does not fit ends "over
    /// budget, not sent" (terminal, code 402) and sends nothing. A reservation is given back
    /// only when the submission was refused (no task); an unknown outcome keeps it.
    #[must_use]
    pub fn with_budget(mut self, budget: FleetBudgetConfig) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The names of the providers the jobs go to, the default first.
    pub fn provider_names(&self) -> Vec<&str> {
        self.lanes
            .iter()
            .map(|lane| lane.steps.provider.name())
            .collect()
    }

    /// The lane of the provider a request names (the first when it names none).
    pub(super) fn lane(&self, provider: Option<&str>) -> Result<&Lane, TerminalError> {
        let Some(name) = provider else {
            return self
                .lanes
                .first()
                .ok_or_else(|| TerminalError::new("no provider"));
        };
        self.lanes
            .iter()
            .find(|lane| lane.steps.provider.name() == name)
            .ok_or_else(|| {
                let served = self.provider_names().join(", ");
                TerminalError::new_with_code(
                    400,
                    format!("this fleet does not serve provider `{name}` (it serves {served})"),
                )
            })
    }

    /// Asks the provider to call back (where it can) at `<ingress>/VideoJob/<job id>/callback`,
    /// which wakes the wait at once instead of at the next timer.
    #[must_use]
    pub fn with_callbacks_to(mut self, ingress: impl Into<String>) -> Self {
        self.callback_base = Some(ingress.into().trim_end_matches('/').to_owned());
        self
    }

    /// The request as submitted: the job id as client reference, and the callback URL.
    pub(super) fn prepare(
        &self,
        lane: &Lane,
        key: &str,
        mut request: VideoRequest,
    ) -> VideoRequest {
        request.client_reference = Some(key.to_owned());
        let callbacks = lane.steps.provider.capabilities().callbacks;
        if let (Some(base), true, None) = (&self.callback_base, callbacks, &request.callback_url) {
            request.callback_url = Some(format!("{base}/VideoJob/{key}/callback"));
        }
        request
    }
}

impl std::fmt::Debug for VideoJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lanes: Vec<_> = self
            .lanes
            .iter()
            .map(|lane| (lane.steps.provider.name(), &lane.policy, &lane.slots))
            .collect();
        f.debug_struct("VideoJob")
            .field("lanes", &lanes)
            .field(
                "storage",
                &self.lanes.first().map(|lane| &lane.steps.storage),
            )
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}
