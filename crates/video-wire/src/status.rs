//! What an HTTP status means when the body says nothing more: [`status_kind`] for a JSON
//! error body without a code of its own, [`non_json_error`] for a body that is not JSON at
//! all (a gateway's or proxy's page). One default for every provider; a provider whose API
//! documents other meanings (a relay's 403 is quota) maps those first.

use std::time::Duration;

use video_core::provider::excerpt;
use video_core::{ErrorDetails, RateLimitScope, VideoError};

use crate::kinds::ErrorKind;

/// A reply body that must be a JSON object, read straight into `T`; anything else is the
/// error it means: not JSON at all as [`non_json_error`] says for its status, an object `T`
/// rejects as a [`VideoError::Decode`] naming where it failed.
///
/// # Errors
/// As above.
pub fn json_reply<T: serde::de::DeserializeOwned>(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, VideoError> {
    crate::lenient::object_body(body).map_err(|error| {
        error.into_error(status, body, || non_json_error(status, retry_after, body))
    })
}

/// The kind of an error answered with HTTP `status` and no code of its own: 400/413/422
/// invalid, 401 unauthorized, 402 quota, 403 forbidden, 404 unknown resource, 408 and 5xx
/// transient, 429 a request-rate limit, anything else [`ErrorKind::Other`].
pub fn status_kind(status: u16) -> ErrorKind {
    match status {
        400 | 413 | 422 => ErrorKind::Invalid,
        401 => ErrorKind::Unauthorized,
        402 => ErrorKind::Quota,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::UnknownResource,
        408 | 500..=599 => ErrorKind::Transient,
        429 => ErrorKind::Rate(RateLimitScope::Requests, None),
        _ => ErrorKind::Other,
    }
}

/// The error a reply that is not JSON at all means: a 429 was refused by a throttling front
/// (nothing created); 401/403 by a proxy; a 404 says there is no API at this URL; a 5xx is
/// a gateway's transient failure (retryable); anything else, a 2xx included, is a
/// [`VideoError::Decode`] (retryable for a query; for a submission it leaves the outcome
/// unknown). Messages quote a short, redacted excerpt of the body.
pub fn non_json_error(status: u16, retry_after: Option<Duration>, body: &[u8]) -> VideoError {
    let details = ErrorDetails::none().with_http_status(status);
    let excerpt = excerpt(body);
    match status {
        429 => VideoError::RateLimited {
            scope: RateLimitScope::Requests,
            retry_after,
            message: format!("HTTP 429 with a non-JSON body: {excerpt}"),
            details,
        },
        401 => VideoError::Unauthorized {
            message: format!("HTTP 401 with a non-JSON body (a proxy's page?): {excerpt}"),
            details,
        },
        403 => VideoError::Forbidden {
            message: format!("HTTP 403 with a non-JSON body (a proxy's page?): {excerpt}"),
            details,
        },
        404 => VideoError::Configuration {
            message: "HTTP 404 with a non-JSON body: no API at this URL; check the base URL"
                .to_owned(),
            details,
        },
        500..=599 => VideoError::Provider {
            message: format!("HTTP {status} with a non-JSON body (a gateway?): {excerpt}"),
            retryable: true,
            details: details.with_code(format!("http-{status}")),
        },
        _ => VideoError::decode(Some(status), "reply is not a JSON object", body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_pages_mean_what_their_status_says() {
        let page = b"<html><body>502 Bad Gateway https://x.example/a?sig=SECRET</body></html>";
        let error = non_json_error(502, None, page);
        assert!(error.is_retryable() && !error.is_refused_submission());
        assert!(!error.to_string().contains("SECRET"), "{error}");
        assert_eq!(error.code(), Some("http-502"));
        let limited = non_json_error(429, Some(Duration::from_secs(3)), b"slow down");
        assert!(limited.is_unaccepted_submission());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(3)));
        assert!(matches!(
            non_json_error(404, None, b""),
            VideoError::Configuration { .. }
        ));
        assert!(matches!(
            non_json_error(200, None, b"<html>"),
            VideoError::Decode { .. }
        ));
        assert_eq!(status_kind(413), ErrorKind::Invalid);
        assert_eq!(status_kind(503), ErrorKind::Transient);
        assert_eq!(status_kind(418), ErrorKind::Other);
    }
}
