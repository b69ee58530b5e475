//! Many jobs through one pipeline, a bounded number at a time.

use futures::{Stream, StreamExt};

use super::flow::Flow;
use super::{Destination, Generated, Job, Pipeline};
use crate::error::VideoError;

/// One job per request, at most `concurrency` at once; jobs are created as capacity frees,
/// so a batch of 100,000 holds only `concurrency` jobs in memory.
pub(super) fn run<'s>(
    pipeline: &'s Pipeline<'_>,
    jobs: Vec<Job>,
    concurrency: usize,
) -> impl Stream<Item = (usize, Result<Generated, VideoError>)> + Send + 's {
    let single_file = matches!(pipeline.destination, Some(Destination::File { .. }));
    futures::stream::iter(jobs.into_iter().enumerate())
        .map(move |(index, job)| async move {
            if single_file && job.destination.is_none() {
                let error = VideoError::invalid(
                    "destination",
                    "a batch saves into a folder (Destination::Folder), or each job to its own \
                     file (Job::save), not all to one file",
                );
                return (index, Err(error));
            }
            let flow = Flow::new(pipeline, index).with_destination(job.destination);
            (index, flow.generate(&job.request).await)
        })
        .buffer_unordered(concurrency.max(1))
}
