//! Transport failures classified once for every HTTP provider: whether the request may have
//! reached the server decides whether a failed submission can be sent again (the rule itself
//! is [`crate::wire::outcome::unknown_unless_refused`]).

use tokio::time::Instant;
use video_core::VideoError;

/// The error a failed exchange means. A connection that could not be made (DNS, refused,
/// TLS handshake) is `Transport { reached_server: false }`: nothing was sent. A timeout is
/// `Timeout`; a refused redirect (downloads) is a non-retryable `Provider` error; anything
/// else (reset, a body cut off) is `Transport { reached_server: true }`. The message names
/// the host (`host:port`, never the path or query: a signed link is a credential) and the
/// root cause (e.g. "connection refused"), not only reqwest's "error sending request".
#[cold]
pub fn transport_error(error: reqwest::Error, started: Instant) -> VideoError {
    let host = error.url().map(crate::url_policy::host_of);
    let error = error.without_url();
    if error.is_redirect() {
        let reason = std::error::Error::source(&error)
            .map_or_else(|| error.to_string(), ToString::to_string);
        VideoError::provider(
            format!("the link redirects badly: {reason}"),
            false,
            video_core::ErrorDetails::none().with_code("redirect".to_owned()),
        )
    } else if error.is_timeout() && !error.is_connect() {
        VideoError::Timeout {
            elapsed: started.elapsed(),
        }
    } else {
        let sent = !error.is_connect();
        let cause = TransportCause::new(host, sent, &error);
        VideoError::transport(sent, cause)
    }
}

/// A transport failure as people read it: which host, what happened, and why.
#[derive(Debug)]
pub(crate) struct TransportCause {
    message: String,
}

impl TransportCause {
    fn new(host: Option<String>, sent: bool, error: &reqwest::Error) -> Self {
        let what = match (sent, host) {
            (false, Some(host)) => format!("could not connect to {host}"),
            (false, None) => "could not connect".to_owned(),
            (true, Some(host)) => format!("the exchange with {host} broke off"),
            (true, None) => "the exchange broke off".to_owned(),
        };
        Self {
            message: format!("{what}: {}", root_cause(error)),
        }
    }
}

impl std::fmt::Display for TransportCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportCause {}

/// The innermost cause's text (e.g. `Connection refused (os error 111)`), else the error's.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
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
        let shown = error.to_string();
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains(&format!("could not connect to 127.0.0.1:{port}"))
                && shown.to_lowercase().contains("refused"),
            "names the host and the cause: {shown}"
        );
        let attempt = SubmissionAttempt::new("p", VideoRequest::new("a"));
        assert!(matches!(
            crate::wire::outcome::unknown_unless_refused(error, &attempt),
            VideoError::Transport { .. }
        ));
    }
}
