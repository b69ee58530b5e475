//! An HTTP reply → Kling's envelope, or the [`VideoError`] it means: the business `code`
//! first (`video-kling-protocol`'s table: a 429 can be money, a rate or a concurrency
//! limit), then the HTTP status for bodies without one (gateways, proxies).

use std::time::Duration;

use video_core::{TaskId, VideoError};
use video_http::wire::json_reply;
use video_kling_protocol::codes::is_token_time_error;
use video_kling_protocol::{Call, Envelope, ErrorContext, error_for, invalid_field, kind_of_code};

/// Decides what a reply means. `Ok` is a `code: 0` envelope (what `data` holds is for the
/// caller to check).
pub(crate) fn classify(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    call: Call,
    task_id: Option<&TaskId>,
) -> Result<Envelope, VideoError> {
    let envelope: Envelope = json_reply(status, retry_after, body)?;
    let message = envelope
        .message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let context = |code: String| {
        ErrorContext::new(call, code, message.clone())
            .request_id(envelope.request_id.clone())
            .field(Some(invalid_field(None, &message)))
            .http_status(status)
            .retry_after(retry_after)
            .task_id(task_id)
    };
    match envelope.code {
        Some(0) => Ok(envelope),
        Some(code) => Err(error_for(kind_of_code(code), context(code.to_string()))),
        None if (200..300).contains(&status) => {
            Err(VideoError::decode(Some(status), "reply has no code", body))
        }
        None => Err(error_for(
            video_http::wire::status_kind(status),
            context(status.to_string()),
        )),
    }
}

/// Whether a reply is Kling refusing the token for its time (1003 not yet valid, 1004
/// expired): a freshly minted one may pass.
pub(crate) fn token_time_refusal(status: u16, body: &[u8]) -> bool {
    status == 401
        && serde_json::from_slice::<Envelope>(body)
            .ok()
            .and_then(|envelope| envelope.code)
            .is_some_and(is_token_time_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use video_core::RateLimitScope;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    #[test]
    fn every_error_fixture_is_classified_by_its_code() {
        let id = TaskId::new("871234567890123456");
        let at = |status, name: &str, call| classify(status, None, &fixture(name), call, Some(&id));
        assert!(matches!(
            at(401, "direct_error_401_1004.json", Call::Query),
            Err(VideoError::Unauthorized { .. })
        ));
        assert!(matches!(
            at(429, "direct_error_429_1302.json", Call::Submit),
            Err(VideoError::RateLimited {
                scope: RateLimitScope::Requests,
                ..
            })
        ));
        assert!(matches!(
            at(429, "direct_error_429_1303.json", Call::Submit),
            Err(VideoError::RateLimited {
                scope: RateLimitScope::Concurrency,
                ..
            })
        ));
        match at(400, "direct_error_400_1201.json", Call::Submit) {
            Err(error @ VideoError::InvalidRequest { .. }) => {
                assert!(
                    matches!(&error, VideoError::InvalidRequest { field, .. } if field == "camera_control")
                );
                assert_eq!(
                    error.request_id(),
                    Some("Cl68jmfO2ocAAAAAAKQIVw"),
                    "request id kept"
                );
                assert!(
                    error.to_string().contains("Cl68jmfO2ocAAAAAAKQIVw"),
                    "{error}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            at(400, "direct_error_400_1301.json", Call::Submit),
            Err(VideoError::ContentRejected { .. })
        ));
        assert!(matches!(
            at(404, "direct_error_404_1203.json", Call::Query),
            Err(VideoError::NotFound { .. })
        ));
        assert!(matches!(
            at(404, "direct_error_404_1203.json", Call::Submit),
            Err(VideoError::Configuration { .. })
        ));
        let server = at(500, "direct_error_500_5000.json", Call::Query).unwrap_err();
        assert!(matches!(server, VideoError::Provider { .. }) && server.is_retryable());
    }

    #[test]
    fn a_code_wins_over_the_status() {
        // Money, not a rate limit, though the status is 429; and a 200 carrying an error.
        let quota = br#"{"code": 1102, "message": "resource pack exhausted", "request_id": "r"}"#;
        let error = classify(429, None, quota, Call::Submit, None).unwrap_err();
        assert!(matches!(error, VideoError::QuotaExceeded { .. }) && !error.is_retryable());
        let flattened = br#"{"code": 1303, "message": "parallel task over resource pack limit"}"#;
        assert!(matches!(
            classify(200, None, flattened, Call::Submit, None),
            Err(VideoError::RateLimited { .. })
        ));
    }

    #[test]
    fn bodies_without_a_code_fall_back_to_the_status() {
        assert!(
            matches!(classify(502, None, b"<html>bad gateway</html>", Call::Query, None), Err(e) if e.is_retryable())
        );
        assert!(matches!(
            classify(429, None, b"slow down", Call::Submit, None),
            Err(VideoError::RateLimited { .. })
        ));
        assert!(matches!(
            classify(200, None, b"{}", Call::Query, None),
            Err(VideoError::Decode { .. })
        ));
        assert!(matches!(
            classify(403, None, br#"{"message": "no"}"#, Call::Query, None),
            Err(VideoError::Forbidden { .. })
        ));
        let ok = classify(
            200,
            None,
            &fixture("direct_create_reply.json"),
            Call::Submit,
            None,
        )
        .unwrap();
        assert_eq!(ok.task().unwrap().task_id, "871234567890123456");
    }

    #[test]
    fn only_1003_and_1004_ask_for_a_fresh_token() {
        assert!(token_time_refusal(
            401,
            &fixture("direct_error_401_1004.json")
        ));
        assert!(token_time_refusal(401, br#"{"code": 1003}"#));
        assert!(!token_time_refusal(401, br#"{"code": 1002}"#));
        assert!(!token_time_refusal(200, br#"{"code": 1004}"#));
    }
}
