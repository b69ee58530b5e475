//! The Kling front's credentials check, as Kling documents it: `Authorization: Bearer <x>`
//! where `x` is the configured API key or an HS256 JWT signed with the secret key of its
//! `iss`; refusals are 401 with code 1000–1004.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use jwt_compact::alg::{Hs256, Hs256Key};
use jwt_compact::{AlgorithmExt, UntrustedToken};
use serde::Deserialize;

use crate::engine::{AtomicCounters, Engine};
use crate::replies::kling_error;

/// The claims Kling reads.
#[derive(Debug)]
struct Claims {
    iss: String,
    exp: u64,
    nbf: u64,
}

/// The claim besides the standard `exp` and `nbf` (which `jwt-compact` reads itself).
#[derive(Debug, Deserialize)]
struct Issuer {
    iss: String,
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
    let echo = |text: &str| {
        if config.faults.echo_key {
            format!("{text}: {}", String::from_utf8_lossy(value.as_bytes()))
        } else {
            text.to_owned()
        }
    };
    let Some(credential) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) else {
        return Err((1002, echo("Authorization is invalid")));
    };
    if state.take_expired_token() {
        AtomicCounters::bump(&state.counters.faults_injected);
        return Err((1004, echo("token expired")));
    }
    if credential == config.kling_api_key {
        return Ok(());
    }
    if credential.matches('.').count() != 2 {
        return Err((1000, echo("authentication failed")));
    }
    let claims = verify_jwt(credential, &config.kling_secret_key)
        .ok_or_else(|| (1002, echo("Authorization is invalid: bad token")))?;
    if claims.iss != config.kling_access_key {
        return Err((1000, echo("authentication failed: unknown access key")));
    }
    let now = unix_seconds();
    if now < claims.nbf {
        return Err((1003, echo("token not yet valid")));
    }
    if now >= claims.exp {
        return Err((1004, echo("token expired")));
    }
    Ok(())
}

/// The claims of `token` when its HS256 signature matches `secret`.
fn verify_jwt(token: &str, secret: &str) -> Option<Claims> {
    let untrusted = UntrustedToken::new(token).ok()?;
    let key = Hs256Key::new(secret.as_bytes());
    let token = Hs256.validator::<Issuer>(&key).validate(&untrusted).ok()?;
    let claims = token.claims();
    let exp = claims.expiration.map(|at| at.timestamp())?;
    let nbf = claims.not_before.map_or(0, |at| at.timestamp());
    Some(Claims {
        iss: claims.custom.iss.clone(),
        exp: u64::try_from(exp).ok()?,
        nbf: u64::try_from(nbf).unwrap_or(0),
    })
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
