//! Many jobs through one pipeline, a bounded number at a time.

use futures::{Stream, StreamExt};

use super::flow::Flow;
use super::{Destination, Generated, Pipeline};
use crate::error::VideoError;
use crate::request::VideoRequest;

/// One job per request, at most `concurrency` at once; jobs are created as capacity frees,
/// so a batch of 100,000 holds only `concurrency` jobs in memory.
pub(super) fn run<'s>(
    pipeline: &'s Pipeline<'_>,
    requests: Vec<VideoRequest>,
    concurrency: usize,
) -> impl Stream<Item = (usize, Result<Generated, VideoError>)> + Send + 's {
    let single_file = matches!(pipeline.destination, Some(Destination::File { .. }));
    futures::stream::iter(requests.into_iter().enumerate())
        .map(move |(index, request)| async move {
            if single_file {
                let error = VideoError::invalid(
                    "destination",
                    "a batch saves into a folder (Destination::Folder), not one file",
                );
                return (index, Err(error));
            }
            (index, Flow::new(pipeline, index).generate(&request).await)
        })
        .buffer_unordered(concurrency.max(1))
}
