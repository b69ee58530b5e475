//! Webhook signatures (Kling, since 2026-08; the Standard Webhooks scheme): each callback
//! carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature` (one or
//! more space-separated `v1,<base64>`), where the signature is HMAC-SHA256 over
//! `<id>.<timestamp>.<raw body>` with the base64-decoded secret (`whsec_<base64>`).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::mac::hmac_sha256;

/// How far a callback's timestamp may be from now: 5 minutes, as the scheme recommends.
pub const DEFAULT_WEBHOOK_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The longest signature header read (a rotation sends two entries; anything far longer is
/// not a signature).
const MAX_SIGNATURE_HEADER: usize = 1024;

/// A webhook secret (`whsec_<base64>` from Kling's console). Never printed.
#[derive(Clone)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl WebhookSecret {
    /// Reads `whsec_<base64>` (the prefix is optional).
    ///
    /// # Errors
    /// [`WebhookError::BadSecret`] when the rest is not base64 or is empty.
    pub fn parse(text: &str) -> Result<Self, WebhookError> {
        let encoded = text.trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::BadSecret)?;
        if key.is_empty() {
            return Err(WebhookError::BadSecret);
        }
        Ok(Self { key })
    }

    /// The `v1,<base64>` signature of a callback (what a sender puts in
    /// `webhook-signature`; the fakes use it).
    pub fn sign(&self, id: &str, timestamp: &str, body: &[u8]) -> String {
        let mac = self.mac(id, timestamp, body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = hmac_sha256(&self.key);
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// Why a callback's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The configured secret is not `whsec_<base64>`.
    BadSecret,
    /// A signature header is missing (the account may have no webhook secret: then accept
    /// unsigned callbacks only if you configured none either).
    Missing(&'static str),
    /// `webhook-timestamp` is not Unix seconds.
    BadTimestamp,
    /// The timestamp is further from now than the tolerance (a replay, or a clock off).
    Stale {
        /// How far it is from now.
        skew: Duration,
    },
    /// No `v1` signature matches.
    Mismatch,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSecret => f.write_str("the webhook secret is not whsec_<base64>"),
            Self::Missing(header) => write!(f, "the `{header}` header is missing"),
            Self::BadTimestamp => f.write_str("`webhook-timestamp` is not Unix seconds"),
            Self::Stale { skew } => write!(
                f,
                "the callback's timestamp is {} s from now (a replay or a wrong clock)",
                skew.as_secs()
            ),
            Self::Mismatch => f.write_str("no webhook signature matches"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// The three headers of a signed callback (values as received; `None` when absent).
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`.
    pub id: Option<&'a str>,
    /// `webhook-timestamp`.
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`.
    pub signature: Option<&'a str>,
}

impl<'a> WebhookHeaders<'a> {
    /// The headers from their values.
    pub fn new(
        id: Option<&'a str>,
        timestamp: Option<&'a str>,
        signature: Option<&'a str>,
    ) -> Self {
        Self {
            id,
            timestamp,
            signature,
        }
    }
}

/// Verifies a callback: the timestamp within `tolerance` of `now`, and one of the `v1`
/// signatures matching (compared in constant time; during a secret rotation two are sent).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use video_kling_protocol::{WebhookHeaders, WebhookSecret, verify_webhook};
///
/// let secret = WebhookSecret::parse("whsec_c2VjcmV0LWtleS1ieXRlcw==")?;
/// let body = br#"{"task_id":"1","task_status":"succeed"}"#;
/// let signature = secret.sign("msg_1", "1774805181", body);
/// let headers = WebhookHeaders::new(Some("msg_1"), Some("1774805181"), Some(&signature));
/// let now = UNIX_EPOCH + Duration::from_secs(1774805200);
/// assert!(verify_webhook(&secret, headers, body, now, Duration::from_secs(300)).is_ok());
/// # Ok::<(), video_kling_protocol::WebhookError>(())
/// ```
///
/// # Errors
/// A [`WebhookError`] saying which check failed.
pub fn verify_webhook(
    secret: &WebhookSecret,
    headers: WebhookHeaders<'_>,
    body: &[u8],
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    let id = headers.id.ok_or(WebhookError::Missing("webhook-id"))?;
    let timestamp = headers
        .timestamp
        .ok_or(WebhookError::Missing("webhook-timestamp"))?;
    let signatures = headers
        .signature
        .ok_or(WebhookError::Missing("webhook-signature"))?;
    let sent: u64 = timestamp
        .trim()
        .parse()
        .map_err(|_| WebhookError::BadTimestamp)?;
    let sent = UNIX_EPOCH + Duration::from_secs(sent);
    let skew = now
        .duration_since(sent)
        .unwrap_or_else(|early| early.duration());
    if skew > tolerance {
        return Err(WebhookError::Stale { skew });
    }
    if signatures.len() > MAX_SIGNATURE_HEADER {
        return Err(WebhookError::Mismatch);
    }
    let expected = secret.mac(id, timestamp, body);
    let matches = signatures
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| STANDARD.decode(encoded).ok())
        .any(|signature| expected.clone().verify_slice(&signature).is_ok());
    if matches {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn data(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    fn vector() -> Value {
        serde_json::from_slice(&data("direct_callback_signature_vector.json")).unwrap()
    }

    #[test]
    fn the_published_vectors_verify_and_sign_byte_for_byte() {
        let vector = vector();
        let secret = WebhookSecret::parse(vector["webhook_secret"].as_str().unwrap()).unwrap();
        for name in [
            "direct_callback_succeed.json",
            "direct_callback_test_new_style.json",
        ] {
            let case = &vector["requests"][name];
            let (id, at, expected) = (
                case["webhook-id"].as_str().unwrap(),
                case["webhook-timestamp"].as_str().unwrap(),
                case["webhook-signature"].as_str().unwrap(),
            );
            let body = data(name);
            assert_eq!(
                body.len() as u64,
                case["body_len"].as_u64().unwrap(),
                "{name}"
            );
            assert_eq!(secret.sign(id, at, &body), expected, "{name}");
            let now = UNIX_EPOCH + Duration::from_secs(at.parse::<u64>().unwrap() + 60);
            let headers = WebhookHeaders::new(Some(id), Some(at), Some(expected));
            assert_eq!(
                verify_webhook(&secret, headers, &body, now, DEFAULT_WEBHOOK_TOLERANCE),
                Ok(())
            );
        }
    }

    #[test]
    fn tampering_staleness_and_missing_headers_are_refused() {
        let vector = vector();
        let secret = WebhookSecret::parse(vector["webhook_secret"].as_str().unwrap()).unwrap();
        let case = &vector["requests"]["direct_callback_succeed.json"];
        let (id, at, signature) = (
            case["webhook-id"].as_str().unwrap(),
            case["webhook-timestamp"].as_str().unwrap(),
            case["webhook-signature"].as_str().unwrap(),
        );
        let body = data("direct_callback_succeed.json");
        let at_secs: u64 = at.parse().unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(at_secs);
        let check = |headers, body: &[u8], now| {
            verify_webhook(&secret, headers, body, now, DEFAULT_WEBHOOK_TOLERANCE)
        };
        let good = WebhookHeaders::new(Some(id), Some(at), Some(signature));
        let mut tampered = body.clone();
        tampered[10] ^= 1;
        assert_eq!(check(good, &tampered, now), Err(WebhookError::Mismatch));
        let other_id = WebhookHeaders::new(Some("other"), Some(at), Some(signature));
        assert_eq!(check(other_id, &body, now), Err(WebhookError::Mismatch));
        let late = now + Duration::from_secs(301);
        assert!(matches!(
            check(good, &body, late),
            Err(WebhookError::Stale { .. })
        ));
        let early = now - Duration::from_secs(301);
        assert!(matches!(
            check(good, &body, early),
            Err(WebhookError::Stale { .. })
        ));
        let rotated = format!("v1,AAAA {signature}");
        let two = WebhookHeaders::new(Some(id), Some(at), Some(&rotated));
        assert_eq!(check(two, &body, now), Ok(()), "any matching entry passes");
        let missing = WebhookHeaders::new(Some(id), None, Some(signature));
        assert_eq!(
            check(missing, &body, now),
            Err(WebhookError::Missing("webhook-timestamp"))
        );
        let bad_time = WebhookHeaders::new(Some(id), Some("soon"), Some(signature));
        assert_eq!(check(bad_time, &body, now), Err(WebhookError::BadTimestamp));
    }

    #[test]
    fn secrets_are_checked_and_never_printed() {
        assert!(WebhookSecret::parse("whsec_!!!").is_err());
        assert!(WebhookSecret::parse("whsec_").is_err());
        let secret = WebhookSecret::parse("whsec_c2VjcmV0").unwrap();
        assert!(!format!("{secret:?}").contains("c2Vj"));
    }
}
