//! Saving a finished task's videos: one file per video, each downloaded in its slot,
//! hashed, recorded; a video whose link expired (before or during the download) is fetched
//! again once after querying the task for a fresh locator.

use std::borrow::Cow;
use std::path::Path;
use std::time::SystemTime;

use super::Flow;
use crate::error::VideoError;
use crate::journal::{DownloadRecord, EntryId, update_entry};
use crate::pipeline::Event;
use crate::pipeline::destination::Target;
use crate::retry::retry_call;
use crate::save::{
    IfExists, SaveOptions, SavedVideo, check_output_path, remove_stale_parts, save_to_file,
};
use crate::task::{Task, Video};

impl Flow<'_, '_> {
    /// Downloads each video to its file, recording each in the journal.
    pub(super) async fn save(
        &self,
        task: &Task,
        target: &Target,
        entry: Option<EntryId>,
    ) -> Result<Vec<SavedVideo>, VideoError> {
        let in_task = |error: VideoError| error.in_task(&task.id);
        if task.videos.is_empty() {
            return Err(in_task(VideoError::decode(
                None,
                "the task finished without a video",
                b"",
            )));
        }
        // The folder may have gone since the destination was checked or recorded.
        check_output_path(&target.path, IfExists::KeepBoth).map_err(in_task)?;
        let mut all = Vec::with_capacity(task.videos.len());
        for (index, video) in task.videos.iter().enumerate() {
            let path = target.video_path(index);
            remove_stale_parts(&path);
            let (saved, used) = self
                .download_fresh(task, index, video, &path, target.if_exists, entry)
                .await
                .map_err(in_task)?;
            self.emit(&Event::Saved {
                video: index,
                saved: &saved,
            });
            self.record_download(entry, index, &used, &saved)
                .await
                .map_err(in_task)?;
            all.push(saved);
        }
        Ok(all)
    }

    /// Video `index` of `task` to `path`. A locator that has expired (its `expires_at` passed,
    /// or the provider answered [`VideoError::LinkExpired`]) is replaced once by the same
    /// video of a fresh query; a second expiry is the error. Returns the video actually
    /// downloaded (its locator may be the fresh one).
    async fn download_fresh<'v>(
        &self,
        task: &Task,
        index: usize,
        video: &'v Video,
        path: &Path,
        if_exists: IfExists,
        entry: Option<EntryId>,
    ) -> Result<(SavedVideo, Cow<'v, Video>), VideoError> {
        let mut current = Cow::Borrowed(video);
        let mut refreshed = false;
        if current.is_expired_at(SystemTime::now()) {
            current = Cow::Owned(self.refresh(task, index, entry, None).await?);
            refreshed = true;
        }
        loop {
            match self.download(index, &current, path, if_exists).await {
                Err(error) if !refreshed && is_expired(&error) => {
                    current = Cow::Owned(self.refresh(task, index, entry, Some(&error)).await?);
                    refreshed = true;
                }
                result => return result.map(|saved| (saved, current)),
            }
        }
    }

    /// Queries the task once more (in a query slot, retrying what a query may retry) and
    /// returns its video `index`, recording the fresh snapshot in the journal.
    async fn refresh(
        &self,
        task: &Task,
        index: usize,
        entry: Option<EntryId>,
        cause: Option<&VideoError>,
    ) -> Result<Video, VideoError> {
        self.emit(&Event::RefreshingLink {
            video: index,
            error: cause,
        });
        let provider = self.provider();
        let query = || async {
            let _slot = self.pipeline.querying.acquire().await;
            provider.task(&task.id).await
        };
        let policy = &self.policy().download_retry;
        let fresh = retry_call(policy, query, VideoError::is_retryable, |_, _| {}).await?;
        if fresh.is_terminal() {
            self.record(entry, |e| e.apply_task(&fresh)).await;
        }
        let video = fresh.videos.into_iter().nth(index);
        video.ok_or_else(|| {
            VideoError::decode(
                None,
                format!(
                    "the task no longer lists video {index} (asked again because its link \
                     expired)"
                ),
                b"",
            )
        })
    }

    /// One video to one file, retried on retryable errors per the policy.
    async fn download(
        &self,
        index: usize,
        video: &Video,
        path: &Path,
        if_exists: IfExists,
    ) -> Result<SavedVideo, VideoError> {
        let provider = self.provider();
        let attempt = || async move {
            let stream = provider.download(video).await?;
            // Hashed: the journal and the reports name each file by its SHA-256.
            let options = SaveOptions::new()
                .sha256(true)
                .if_exists(if_exists)
                .on_progress(|progress| {
                    self.emit(&Event::Downloading {
                        video: index,
                        progress,
                    });
                });
            save_to_file(stream, path, options).await
        };
        let notify = |error: &VideoError, pause| {
            self.emit(&Event::DownloadRetry {
                video: index,
                error,
                pause,
            });
        };
        let policy = &self.policy().download_retry;
        retry_call(policy, attempt, VideoError::is_retryable, notify).await
    }

    /// Records a saved video; a failure here is an error that says where the video is.
    async fn record_download(
        &self,
        entry: Option<EntryId>,
        index: usize,
        video: &Video,
        saved: &SavedVideo,
    ) -> Result<(), VideoError> {
        let (Some(store), Some(entry)) = (self.pipeline.journal, entry) else {
            return Ok(());
        };
        let record = DownloadRecord::new(
            index,
            video.locator.clone(),
            saved.path.clone(),
            saved.bytes,
            saved.sha256.clone().unwrap_or_default(),
        );
        update_entry(store, entry, |e| e.apply_download(&record))
            .await
            .map(drop)
            .map_err(|error| VideoError::Journal {
                message: format!(
                    "the video was saved at {} ({} bytes, sha256 {}), but the journal could not \
                     record it ({error}); resuming records it later (the video is fetched again \
                     to check the file is the same, and the file is left as it is)",
                    saved.path.display(),
                    saved.bytes,
                    record.sha256
                ),
                source: Some(Box::new(error)),
            })
    }
}

/// Whether a download failed because its link no longer works.
fn is_expired(error: &VideoError) -> bool {
    matches!(error.root(), VideoError::LinkExpired { .. })
}
