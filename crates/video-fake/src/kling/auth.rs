//! The Kling front's credentials check, as Kling documents it: `Authorization: Bearer <x>`
//! where `x` is the configured API key or an HS256 JWT signed with the secret key of its
//! `iss`; refusals are 401 with code 1000–1004.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use crate::engine::{AtomicCounters, Engine};
use crate::replies::kling_error;

/// The claims Kling reads (`nbf` may be absent).
#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    exp: u64,
    #[serde(default)]
    nbf: u64,
}

/// The 401 reply when the request's credentials are refused; `None` when accepted.
pub(crate) fn refusal(state: &Engine, headers: &HeaderMap) -> Option<Response> {
    let (code, message) = verdict(state, headers).err()?;
    AtomicCounters::bump(&state.counters.auth_failures);
    Some(kling_error(StatusCode::UNAUTHORIZED, code, &message))
}

fn verdict(state: &Engine, headers: &HeaderMap) -> Result<(), (i64, String)> {
    let config = &state.config;
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err((1001, "Authorization header is empty".into()));
    };
    let Some(credential) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) else {
        return Err((1002, "Authorization is invalid".to_owned()));
    };
    if state.take_expired_token() {
        AtomicCounters::bump(&state.counters.faults_injected);
        return Err((1004, "token expired".to_owned()));
    }
    if credential == config.kling_api_key {
        return Ok(());
    }
    if credential.matches('.').count() != 2 {
        return Err((1000, "authentication failed".to_owned()));
    }
    let claims = verify_jwt(credential, &config.kling_secret_key)
        .ok_or_else(|| (1002, "Authorization is invalid: bad token".to_owned()))?;
    if claims.iss != config.kling_access_key {
        return Err((1000, "authentication failed: unknown access key".to_owned()));
    }
    let now = unix_seconds();
    if now < claims.nbf {
        return Err((1003, "token not yet valid".to_owned()));
    }
    if now >= claims.exp {
        return Err((1004, "token expired".to_owned()));
    }
    Ok(())
}

/// The claims of `token` when its HS256 signature matches `secret`.
fn verify_jwt(token: &str, secret: &str) -> Option<Claims> {
    video_kling_protocol::jwt::verify_hs256(token, secret.as_bytes())
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
