//! Faults every front injects the same way: latency, a proxy's auth page, a redirect,
//! gateway pages and server errors, rate and concurrency limits, unknown codes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::engine::{AtomicCounters, Engine};
use crate::replies::{auth_page, gateway_page, kling_error, redirect};

/// Faults applied before credentials are checked: latency, then a proxy's page or a
/// redirect of the call to `path` on another host.
pub(crate) async fn before_auth(state: &Engine, path: &str) -> Option<Response> {
    let faults = &state.config.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if let Some(status) = faults.auth_page {
        return Some(auth_page(status));
    }
    faults
        .redirect_api_to
        .as_ref()
        .map(|target| redirect(target, path))
}

/// Faults applied to an authenticated call: a gateway page or a server error (code 5000).
pub(crate) fn after_auth(state: &Engine) -> Option<Response> {
    let faults = &state.config.faults;
    if state.roll(faults.gateway_page_rate) {
        return Some(gateway_page());
    }
    if state.roll(faults.server_error_rate) {
        return Some(kling_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            5000,
            "internal server error",
        ));
    }
    None
}

/// Refusals of a valid submission before a task is created: rate and concurrency limits,
/// then an unknown business code.
pub(crate) fn refuse_submission(state: &Engine) -> Option<Response> {
    if let Some(refusal) = rate_limited(state) {
        return Some(refusal);
    }
    let code = state.config.faults.unknown_submit_code?;
    AtomicCounters::bump(&state.counters.faults_injected);
    Some(kling_error(
        StatusCode::OK,
        code,
        "an error this client has never seen",
    ))
}

/// A 429 refusal when a rate or concurrency limit applies.
fn rate_limited(state: &Engine) -> Option<Response> {
    let faults = &state.config.faults;
    let concurrency_message = "parallel task over resource pack limit";
    if state.take_forced_refusal() {
        return Some(kling_error(
            StatusCode::TOO_MANY_REQUESTS,
            1303,
            concurrency_message,
        ));
    }
    if let Some(limit) = faults.max_running_tasks
        && state.running_tasks() >= limit
    {
        return Some(kling_error(
            StatusCode::TOO_MANY_REQUESTS,
            1303,
            concurrency_message,
        ));
    }
    if !state.rate_limit_hit() {
        return None;
    }
    let fault = faults.rate_limit.as_ref()?;
    let message = if fault.code == 1303 {
        concurrency_message
    } else {
        "rate limit exceeded, please try again later"
    };
    let mut response = kling_error(
        StatusCode::TOO_MANY_REQUESTS,
        i64::from(fault.code),
        message,
    );
    if let Some(seconds) = fault.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Some(response)
}
