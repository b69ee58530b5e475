//! Many jobs through one pipeline: at most `concurrency` in progress, and at most the
//! pipeline's [`max_submitting`](super::Pipeline::max_submitting) of them submitting. A job is
//! created only when a submission slot frees, so a batch of 100,000 holds the jobs waiting for
//! their tasks (small) and a bounded number of submissions, never 100,000 pending ones; and
//! a job is admitted only while fewer than eight finished jobs per download slot wait for
//! one, so a batch that renders faster than it downloads does not pile up finished tasks.

use std::ops::Deref;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use tokio::sync::Semaphore;

use super::flow::Flow;
use super::slots::QUEUED_PER_SLOT;
use super::{Destination, Generated, Job, Pipeline};
use crate::error::VideoError;

/// Runs `jobs` through `pipeline` (a reference, or an `Arc` the stream owns).
pub(super) fn run<'s, 'a: 's, P, J>(
    pipeline: P,
    jobs: J,
    concurrency: usize,
) -> impl Stream<Item = (usize, Result<Generated, VideoError>)> + Send + 's
where
    P: Deref<Target = Pipeline<'a>> + Clone + Send + Sync + 's,
    J: Iterator<Item = Job> + Send + 's,
{
    let single_file = matches!(pipeline.destination, Some(Destination::File { .. }));
    let gate = Arc::new(Semaphore::new(pipeline.submitting.max(1)));
    let queue_limit = pipeline.downloading.capacity() * QUEUED_PER_SLOT;
    let admitting = pipeline.clone();
    futures::stream::iter(jobs.enumerate())
        .then(move |(index, job)| {
            let gate = Arc::clone(&gate);
            let pipeline = admitting.clone();
            // Boxed so the stream stays `Unpin` (callers use `stream.next()` unpinned).
            Box::pin(async move {
                // Finished tasks queued for a download slot are not joined by more.
                pipeline.downloading.until_queue_below(queue_limit).await;
                (index, job, gate.acquire_owned().await.ok())
            })
        })
        .map(move |(index, job, permit)| {
            let pipeline = pipeline.clone();
            // Boxed: a job's future holds a pointer, and the request is freed once submitted.
            let job = Box::new(job);
            async move {
                if single_file && job.destination.is_none() {
                    let error = VideoError::invalid(
                        "destination",
                        "a batch saves into a folder (Destination::Folder), or each job to its \
                         own file (Job::save), not all to one file",
                    );
                    return (index, Err(error));
                }
                let Job {
                    request,
                    destination,
                } = unbox(job);
                let flow = Flow::new(&pipeline, index)
                    .with_destination(destination)
                    .with_admission(permit);
                (index, flow.generate_owned(Box::new(request)).await)
            }
        })
        .buffer_unordered(concurrency.max(1))
}

/// Moves a job out of its box and frees the box now (a `let .. = *boxed` in an async block
/// keeps the allocation until the block ends).
fn unbox(job: Box<Job>) -> Job {
    *job
}
