//! [`HttpClient`]: one attempt per call, with the auth applied, the in-flight cap held, no
//! redirects on API calls, the reply read within its cap and scrubbed of secrets.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;
use video_core::provider::VideoStream;
use video_core::{SubmissionAttempt, VideoError};

use crate::answer::{check_not_redirected, head_of, is_event_stream, read_body};
use crate::auth::Auth;
use crate::call::{ApiCall, Body};
use crate::errors::transport_error;
use crate::events::Events;
use crate::options::HttpOptions;
use crate::url_policy::UrlPolicy;

/// A reply read whole: status, headers, `Retry-After`, and the body (within the cap,
/// secrets scrubbed).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<Duration>,
    /// The reply's headers (request ids, poll hints, content type).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Reply {
    /// A reply (for tests of a provider's classification).
    pub fn new(status: u16, retry_after: Option<Duration>, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            retry_after,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// The value of header `name`, when present and text (scrubbed of secrets, like the
    /// body).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// What an API call returned: a whole reply, or (when events were asked for and the server
/// sent them) a stream of events.
#[derive(Debug)]
pub enum Answer {
    /// A reply read whole.
    Reply(Reply),
    /// Server-sent events.
    Events(Events),
}

/// The HTTP client of a provider: cheap to clone (clones share connections and caps).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    options: HttpOptions,
    /// The `User-Agent` value, made once (not re-validated per request).
    user_agent: HeaderValue,
    /// [`HttpOptions::headers`], checked once.
    api_headers: Vec<(HeaderName, HeaderValue)>,
    auth: Auth,
    api: reqwest::Client,
    download: reqwest::Client,
    permits: Arc<Semaphore>,
    download_permits: Arc<Semaphore>,
}

impl HttpClient {
    /// A client with `options` authorising API calls with `auth`.
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when a cap is 0 or the client cannot be built.
    pub fn new(options: HttpOptions, auth: Auth) -> Result<Self, VideoError> {
        let config = |message: &str| VideoError::Configuration {
            message: message.to_owned(),
            details: video_core::ErrorDetails::none(),
        };
        if options.max_in_flight == 0 || options.max_downloads_in_flight == 0 {
            return Err(config(
                "max_in_flight and max_downloads_in_flight must be at least 1",
            ));
        }
        if options.max_reply_bytes == 0 || options.downloads.max_bytes == 0 {
            return Err(config(
                "max_reply_bytes and max_video_bytes must be at least 1",
            ));
        }
        if options.downloads.window.is_zero() {
            return Err(config("the download throughput window must not be zero"));
        }
        let user_agent = HeaderValue::from_str(&options.user_agent)
            .map_err(|_| config("the user agent is not a valid header value"))?;
        let api_headers = crate::call::check_headers(&options.headers)?;
        crate::tls::ensure_crypto_provider();
        let (api, download) = match &options.http_client {
            Some(client) => (client.clone(), client.clone()),
            // Downloads follow redirects by hand (each hop checked, credentials kept on
            // the API's origin), so neither client follows any on its own.
            // The API client carries the request timeout itself: set per request, it would
            // cost every call a map of request extensions (see `request`).
            None => (
                build(&options, Some(options.request_timeout))?,
                build(&options, None)?,
            ),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(options.max_in_flight)),
                download_permits: Arc::new(Semaphore::new(options.max_downloads_in_flight)),
                options,
                user_agent,
                api_headers,
                auth,
                api,
                download,
            }),
        })
    }

    /// The options it runs with.
    pub fn options(&self) -> &HttpOptions {
        &self.inner.options
    }

    /// How it authorises API calls (to invalidate a refused token).
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// Its URL rules.
    pub fn url_policy(&self) -> UrlPolicy {
        UrlPolicy {
            allow_insecure_http: self.inner.options.allow_insecure_http,
        }
    }

    /// One API call: the auth applied, a slot of the in-flight cap held, no redirect
    /// followed, the reply read within `max_reply_bytes` and scrubbed of every secret.
    ///
    /// The future holds only what each step needs (no argument kept twice, the response
    /// read in place): a status query's whole call stays under the allocator's fast size.
    ///
    /// # Errors
    /// A transport error classified by [`crate::transport_error`] (whether the request may
    /// have reached the server); [`VideoError::Configuration`] naming the host when the API
    /// redirected; [`VideoError::TooLarge`] past the cap. A reply with an error status is
    /// not an error here: the provider reads its body.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` keeps its arguments twice in its future (rust-lang/rust#62958)"
    )]
    pub fn call<'a>(
        &'a self,
        call: ApiCall<'a>,
    ) -> impl Future<Output = Result<Answer, VideoError>> + Send + 'a {
        async move {
            let max = call
                .max_reply_bytes
                .unwrap_or(self.inner.options.max_reply_bytes);
            let permit = self.acquire().await?;
            let started = Instant::now();
            // Built once the slot is held: a minted token is fresh when it is sent.
            let api = call.full_url();
            // Our own client follows no redirect, so the reply's URL is the one asked for;
            // a caller's client may follow them: keep what was asked to compare.
            let asked = self.inner.options.http_client.as_ref().map(|_| api.clone());
            let request = self.request(call, api)?;
            let mut response = request
                .send()
                .await
                .map_err(|error| transport_error(error, started))?;
            check_not_redirected(&response, asked.as_ref())?;
            drop(asked);
            let scrubber = self.inner.auth.scrubber();
            if response.status().is_success() && is_event_stream(response.headers()) {
                let events = Events::new(response, max, scrubber, permit, started);
                return Ok(Answer::Events(events));
            }
            let (status, retry_after, headers) = head_of(&mut response, &scrubber);
            let body = read_body(&mut response, max, &scrubber, started).await?;
            drop(permit);
            Ok(Answer::Reply(Reply {
                status,
                retry_after,
                headers,
                body,
            }))
        }
    }

    /// One call answered by a reply read whole (an event stream where none was asked for
    /// is a [`VideoError::Decode`]).
    ///
    /// # Errors
    /// As [`call`](Self::call).
    pub fn reply<'a>(
        &'a self,
        call: ApiCall<'a>,
    ) -> impl Future<Output = Result<Reply, VideoError>> + Send + 'a {
        // A map, not another async block: the call's future is held once, not moved into
        // a second one.
        self.call(call).map(|answer| match answer? {
            Answer::Reply(reply) => {
                crate::record_field("http_status", reply.status);
                Ok(reply)
            }
            Answer::Events(events) => Err(VideoError::decode(
                Some(events.status),
                "an event stream where a reply was expected",
                b"",
            )),
        })
    }

    /// A submission: [`reply`](Self::reply), with any failure that does not prove the
    /// request unsent or refused turned into [`VideoError::UnknownOutcome`] for `attempt`
    /// (a task may exist and be billed). Read the reply with
    /// [`video_wire::accepted`](crate::wire::accepted).
    ///
    /// # Errors
    /// A transport error proving nothing was sent, or [`VideoError::UnknownOutcome`].
    pub fn submit<'a>(
        &'a self,
        call: ApiCall<'a>,
        attempt: &'a SubmissionAttempt,
    ) -> impl Future<Output = Result<Reply, VideoError>> + Send + 'a {
        self.reply(call).map(|reply| {
            reply.map_err(|error| {
                tracing::warn!(%error, "submission failed");
                crate::wire::outcome::unknown_unless_refused(error, attempt)
            })
        })
    }

    fn request(&self, call: ApiCall<'_>, url: Url) -> Result<reqwest::RequestBuilder, VideoError> {
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        const EVENTS: HeaderValue = HeaderValue::from_static("text/event-stream");
        let inner = &self.inner;
        let mut request = inner
            .api
            .request(call.method.clone(), url)
            .header(ACCEPT, if call.events { EVENTS } else { JSON })
            .header(USER_AGENT, inner.user_agent.clone());
        // Our own client has the request timeout built in; a caller's client does not.
        let own_client = inner.options.http_client.is_none();
        match call.timeout {
            Some(timeout) => request = request.timeout(timeout),
            None if !own_client => request = request.timeout(inner.options.request_timeout),
            None => {}
        }
        for (name, value) in &inner.api_headers {
            request = request.header(name, value);
        }
        for (name, value) in call.checked_headers()? {
            request = request.header(name, value);
        }
        if call.credentials
            && let Some((name, value)) = inner.auth.credential()?
        {
            request = request.header(name, value);
        }
        Ok(match call.body {
            Body::None => request,
            Body::Json(body) => request.header(CONTENT_TYPE, JSON).body(body),
            Body::Multipart(parts) => {
                let (content_type, body) = parts.encode();
                request.header(CONTENT_TYPE, content_type).body(body)
            }
            Body::Form(pairs) => {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&pairs)
                    .finish();
                request
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body)
            }
        })
    }

    /// Opens a video for reading; see [`crate::download`]. `authenticated`: send the
    /// credentials too, and only when the video is on the API's own origin (`api`).
    ///
    /// # Errors
    /// As [`crate::download`].
    pub async fn download(&self, url: &str, api: Option<&Url>) -> Result<VideoStream, VideoError> {
        crate::download::download(self, url, api).await
    }

    pub(crate) fn download_client(&self) -> &reqwest::Client {
        &self.inner.download
    }

    /// A slot of the in-flight cap, held until the permit is dropped.
    pub(crate) async fn acquire(&self) -> Result<OwnedSemaphorePermit, VideoError> {
        Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .map_err(|error| VideoError::transport(false, error))
    }

    /// A download slot and an in-flight slot.
    pub(crate) async fn acquire_download(&self) -> Result<[OwnedSemaphorePermit; 2], VideoError> {
        let download = Arc::clone(&self.inner.download_permits)
            .acquire_owned()
            .await
            .map_err(|error| VideoError::transport(false, error))?;
        Ok([download, self.acquire().await?])
    }
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let options = &self.inner.options;
        f.debug_struct("HttpClient")
            .field("auth", &self.inner.auth)
            .field("request_timeout", &options.request_timeout)
            .field("max_in_flight", &options.max_in_flight)
            .field("max_downloads_in_flight", &options.max_downloads_in_flight)
            .field("allow_insecure_http", &options.allow_insecure_http)
            .field("max_reply_bytes", &options.max_reply_bytes)
            .field("downloads", &options.downloads)
            .field("custom_http_client", &options.http_client.is_some())
            .finish_non_exhaustive()
    }
}

/// A client that follows no redirect, with `timeout` on every request when given.
fn build(options: &HttpOptions, timeout: Option<Duration>) -> Result<reqwest::Client, VideoError> {
    let builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .redirect(reqwest::redirect::Policy::none());
    match timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    }
    .build()
    .map_err(|error| VideoError::Configuration {
        message: format!("cannot build the HTTP client: {error}"),
        details: video_core::ErrorDetails::none(),
    })
}
