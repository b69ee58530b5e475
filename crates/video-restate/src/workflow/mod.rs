//! [`VideoJob`]: the pipeline as a Restate workflow, keyed by the job id (also the
//! submission's client reference). `run` submits once (a journaled step), waits on durable
//! timers following the [`PollPolicy`] — woken early by a provider callback — and saves each
//! video to the [`Storage`]; `status`, `cancel` and `callback` are shared handlers.

use std::time::Duration;

use restate_sdk::prelude::*;
use video_core::{TaskStatus, VideoRequest};

mod config;
mod fleet;

use config::Lane;
pub use config::{FleetBudgetConfig, VideoJob};

use crate::errors::terminal;
use crate::job::{JobRequest, JobResult, JobStatus, Phase};
use crate::steps::{Query, Saved, Steps, Submitted};
use crate::storage::SavedObject;

/// State key of the job's [`JobStatus`].
const STATUS: &str = "status";
/// Promise resolved by `cancel`.
const CANCEL: &str = "cancel";
/// How many callbacks can wake the wait early (later ones are ignored: the timers go on).
const MAX_CALLBACKS: u32 = 16;

fn callback_promise(index: u32) -> String {
    format!("callback-{index}")
}

/// A stable seed from the job id, so the jittered schedule is the same on every replay.
fn seed_of(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What ended a wait between two queries.
enum Wake {
    Due,
    Callback,
    Cancelled,
}

#[restate_sdk::workflow]
impl VideoJob {
    /// Runs the job: submit (once), wait, save. Returns the saved videos; a refusal, a failed
    /// task, a timeout or a cancellation ends it with a terminal error naming the task.
    #[handler]
    async fn run(
        &self,
        ctx: WorkflowContext<'_>,
        Json(job): Json<JobRequest>,
    ) -> HandlerResult<Json<JobResult>> {
        let key = ctx.key().to_owned();
        let lane = match self.lane(job.provider.as_deref()) {
            Ok(lane) => lane,
            Err(error) => return Err(error.into()),
        };
        let request = self.prepare(lane, &key, job.request);
        let mut status = JobStatus {
            phase: Phase::Submitting,
            ..JobStatus::default()
        };
        ctx.set(STATUS, Json(status.clone()));
        if let Err(error) = lane.steps.provider.validate(&request) {
            return Err(fail(&ctx, &mut status, terminal(&error)));
        }
        self.reserve(lane, &ctx, &key, &request, &mut status)
            .await?;
        lane.take_slot(&ctx, &key, &mut status).await?;
        let outcome = self
            .submit_and_wait(lane, &ctx, &key, &request, &mut status)
            .await;
        lane.give_slot_back(&ctx, &key);
        let task = outcome?;
        if task.status != TaskStatus::Succeeded {
            let error = terminal(&lane.steps.provider.failure_error(&task));
            return Err(fail(&ctx, &mut status, error));
        }
        status.phase = Phase::Downloading;
        ctx.set(STATUS, Json(status.clone()));
        for (index, video) in task.videos.iter().enumerate() {
            let name = if index == 0 {
                format!("{key}.mp4")
            } else {
                format!("{key}.{index}.mp4")
            };
            match lane.save_video(&ctx, &task.id, index, video, &name).await {
                Ok(saved) => status.saved.push(saved),
                Err(error) => return Err(fail(&ctx, &mut status, error)),
            }
            ctx.set(STATUS, Json(status.clone()));
        }
        status.phase = Phase::Succeeded;
        ctx.set(STATUS, Json(status.clone()));
        Ok(Json(JobResult {
            task_id: task.id,
            status: task.status,
            videos: status.saved,
            submit_window_ms: status.submit_window_ms,
        }))
    }

    /// The job's state, from the workflow (no provider call).
    #[handler]
    async fn status(&self, ctx: SharedWorkflowContext<'_>) -> HandlerResult<Json<JobStatus>> {
        let status = ctx.get::<Json<JobStatus>>(STATUS).await?;
        Ok(Json(status.map(|json| json.0).unwrap_or_default()))
    }

    /// Stops the job: no more queries; it ends `cancelled`.
    #[handler]
    async fn cancel(&self, ctx: SharedWorkflowContext<'_>, reason: String) -> HandlerResult<()> {
        if ctx.peek_promise::<String>(CANCEL).await?.is_none() {
            ctx.resolve_promise::<String>(CANCEL, reason);
        }
        Ok(())
    }

    /// A provider's callback: wakes the wait for an immediate query (the body is a hint, not
    /// trusted: the query decides).
    #[handler]
    async fn callback(&self, ctx: SharedWorkflowContext<'_>, body: Vec<u8>) -> HandlerResult<()> {
        for index in 0..MAX_CALLBACKS {
            let name = callback_promise(index);
            if ctx.peek_promise::<String>(&name).await?.is_none() {
                let size = body.len().to_string();
                ctx.resolve_promise::<String>(&name, size);
                break;
            }
        }
        Ok(())
    }
}

impl VideoJob {
    /// Submits (a refusal gives the budget reservation back) and waits for the task to end.
    async fn submit_and_wait(
        &self,
        lane: &Lane,
        ctx: &WorkflowContext<'_>,
        key: &str,
        request: &VideoRequest,
        status: &mut JobStatus,
    ) -> Result<video_core::Task, HandlerError> {
        status.phase = Phase::Submitting;
        ctx.set(STATUS, Json(status.clone()));
        let Json(Submitted {
            task,
            replied_at_ms,
        }) = match submit(ctx, &lane.steps, request).await {
            Ok(submitted) => submitted,
            Err(error) => {
                if (400..=403).contains(&error.code()) {
                    self.release_budget(ctx, key);
                }
                return Err(fail(ctx, status, error));
            }
        };
        let window = ctx
            .run(|| async move { Ok(Json(crate::steps::now_ms() - replied_at_ms)) })
            .name("submit-window")
            .await?;
        status.submit_window_ms = Some(window.0);
        status.phase = Phase::Waiting;
        status.task_id = Some(task.id.clone());
        status.status = Some(task.status.clone());
        ctx.set(STATUS, Json(status.clone()));
        lane.wait(ctx, key, task, status).await
    }
}

impl Lane {
    /// Saves video `index` of task `id`; when its link has expired, queries the task once
    /// more (a step) and saves from the fresh link — once per video: a second expiry ends the
    /// job.
    async fn save_video(
        &self,
        ctx: &WorkflowContext<'_>,
        id: &video_core::TaskId,
        index: usize,
        video: &video_core::Video,
        name: &str,
    ) -> Result<SavedObject, TerminalError> {
        let steps = &self.steps;
        let expired = match save(ctx, steps, video, name).await? {
            Json(Saved::Object(saved)) => return Ok(saved),
            Json(Saved::LinkExpired(message)) => message,
        };
        tracing::info!(task_id = %id, index, %expired, "link expired; querying the task again");
        let fresh = ctx
            .run(|| async move { steps.refresh(id, index).await })
            .name("refresh-link")
            .await?;
        match save(ctx, steps, &fresh.0, name).await? {
            Json(Saved::Object(saved)) => Ok(saved),
            Json(Saved::LinkExpired(message)) => Err(TerminalError::new_with_code(
                410,
                format!("task {id}: the link expired again after querying the task: {message}"),
            )),
        }
    }

    /// Waits on durable timers (and callbacks) until the task ends; each query is a step.
    async fn wait(
        &self,
        ctx: &WorkflowContext<'_>,
        key: &str,
        mut task: video_core::Task,
        status: &mut JobStatus,
    ) -> Result<video_core::Task, HandlerError> {
        let policy = self.policy.clone().with_seed(seed_of(key));
        let mut delays = policy.delays();
        let mut waited = Duration::ZERO;
        let mut callbacks = 0;
        while !task.is_terminal() {
            let delay = delays.next().unwrap_or(policy.max_interval);
            waited += delay;
            if waited > policy.deadline {
                let error = video_core::VideoError::WaitTimeout {
                    task_id: task.id.clone(),
                    last: Some(Box::new(task.clone())),
                };
                return Err(fail(ctx, status, terminal(&error)));
            }
            let callback = callback_promise(callbacks.min(MAX_CALLBACKS));
            let wake = restate_sdk::select! {
                done = ctx.sleep(delay) => { done?; Wake::Due },
                _ = ctx.promise::<String>(&callback) => Wake::Callback,
                _ = ctx.promise::<String>(CANCEL) => Wake::Cancelled,
            };
            match wake {
                Wake::Cancelled => {
                    status.phase = Phase::Cancelled;
                    status.message = Some("cancelled".to_owned());
                    ctx.set(STATUS, Json(status.clone()));
                    let cancelled = TerminalError::new_with_code(
                        409,
                        format!("task {}: job cancelled", task.id),
                    );
                    return Err(cancelled.into());
                }
                Wake::Callback => callbacks += 1,
                Wake::Due => {}
            }
            let steps = &self.steps;
            let id = task.id.clone();
            let query = ctx
                .run(|| async move { steps.query(&id).await })
                .name("query")
                .await;
            status.queries += 1;
            match query {
                Ok(Json(Query::Snapshot(snapshot))) => {
                    task = *snapshot;
                    status.status = Some(task.status.clone());
                    status.message.clone_from(&task.status_message);
                }
                Ok(Json(Query::Retry(message))) => status.message = Some(message),
                Err(error) => return Err(fail(ctx, status, error)),
            }
            ctx.set(STATUS, Json(status.clone()));
        }
        Ok(task)
    }
}

/// The submission step (see [`Steps::submit`]), retried by Restate while no task can exist.
async fn submit(
    ctx: &WorkflowContext<'_>,
    steps: &Steps,
    request: &VideoRequest,
) -> Result<Json<Submitted>, TerminalError> {
    ctx.run(|| async move { steps.submit(request).await })
        .name("submit")
        .retry_policy(
            RunRetryPolicy::new()
                .initial_delay(Duration::from_secs(1))
                .exponentiation_factor(2.0)
                .max_delay(Duration::from_secs(60))
                .max_attempts(30),
        )
        .await
}

/// One video to the storage, a step retried on retryable errors a few times.
async fn save(
    ctx: &WorkflowContext<'_>,
    steps: &Steps,
    video: &video_core::Video,
    name: &str,
) -> Result<Json<Saved>, TerminalError> {
    ctx.run(|| async move { steps.save(video, name).await })
        .name("download")
        .retry_policy(
            RunRetryPolicy::new()
                .initial_delay(Duration::from_millis(500))
                .exponentiation_factor(2.0)
                .max_delay(Duration::from_secs(30))
                .max_attempts(6),
        )
        .await
}

/// Records the failure in the job's status and hands the error back.
fn fail(ctx: &WorkflowContext<'_>, status: &mut JobStatus, error: TerminalError) -> HandlerError {
    status.phase = Phase::Failed;
    status.message = Some(error.message().to_owned());
    ctx.set(STATUS, Json(status.clone()));
    error.into()
}
