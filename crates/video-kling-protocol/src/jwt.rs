//! HS256 JSON Web Tokens, the only kind Kling's own API reads: header
//! `{"alg":"HS256","typ":"JWT"}`, any claims, an HMAC-SHA256 signature; every segment
//! base64url without padding (RFC 7515/7519).
//!
//! Written over `hmac` and `sha2` (already here for webhook signatures) rather than a JWT
//! crate: one algorithm needs forty lines, and a general JWT crate brings a date library and
//! its own dependency tree into every build of the quickstart.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::mac::hmac_sha256;

/// The header every token carries, already serialised (fixed key order).
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// The longest token [`verify_hs256`] reads (Kling's are about 200 bytes).
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// The token for `claims` (serialised in field order) signed with `secret`.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Claims { iss: &'static str, exp: u64 }
/// let token = video_kling_protocol::jwt::sign_hs256(&Claims { iss: "AK", exp: 1 }, b"SK")?;
/// assert_eq!(token.split('.').count(), 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Errors
/// When `claims` cannot be serialised as JSON.
pub fn sign_hs256<C: Serialize>(claims: &C, secret: &[u8]) -> Result<String, serde_json::Error> {
    let payload = serde_json::to_vec(claims)?;
    let mut token = URL_SAFE_NO_PAD.encode(HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let signature = mac(secret, token.as_bytes()).finalize().into_bytes();
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

/// The claims of `token` when it is an HS256 JWT whose signature `secret` made (compared in
/// constant time); `None` for anything else: another algorithm (`none` included), a bad
/// signature, malformed base64 or JSON, more than [`MAX_TOKEN_LEN`] bytes. Times (`exp`,
/// `nbf`) are the caller's to check.
#[must_use]
pub fn verify_hs256<C: DeserializeOwned>(token: &str, secret: &[u8]) -> Option<C> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.alg != "HS256" {
        return None;
    }
    let signed = &token[..token.len() - signature.len() - 1];
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    mac(secret, signed.as_bytes())
        .verify_slice(&signature)
        .ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// The part of the header a verifier reads.
#[derive(serde::Deserialize)]
struct Header {
    alg: String,
}

fn mac(secret: &[u8], message: &[u8]) -> Hmac<Sha256> {
    let mut mac = hmac_sha256(secret);
    mac.update(message);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Claims {
        iss: String,
        exp: u64,
        nbf: u64,
    }

    fn claims() -> Claims {
        Claims {
            iss: "AK".into(),
            exp: 1_800,
            nbf: 0,
        }
    }

    #[test]
    fn a_signed_token_verifies_with_its_secret_only() {
        let token = sign_hs256(&claims(), b"SK").unwrap();
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
        assert_eq!(verify_hs256::<Claims>(&token, b"SK"), Some(claims()));
        assert_eq!(verify_hs256::<Claims>(&token, b"other"), None);
    }

    #[test]
    fn tampering_and_other_algorithms_are_refused() {
        let token = sign_hs256(&claims(), b"SK").unwrap();
        let (head, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged_claims = URL_SAFE_NO_PAD.encode(br#"{"iss":"AK","exp":99999,"nbf":0}"#);
        let forged = format!("{head}.{forged_claims}.{signature}");
        assert_eq!(verify_hs256::<Claims>(&forged, b"SK"), None);
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let unsigned = format!("{none}.{forged_claims}.");
        assert_eq!(verify_hs256::<Claims>(&unsigned, b"SK"), None);
        for malformed in [
            "",
            "a.b",
            "a.b.c.d",
            "!!.!!.!!",
            &"x".repeat(MAX_TOKEN_LEN + 1),
        ] {
            assert_eq!(
                verify_hs256::<Claims>(malformed, b"SK"),
                None,
                "{malformed}"
            );
        }
    }
}
