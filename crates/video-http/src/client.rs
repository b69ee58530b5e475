//! [`HttpClient`]: one attempt per call, with the auth applied, the in-flight cap held, no
//! redirects on API calls, the reply read within its cap and scrubbed of secrets.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{
    ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, USER_AGENT,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;
use video_core::provider::VideoStream;
use video_core::{SubmissionAttempt, VideoError};

use crate::auth::Auth;
use crate::body::{ReadError, read_capped, too_large};
use crate::call::{ApiCall, Body};
use crate::errors::transport_error;
use crate::events::Events;
use crate::options::HttpOptions;
use crate::retry_after::retry_after;
use crate::url_policy::{UrlPolicy, host_of};

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
            None => (
                build(&options, reqwest::redirect::Policy::none())?,
                build(&options, reqwest::redirect::Policy::none())?,
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
    /// # Errors
    /// A transport error classified by [`crate::transport_error`] (whether the request may
    /// have reached the server); [`VideoError::Configuration`] naming the host when the API
    /// redirected; [`VideoError::TooLarge`] past the cap. A reply with an error status is
    /// not an error here: the provider reads its body.
    pub async fn call(&self, call: ApiCall<'_>) -> Result<Answer, VideoError> {
        let permit = self.acquire().await?;
        let started = Instant::now();
        let api = call.full_url();
        let max = call
            .max_reply_bytes
            .unwrap_or(self.inner.options.max_reply_bytes);
        let mut response = self
            .request(call, &api)?
            .send()
            .await
            .map_err(|error| transport_error(error, started))?;
        check_not_redirected(&response, &api)?;
        let status = response.status().as_u16();
        if response.status().is_success() && is_event_stream(response.headers()) {
            let scrubber = self.inner.auth.scrubber();
            return Ok(Answer::Events(Events::new(
                response, max, scrubber, permit, started,
            )));
        }
        let retry_after = retry_after(response.headers());
        let scrubber = self.inner.auth.scrubber();
        let headers = scrubbed_headers(std::mem::take(response.headers_mut()), &scrubber);
        let body = match read_capped(response, max).await {
            Ok(body) => scrubber.bytes(body),
            Err(ReadError::TooLarge(limit)) => return Err(too_large("reply", limit)),
            Err(ReadError::Network(error)) => return Err(transport_error(error, started)),
        };
        drop(permit);
        Ok(Answer::Reply(Reply {
            status,
            retry_after,
            headers,
            body,
        }))
    }

    /// One call answered by a reply read whole (an event stream where none was asked for
    /// is a [`VideoError::Decode`]).
    ///
    /// # Errors
    /// As [`call`](Self::call).
    pub async fn reply(&self, call: ApiCall<'_>) -> Result<Reply, VideoError> {
        match self.call(call).await? {
            Answer::Reply(reply) => {
                crate::record_field("http_status", reply.status);
                Ok(reply)
            }
            Answer::Events(events) => Err(VideoError::decode(
                Some(events.status),
                "an event stream where a reply was expected",
                b"",
            )),
        }
    }

    /// A submission: [`reply`](Self::reply), with any failure that does not prove the
    /// request unsent or refused turned into [`VideoError::UnknownOutcome`] for `attempt`
    /// (a task may exist and be billed). Read the reply with
    /// [`video_wire::accepted`](crate::wire::accepted).
    ///
    /// # Errors
    /// A transport error proving nothing was sent, or [`VideoError::UnknownOutcome`].
    pub async fn submit(
        &self,
        call: ApiCall<'_>,
        attempt: &SubmissionAttempt,
    ) -> Result<Reply, VideoError> {
        self.reply(call).await.map_err(|error| {
            tracing::warn!(%error, "submission failed");
            crate::wire::outcome::unknown_unless_refused(error, attempt)
        })
    }

    fn request(&self, call: ApiCall<'_>, url: &Url) -> Result<reqwest::RequestBuilder, VideoError> {
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        const EVENTS: HeaderValue = HeaderValue::from_static("text/event-stream");
        let inner = &self.inner;
        let mut request = inner
            .api
            .request(call.method.clone(), url.clone())
            .header(ACCEPT, if call.events { EVENTS } else { JSON })
            .header(USER_AGENT, inner.user_agent.clone())
            .timeout(call.timeout.unwrap_or(inner.options.request_timeout));
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

fn build(
    options: &HttpOptions,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client, VideoError> {
    reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .redirect(redirects)
        .build()
        .map_err(|error| VideoError::Configuration {
            message: format!("cannot build the HTTP client: {error}"),
            details: video_core::ErrorDetails::none(),
        })
}

/// Refuses a reply that is a redirect, or (with a caller-supplied client that follows
/// them) one that came through a redirect: API calls go to the URL asked for only.
fn check_not_redirected(response: &reqwest::Response, asked: &Url) -> Result<(), VideoError> {
    let status = response.status();
    let target = if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|location| asked.join(location).ok());
        Some(location.map_or_else(|| "an unnamed location".to_owned(), |url| host_of(&url)))
    } else if response.url() != asked {
        Some(host_of(response.url()))
    } else {
        None
    };
    match target {
        None => Ok(()),
        Some(target) => Err(VideoError::Configuration {
            message: format!(
                "the API at {} redirected the call (HTTP {}) to {target}; API calls never \
                 follow redirects: if that host is the API, use it as the base URL",
                host_of(asked),
                status.as_u16()
            ),
            details: video_core::ErrorDetails::none(),
        }),
    }
}

/// The headers with every echo of a secret replaced (a server may echo the key in any of
/// them); a value is copied only when it holds one.
fn scrubbed_headers(mut headers: HeaderMap, scrubber: &crate::scrub::Scrubber) -> HeaderMap {
    for value in headers.values_mut() {
        if !scrubber.may_hold_secret(value.as_bytes()) {
            continue;
        }
        let bytes = Bytes::copy_from_slice(value.as_bytes());
        let scrubbed = scrubber.bytes(bytes.clone());
        if scrubbed != bytes
            && let Ok(replaced) = HeaderValue::from_bytes(&scrubbed)
        {
            *value = replaced;
        }
    }
    headers
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    const EVENT_STREAM: &[u8] = b"text/event-stream";
    headers.get(CONTENT_TYPE).is_some_and(|value| {
        let value = value.as_bytes().trim_ascii_start();
        value.len() >= EVENT_STREAM.len()
            && value[..EVENT_STREAM.len()].eq_ignore_ascii_case(EVENT_STREAM)
    })
}
