//! [`ApiCall`]: one API request as a provider describes it — method, URL, body (JSON,
//! multipart or form), extra headers and query pairs, whether credentials go with it, what
//! to accept, its time limit and its reply cap.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use crate::multipart::Multipart;

/// A request body.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// JSON (sent with `Content-Type: application/json`).
    Json(Vec<u8>),
    /// `multipart/form-data` (text fields and file parts).
    Multipart(Multipart),
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
}

/// One API request. Build with [`get`](Self::get), [`post`](Self::post) (JSON),
/// [`post_multipart`](Self::post_multipart), [`post_form`](Self::post_form) or
/// [`delete`](Self::delete), then the `with`-style methods.
///
/// ```
/// use video_http::ApiCall;
/// let url = url::Url::parse("https://api.example/v1/videos").unwrap();
/// let call = ApiCall::get(&url)
///     .query("order", "desc")
///     .header("x-runway-version", "2024-11-06")
///     .max_reply_bytes(64 << 10);
/// assert_eq!(call.max_reply_bytes, Some(64 << 10));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiCall<'a> {
    /// The method.
    pub method: reqwest::Method,
    /// Where (query pairs are appended to it).
    pub url: &'a Url,
    /// The body.
    pub body: Body,
    /// Query pairs appended to the URL.
    pub query: Vec<(String, String)>,
    /// Extra headers (a header the client sets itself, or an invalid one, is refused when
    /// the call is made).
    pub headers: Vec<(String, String)>,
    /// Whether the client's credentials go with the call (default true).
    pub credentials: bool,
    /// Ask for server-sent events instead of JSON.
    pub events: bool,
    /// The call's time limit (default: the options' `request_timeout`).
    pub timeout: Option<Duration>,
    /// The largest reply body read (default: the options' `max_reply_bytes`).
    pub max_reply_bytes: Option<u64>,
}

impl<'a> ApiCall<'a> {
    fn new(method: reqwest::Method, url: &'a Url, body: Body) -> Self {
        Self {
            method,
            url,
            body,
            query: Vec::new(),
            headers: Vec::new(),
            credentials: true,
            events: false,
            timeout: None,
            max_reply_bytes: None,
        }
    }

    /// A `GET` of `url`.
    pub fn get(url: &'a Url) -> Self {
        Self::new(reqwest::Method::GET, url, Body::None)
    }

    /// A `DELETE` of `url`.
    pub fn delete(url: &'a Url) -> Self {
        Self::new(reqwest::Method::DELETE, url, Body::None)
    }

    /// A `POST` of the JSON `body` to `url`.
    pub fn post(url: &'a Url, body: Vec<u8>) -> Self {
        Self::new(reqwest::Method::POST, url, Body::Json(body))
    }

    /// A `POST` of a multipart body to `url`.
    pub fn post_multipart(url: &'a Url, body: Multipart) -> Self {
        Self::new(reqwest::Method::POST, url, Body::Multipart(body))
    }

    /// A `POST` of form pairs to `url`.
    pub fn post_form(url: &'a Url, pairs: Vec<(String, String)>) -> Self {
        Self::new(reqwest::Method::POST, url, Body::Form(pairs))
    }

    /// Asks for server-sent events (`Accept: text/event-stream`).
    #[must_use]
    pub fn events(mut self) -> Self {
        self.events = true;
        self
    }

    /// Sets the call's time limit.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a query pair.
    #[must_use]
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends no credentials (e.g. a pre-signed link on another host).
    #[must_use]
    pub fn without_credentials(mut self) -> Self {
        self.credentials = false;
        self
    }

    /// Caps the reply body at `bytes` (what this call can legitimately return).
    #[must_use]
    pub fn max_reply_bytes(mut self, bytes: u64) -> Self {
        self.max_reply_bytes = Some(bytes);
        self
    }

    /// The URL with the query pairs appended.
    pub(crate) fn full_url(&self) -> Url {
        let mut url = self.url.clone();
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        url
    }

    /// The extra headers, checked (see [`check_headers`]).
    pub(crate) fn checked_headers(
        &self,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, video_core::VideoError> {
        check_headers(&self.headers)
    }
}

/// Extra headers, checked: names and values must be valid, and none may replace a header the
/// client sets (credentials, content type, accept, user agent, host).
pub(crate) fn check_headers(
    headers: &[(String, String)],
) -> Result<Vec<(HeaderName, HeaderValue)>, video_core::VideoError> {
    const OWNED: [&str; 6] = [
        "authorization",
        "content-type",
        "accept",
        "user-agent",
        "host",
        "content-length",
    ];
    headers
        .iter()
        .map(|(name, value)| {
            let invalid = |reason: &str| {
                video_core::VideoError::configuration(format!(
                    "header `{}`: {reason}",
                    name.escape_debug()
                ))
            };
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("not a valid header name"))?;
            if OWNED.contains(&name.as_str()) {
                return Err(invalid("is set by the client"));
            }
            let value =
                HeaderValue::from_str(value).map_err(|_| invalid("not a valid header value"))?;
            Ok((name, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_encoded_and_owned_headers_refused() {
        let url = Url::parse("https://api.example/v1/videos").unwrap();
        let call = ApiCall::get(&url)
            .query("after", "video_1&x=2")
            .query("limit", "20");
        assert_eq!(
            call.full_url().as_str(),
            "https://api.example/v1/videos?after=video_1%26x%3D2&limit=20"
        );
        assert!(
            ApiCall::get(&url)
                .header("Authorization", "x")
                .checked_headers()
                .is_err()
        );
        assert!(
            ApiCall::get(&url)
                .header("x-a", "b\nc")
                .checked_headers()
                .is_err()
        );
        assert_eq!(
            ApiCall::get(&url)
                .header("X-Runway-Version", "2024-11-06")
                .checked_headers()
                .unwrap()
                .len(),
            1
        );
    }
}
