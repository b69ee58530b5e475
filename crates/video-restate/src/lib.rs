//! # video-restate
//!
//! The video pipeline as a durable [Restate](https://restate.dev) workflow, for fleets: many
//! workers on many machines, any of which may die at any moment without losing a task or
//! paying for one twice.
//!
//! [`VideoJob`] is a workflow keyed by the job id, which is also the submission's client
//! reference. Its `run` handler:
//! 1. **submits** as one journaled step — with a provider that finds tasks by reference
//!    (Kling's `external_task_id`) the step looks the reference up first, so a step replayed
//!    after a crash adopts the task instead of creating a second one;
//! 2. **waits** on durable timers following the [`video_core::PollPolicy`] (another worker
//!    resumes the schedule after a crash), woken early by the provider's callback
//!    (`callback` handler) and stopped by `cancel`;
//! 3. **saves** each video through [`Storage`] (`object_store`: a local folder by default,
//!    S3/GCS/Azure with the features), with its SHA-256 and size in the result.
//!
//! Errors follow core's rules: retryable ones are retried by Restate; the rest end the job
//! with a terminal error naming the task. `status` answers from workflow state.
//!
//! The `video-worker` binary serves it for any configured provider; `docs/scale.md` shows a
//! fleet end to end.
//!
//! ```no_run
//! use std::sync::Arc;
//! use restate_sdk::prelude::*;
//! use video_restate::{Storage, VideoJob, provider_from_env};
//!
//! # async fn serve() -> Result<(), video_core::VideoError> {
//! let (provider, policy) = provider_from_env("kling", false)?;
//! let job = VideoJob::new(provider, policy, Storage::local("videos".as_ref())?);
//! HttpServer::new(Endpoint::builder().bind(job).build())
//!     .listen_and_serve("127.0.0.1:9080".parse().expect("an address"))
//!     .await;
//! # Ok(()) }
//! ```

mod errors;
mod job;
mod limits;
mod providers;
mod steps;
mod storage;
mod workflow;

pub use job::{JobRequest, JobResult, JobStatus, Phase};
pub use limits::{AccountSlots, BudgetState, FleetBudget, Reservation, SlotAsk, SlotsState};
pub use providers::{provider_from, provider_from_env, provider_names};
/// Re-exported so an app serves the workflow with the same SDK version.
pub use restate_sdk;
pub use storage::{SavedObject, Storage};
pub use workflow::{FleetBudgetConfig, VideoJob};
