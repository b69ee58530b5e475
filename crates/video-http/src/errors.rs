//! Transport failures classified once for every HTTP provider: whether the request may have
//! reached the server decides whether a failed submission can be sent again (the rule itself
//! is [`crate::wire::outcome::unknown_unless_refused`]).

use tokio::time::Instant;
use video_core::VideoError;

/// The error a failed exchange means. A connection that could not be made (DNS, refused,
/// TLS handshake) is `Transport { reached_server: false }`: nothing was sent. A timeout is
/// `Timeout`; a refused redirect (downloads) is a non-retryable `Provider` error; anything
/// else (reset, a body cut off) is `Transport { reached_server: true }`. The URL is dropped
/// from the error (a signed link is a credential).
pub fn transport_error(error: reqwest::Error, started: Instant) -> VideoError {
    let error = error.without_url();
    if error.is_redirect() {
        let reason = std::error::Error::source(&error)
            .map_or_else(|| error.to_string(), ToString::to_string);
        VideoError::provider(
            format!("the link redirects badly: {reason}"),
            false,
            video_core::ErrorDetails::none().with_code("redirect".to_owned()),
        )
    } else if error.is_connect() {
        VideoError::transport(false, error)
    } else if error.is_timeout() {
        VideoError::Timeout {
            elapsed: started.elapsed(),
        }
    } else {
        VideoError::transport(true, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::{SubmissionAttempt, VideoRequest};

    #[tokio::test]
    async fn a_refused_connection_was_not_sent() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        crate::tls::ensure_crypto_provider();
        let error = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/x?sig=SECRET"))
            .send()
            .await
            .unwrap_err();
        let error = transport_error(error, Instant::now());
        assert!(
            matches!(
                error,
                VideoError::Transport {
                    reached_server: false,
                    ..
                }
            ),
            "{error}"
        );
        assert!(!error.to_string().contains("SECRET"));
        let attempt = SubmissionAttempt::new("p", VideoRequest::new("a"));
        assert!(matches!(
            crate::wire::outcome::unknown_unless_refused(error, &attempt),
            VideoError::Transport { .. }
        ));
    }
}
