//! The job's steps as plain async functions (each runs inside one `ctx.run`, so its result
//! is journaled and a replay does not repeat it): submit or adopt, one query, one download.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use restate_sdk::prelude::{HandlerError, HandlerResult, Json};
use serde::{Deserialize, Serialize};
use video_core::{Task, TaskId, Video, VideoError, VideoProvider, VideoRequest};

use crate::errors::{terminal, to_handler};
use crate::storage::{SavedObject, Storage};

/// What the steps use.
pub(crate) struct Steps {
    pub(crate) provider: Arc<dyn VideoProvider>,
    pub(crate) storage: Storage,
}

/// The submission step's result: the task, and when its reply arrived (Unix ms).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Submitted {
    pub(crate) task: Task,
    pub(crate) replied_at_ms: f64,
}

/// One download's result: saved, or the link had expired.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Saved {
    Object(SavedObject),
    LinkExpired(String),
}

/// One query's result: a snapshot, or a retryable failure to note and wait past.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Query {
    Snapshot(Box<Task>),
    Retry(String),
}

/// Unix time in milliseconds (fractional).
pub(crate) fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64() * 1000.0)
}

impl Steps {
    /// Submits the request once, or adopts the task it already created.
    ///
    /// A provider that finds tasks by client reference is asked first, so a step replayed
    /// after a crash (the request may have been sent) adopts the task instead of paying for
    /// a second one; then an unknown outcome is simply retried (the retry looks up first,
    /// and a provider refusing a duplicate reference cannot create two). Without lookup an
    /// unknown outcome is final: never resubmitted. Refusals that prove no task exists (rate
    /// and concurrency limits, a refused connection) are retried; other refusals are final.
    pub(crate) async fn submit(&self, request: &VideoRequest) -> HandlerResult<Json<Submitted>> {
        let provider = self.provider.as_ref();
        let lookup = provider.capabilities().lookup_by_reference;
        if lookup && let Some(task) = self.find_before_submitting(request).await? {
            tracing::info!(task_id = %task.id, "adopted the task submitted earlier");
            return Ok(submitted(task));
        }
        match provider.submit(request).await {
            Ok(task) => Ok(submitted(task)),
            Err(error) if error.is_unaccepted_submission() => Err(HandlerError::from(error)),
            Err(error @ VideoError::UnknownOutcome { .. }) if lookup => {
                Err(HandlerError::from(error))
            }
            Err(error) if lookup && is_duplicate(&error) => match self.find(request).await? {
                Some(task) => Ok(submitted(task)),
                None => Err(terminal(&error).into()),
            },
            Err(error) => Err(terminal(&error).into()),
        }
    }

    /// The lookup before a submission: the task an earlier attempt created, if any. An
    /// inconclusive answer (an account with more tasks than the lookup reads) is not a reason
    /// to give up: the submission goes ahead, and a provider that finds tasks by reference
    /// refuses a duplicate one, which is then looked up again and adopted.
    async fn find_before_submitting(
        &self,
        request: &VideoRequest,
    ) -> Result<Option<Task>, HandlerError> {
        let Some(reference) = request.client_reference.as_deref() else {
            return Ok(None);
        };
        match self
            .provider
            .find_by_reference(reference, request.mode())
            .await
        {
            Ok(found) => Ok(found),
            Err(error) if error.is_retryable() => Err(HandlerError::from(error)),
            Err(error) => {
                tracing::info!(%error, "the lookup before submitting was inconclusive; submitting");
                Ok(None)
            }
        }
    }

    /// The task under the request's reference, if the provider has one.
    async fn find(&self, request: &VideoRequest) -> Result<Option<Task>, HandlerError> {
        let Some(reference) = request.client_reference.as_deref() else {
            return Ok(None);
        };
        self.provider
            .find_by_reference(reference, request.mode())
            .await
            .map_err(to_handler)
    }

    /// One query; a retryable failure is a result (the wait goes on), a final one an error.
    pub(crate) async fn query(&self, id: &TaskId) -> HandlerResult<Json<Query>> {
        match self.provider.task(id).await {
            Ok(task) => Ok(Json(Query::Snapshot(Box::new(task)))),
            Err(error) if error.is_retryable() => Ok(Json(Query::Retry(error.to_string()))),
            Err(error) => Err(terminal(&error.in_task(id)).into()),
        }
    }

    /// Downloads one video into the storage as `name`; an expired link is a result (the
    /// workflow queries the task again for a fresh one), not an error.
    pub(crate) async fn save(&self, video: &Video, name: &str) -> HandlerResult<Json<Saved>> {
        let saved = async {
            let stream = self.provider.download(video).await?;
            self.storage.save(name, stream).await
        }
        .await;
        match saved {
            Ok(saved) => Ok(Json(Saved::Object(saved))),
            Err(error @ VideoError::LinkExpired { .. }) => {
                Ok(Json(Saved::LinkExpired(error.to_string())))
            }
            Err(error) => Err(to_handler(error)),
        }
    }

    /// Queries task `id` again for a fresh link to its video `index` (after an expired one).
    pub(crate) async fn refresh(&self, id: &TaskId, index: usize) -> HandlerResult<Json<Video>> {
        let task = self
            .provider
            .task(id)
            .await
            .map_err(|error| to_handler(error.in_task(id)))?;
        match task.videos.into_iter().nth(index) {
            Some(video) => Ok(Json(video)),
            None => {
                let gone = VideoError::provider(
                    format!("task {id}: video {index} is gone when queried again"),
                    false,
                    video_core::ErrorDetails::none(),
                );
                Err(terminal(&gone).into())
            }
        }
    }
}

fn submitted(task: Task) -> Json<Submitted> {
    Json(Submitted {
        task,
        replied_at_ms: now_ms(),
    })
}

/// A refusal naming the client reference: the provider already has a task under it.
fn is_duplicate(error: &VideoError) -> bool {
    matches!(error, VideoError::InvalidRequest { field, .. } if field == "client_reference")
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use video_core::provider::VideoStream;
    use video_core::{Capabilities, ErrorDetails, Mode, TaskStatus};

    use super::*;

    /// A provider that finds tasks by reference, whose lookup answers `lookup` each time.
    #[derive(Debug)]
    struct Looked {
        caps: Capabilities,
        retryable: bool,
        submits: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl VideoProvider for Looked {
        fn name(&self) -> &str {
            "looked"
        }
        fn capabilities(&self) -> &Capabilities {
            &self.caps
        }
        async fn submit(&self, _: &VideoRequest) -> Result<Task, VideoError> {
            self.submits.fetch_add(1, Ordering::SeqCst);
            Ok(Task::new("t-1", TaskStatus::Submitted))
        }
        async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
            Ok(Task::new(id.as_str(), TaskStatus::Submitted))
        }
        async fn download(&self, _: &Video) -> Result<VideoStream, VideoError> {
            Err(VideoError::LinkExpired { status: 410 })
        }
        async fn find_by_reference(&self, _: &str, _: Mode) -> Result<Option<Task>, VideoError> {
            let message = "no task with this reference in the newest 2 full pages";
            Err(VideoError::provider(
                message,
                self.retryable,
                ErrorDetails::none(),
            ))
        }
    }

    fn steps(retryable: bool) -> (Steps, Arc<Looked>, tempfile::TempDir) {
        let provider = Arc::new(Looked {
            caps: Capabilities::new(100).with_lookup_by_reference(true),
            retryable,
            submits: AtomicUsize::new(0),
        });
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let storage = Storage::local(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let steps = Steps {
            provider: provider.clone(),
            storage,
        };
        (steps, provider, dir)
    }

    #[tokio::test]
    async fn an_inconclusive_lookup_before_submitting_does_not_stop_the_submission() {
        let (steps, provider, _dir) = steps(false);
        let request = VideoRequest::builder("a fox")
            .client_reference("job-1")
            .build();
        let submitted = steps.submit(&request).await;
        assert!(
            submitted.is_ok(),
            "an account with many tasks still submits"
        );
        assert_eq!(provider.submits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_lookup_that_failed_for_now_is_retried_before_anything_is_sent() {
        let (steps, provider, _dir) = steps(true);
        let request = VideoRequest::builder("a fox")
            .client_reference("job-1")
            .build();
        assert!(steps.submit(&request).await.is_err());
        assert_eq!(provider.submits.load(Ordering::SeqCst), 0);
    }
}
