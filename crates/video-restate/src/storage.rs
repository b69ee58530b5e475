//! [`Storage`]: where videos go, through `object_store` — a local folder by default; S3, GCS
//! or Azure with the crate features `s3`, `gcs`, `azure` and a URL (`s3://bucket/prefix`).
//! Each video streams into a multipart upload while its SHA-256 and size are computed.

use std::fmt;
use std::sync::Arc;

use futures::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use video_core::VideoError;
use video_core::provider::VideoStream;

/// A saved video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SavedObject {
    /// Where it is: a file path for a local folder, else `<url>/<key>`.
    pub location: String,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

/// A destination for videos: an object store and a prefix inside it.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    /// How locations are shown: a folder path or a URL, ending before the key.
    root: String,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Storage")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

fn config(message: impl Into<String>) -> VideoError {
    VideoError::Configuration {
        message: message.into(),
        details: video_core::ErrorDetails::none(),
    }
}

impl Storage {
    /// A local folder (created if missing).
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when the folder cannot be created or used.
    pub fn local(folder: &std::path::Path) -> Result<Self, VideoError> {
        std::fs::create_dir_all(folder)
            .map_err(|e| config(format!("cannot create {}: {e}", folder.display())))?;
        let absolute = std::path::absolute(folder)
            .map_err(|e| config(format!("bad folder {}: {e}", folder.display())))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(&absolute)
            .map_err(|e| config(format!("cannot use {}: {e}", absolute.display())))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: Path::default(),
            root: absolute.display().to_string(),
        })
    }

    /// A folder path, or a URL (`file:///…`; with the features, `s3://bucket/prefix`,
    /// `gs://…`, `az://…`, configured from the environment as `object_store` documents).
    ///
    /// # Errors
    /// [`VideoError::Configuration`] for an unknown scheme or a store that cannot be built.
    pub fn from_location(location: &str) -> Result<Self, VideoError> {
        let Ok(url) = url::Url::parse(location) else {
            return Self::local(std::path::Path::new(location));
        };
        if url.scheme() == "file" {
            let path = url
                .to_file_path()
                .map_err(|()| config(format!("`{location}` is not a file path")))?;
            return Self::local(&path);
        }
        Self::cloud(&url)
    }

    #[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
    fn cloud(url: &url::Url) -> Result<Self, VideoError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let options: Vec<(String, String)> = std::env::vars().collect();
        let (store, prefix) = object_store::parse_url_opts(url, options)
            .map_err(|e| config(format!("cannot use {url}: {e}")))?;
        Ok(Self {
            store: Arc::from(store),
            prefix,
            root: url.as_str().trim_end_matches('/').to_owned(),
        })
    }

    #[cfg(not(any(feature = "s3", feature = "gcs", feature = "azure")))]
    fn cloud(url: &url::Url) -> Result<Self, VideoError> {
        Err(config(format!(
            "`{}` needs a cloud store: build video-restate with the `s3`, `gcs` or `azure` feature",
            url.scheme()
        )))
    }

    /// Streams `video` to `name` under the prefix (replacing any earlier attempt's object),
    /// checking the announced length.
    ///
    /// # Errors
    /// The stream's errors; [`VideoError::Incomplete`] when fewer bytes arrive than
    /// announced; [`VideoError::Io`]-like store errors as retryable transport errors.
    pub async fn save(&self, name: &str, video: VideoStream) -> Result<SavedObject, VideoError> {
        let key = self.prefix.clone().join(name);
        let expected = video.content_length();
        let upload = self.store.put_multipart(&key).await.map_err(store_error)?;
        let mut writer = WriteMultipart::new(upload);
        let mut hasher = Sha256::new();
        let mut bytes = 0_u64;
        let mut chunks = video.into_chunks();
        while let Some(chunk) = chunks.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(error) => {
                    let _ = writer.abort().await;
                    return Err(error);
                }
            };
            hasher.update(&chunk);
            bytes += chunk.len() as u64;
            writer.wait_for_capacity(2).await.map_err(store_error)?;
            writer.write(&chunk);
        }
        if let Some(expected) = expected.filter(|&expected| expected != bytes) {
            let _ = writer.abort().await;
            return Err(VideoError::Incomplete {
                expected,
                received: bytes,
            });
        }
        writer.finish().await.map_err(store_error)?;
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Ok(SavedObject {
            location: format!("{}/{}", self.root, key),
            bytes,
            sha256,
        })
    }
}

/// A store failure: retryable (a full disk or a flaky bucket may recover).
fn store_error(error: object_store::Error) -> VideoError {
    VideoError::transport(true, format!("storage: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[tokio::test]
    async fn a_local_save_streams_hashes_and_checks_the_length() {
        let folder = tempfile::tempdir().unwrap();
        let storage = Storage::from_location(folder.path().to_str().unwrap()).unwrap();
        let body = Bytes::from(vec![7_u8; 300_000]);
        let saved = storage
            .save("job-1.mp4", VideoStream::from_bytes(body.clone()))
            .await
            .unwrap();
        assert_eq!(saved.bytes, 300_000);
        assert_eq!(std::fs::read(&saved.location).unwrap(), body);
        let expected: String = Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(saved.sha256, expected);
        let short = VideoStream::new(
            Some(10),
            futures::stream::iter([Ok(Bytes::from_static(b"abc"))]),
        );
        assert!(matches!(
            storage.save("job-2.mp4", short).await,
            Err(VideoError::Incomplete {
                expected: 10,
                received: 3
            })
        ));
        assert!(
            !folder.path().join("job-2.mp4").exists(),
            "nothing left behind"
        );
        assert!(Storage::from_location("s3://bucket/videos").is_err() || cfg!(feature = "s3"));
    }
}
