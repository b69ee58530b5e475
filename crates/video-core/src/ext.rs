//! [`VideoProviderExt`]: the conveniences every provider gets, as methods (the trait itself
//! stays small; these are written once, here).

use std::path::Path;

use futures::Stream;

use crate::error::VideoError;
use crate::pipeline::{Pipeline, generate};
use crate::policy::PollPolicy;
use crate::provider::VideoProvider;
use crate::request::VideoRequest;
use crate::save::{SaveOptions, SavedVideo, download_to_file};
use crate::task::{Task, TaskId, Video};
use crate::wait::{wait, watch};

/// Conveniences on any [`VideoProvider`] (sized or `dyn`): each is one of the crate's
/// functions with the provider as the receiver.
///
/// ```
/// # async fn demo(provider: std::sync::Arc<dyn video_core::VideoProvider>) -> Result<(), video_core::VideoError> {
/// use video_core::{PollPolicy, VideoProviderExt, VideoRequest};
///
/// let task = provider
///     .generate(&VideoRequest::new("a red fox in snow"), &PollPolicy::default())
///     .await?;
/// # Ok(()) }
/// ```
pub trait VideoProviderExt: VideoProvider {
    /// A [`Pipeline`] for this provider.
    fn pipeline(&self) -> Pipeline<'_>;

    /// [`generate`](crate::generate) with this provider.
    fn generate<'a>(
        &'a self,
        request: &'a VideoRequest,
        policy: &'a PollPolicy,
    ) -> impl Future<Output = Result<Task, VideoError>> + Send + 'a;

    /// [`wait`](crate::wait) with this provider.
    fn wait<'a>(
        &'a self,
        id: &'a TaskId,
        policy: &'a PollPolicy,
    ) -> impl Future<Output = Result<Task, VideoError>> + Send + 'a;

    /// [`watch`](crate::watch) with this provider.
    fn watch<'a>(
        &'a self,
        id: &TaskId,
        policy: &PollPolicy,
    ) -> impl Stream<Item = Result<Task, VideoError>> + Send + 'a;

    /// [`download_to_file`](crate::download_to_file) with this provider.
    fn download_to_file<'a>(
        &'a self,
        video: &'a Video,
        path: &'a Path,
        options: SaveOptions<'a>,
    ) -> impl Future<Output = Result<SavedVideo, VideoError>> + Send + 'a;
}

macro_rules! ext_methods {
    () => {
        fn pipeline(&self) -> Pipeline<'_> {
            Pipeline::new(self)
        }

        fn generate<'a>(
            &'a self,
            request: &'a VideoRequest,
            policy: &'a PollPolicy,
        ) -> impl Future<Output = Result<Task, VideoError>> + Send + 'a {
            generate(self, request, policy)
        }

        fn wait<'a>(
            &'a self,
            id: &'a TaskId,
            policy: &'a PollPolicy,
        ) -> impl Future<Output = Result<Task, VideoError>> + Send + 'a {
            wait(self, id, policy)
        }

        fn watch<'a>(
            &'a self,
            id: &TaskId,
            policy: &PollPolicy,
        ) -> impl Stream<Item = Result<Task, VideoError>> + Send + 'a {
            watch(self, id, policy)
        }

        fn download_to_file<'a>(
            &'a self,
            video: &'a Video,
            path: &'a Path,
            options: SaveOptions<'a>,
        ) -> impl Future<Output = Result<SavedVideo, VideoError>> + Send + 'a {
            download_to_file(self, video, path, options)
        }
    };
}

impl<P: VideoProvider> VideoProviderExt for P {
    ext_methods!();
}

impl VideoProviderExt for dyn VideoProvider {
    ext_methods!();
}
