//! [`OpenAiLike`]: the OpenAI videos shape on `video-http`'s seams (the provider's name is
//! [`NAME`]).

use async_trait::async_trait;
use secrecy::SecretString;
use url::Url;
use video_core::provider::VideoStream;
use video_core::{Capabilities, SubmissionAttempt, Task, TaskId, Video, VideoError};
use video_core::{VideoProvider, VideoRequest};
use video_http::wire::{Call, accepted, endpoint, host_root, json_reply, queried};
use video_http::{ApiCall, Auth, HttpClient, HttpOptions, Reply};

use crate::openai_like::convert::{create_form, error_of, task_of};
use crate::openai_like::wire::VideoObject;

pub(crate) const NAME: &str = "openai-like";

/// One model of an OpenAI-videos-shaped API at `base` (`…/v1`).
#[derive(Debug)]
pub(crate) struct OpenAiLike {
    http: HttpClient,
    base: Url,
    model: String,
    capabilities: Capabilities,
}

impl OpenAiLike {
    pub(crate) fn new(base: &str, key: SecretString, model: &str) -> Result<Self, VideoError> {
        let options = HttpOptions::new("video-sdk/openai-like");
        let (model, capabilities) = (model.to_owned(), crate::capabilities());
        let http = HttpClient::new(options, Auth::bearer(key)?)?;
        let base = host_root(base, &[])?;
        Ok(Self {
            http,
            base,
            model,
            capabilities,
        })
    }

    /// A 2xx reply as a task, anything else as the error it means.
    fn read(reply: &Reply, call: Call, id: Option<&TaskId>) -> Result<Task, VideoError> {
        if !(200..300).contains(&reply.status) {
            return Err(error_of(reply.status, &reply.body, call, id));
        }
        json_reply::<VideoObject>(reply.status, reply.retry_after, &reply.body).map(task_of)
    }
}

#[async_trait]
impl VideoProvider for OpenAiLike {
    fn name(&self) -> &str {
        NAME
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn model(&self) -> Option<&str> {
        Some(&self.model)
    }

    async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError> {
        self.validate(request)?;
        let attempt = SubmissionAttempt::new(NAME, request.clone());
        let url = endpoint(&self.base, &["videos"])?;
        let call = ApiCall::post_multipart(&url, create_form(request, &self.model));
        let reply = self.http.submit(call, &attempt).await?;
        accepted(Self::read(&reply, Call::Submit, None), &attempt)
    }

    async fn task(&self, id: &TaskId) -> Result<Task, VideoError> {
        let url = endpoint(&self.base, &["videos", id.as_str()])?;
        let reply = self.http.reply(ApiCall::get(&url)).await?;
        Self::read(&reply, Call::Query, Some(id)).map(|task| queried(task, id))
    }

    async fn download(&self, video: &Video) -> Result<VideoStream, VideoError> {
        let reference = video
            .locator
            .provider_ref()
            .and_then(|r| r.strip_prefix("content/"));
        let id = reference.ok_or_else(|| VideoError::invalid("video", "not this provider's"))?;
        let url = endpoint(&self.base, &["videos", id, "content"])?;
        self.http.download(url.as_str(), Some(&self.base)).await
    }
}
