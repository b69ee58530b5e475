//! Faults every front injects the same way: latency, a proxy's auth page, a redirect,
//! gateway pages and server errors, rate and concurrency limits, unknown codes. What a fault
//! means is shared ([`Refusal`]); how it is written is the front's ([`ErrorShape`]).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::engine::{AtomicCounters, Engine};
use crate::replies::{auth_page, gateway_page, kling_error, redirect};

/// What a shared fault refuses a call with, before a front writes it in its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A transient server failure (HTTP 500).
    ServerError,
    /// A request-rate limit (HTTP 429).
    RateLimited,
    /// Too many running tasks (HTTP 429).
    Concurrency,
    /// A business code this client has never seen, with HTTP 200.
    UnknownCode(i64),
    /// Invalid parameters (HTTP 400, or the front's own way).
    Invalid,
}

/// How a front writes a [`Refusal`]: its status, its error body.
pub(crate) type ErrorShape = fn(StatusCode, Refusal, &str) -> Response;

/// Kling's shape (`{code, message, request_id}`), for the relay and Kling fronts: 5000 for a
/// server error, 1302 for a rate limit, 1303 for concurrency, the code itself otherwise.
pub(crate) fn kling_shape(status: StatusCode, refusal: Refusal, message: &str) -> Response {
    let code = match refusal {
        Refusal::ServerError => 5000,
        Refusal::RateLimited => 1302,
        Refusal::Concurrency => 1303,
        Refusal::UnknownCode(code) => code,
        Refusal::Invalid => 1201,
    };
    kling_error(status, code, message)
}

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
pub(crate) fn after_auth(state: &Engine, shape: ErrorShape) -> Option<Response> {
    let faults = &state.config.faults;
    if state.roll(faults.gateway_page_rate) {
        return Some(gateway_page());
    }
    if state.roll(faults.server_error_rate) {
        return Some(shape(
            StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::ServerError,
            "internal server error",
        ));
    }
    None
}

/// Refusals of a valid submission before a task is created: rate and concurrency limits,
/// then an unknown business code.
pub(crate) fn refuse_submission(state: &Engine, shape: ErrorShape) -> Option<Response> {
    if let Some(refusal) = rate_limited(state, shape) {
        return Some(refusal);
    }
    let code = state.config.faults.unknown_submit_code?;
    AtomicCounters::bump(&state.counters.faults_injected);
    Some(shape(
        StatusCode::OK,
        Refusal::UnknownCode(code),
        "an error this client has never seen",
    ))
}

/// A 429 refusal when a rate or concurrency limit applies.
fn rate_limited(state: &Engine, shape: ErrorShape) -> Option<Response> {
    let faults = &state.config.faults;
    let concurrency_message = "parallel task over resource pack limit";
    if state.take_forced_refusal() {
        return Some(shape(
            StatusCode::TOO_MANY_REQUESTS,
            Refusal::Concurrency,
            concurrency_message,
        ));
    }
    if let Some(limit) = faults.max_running_tasks
        && state.running_tasks() >= limit
    {
        return Some(shape(
            StatusCode::TOO_MANY_REQUESTS,
            Refusal::Concurrency,
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
    let refusal = if fault.code == 1303 {
        Refusal::Concurrency
    } else {
        Refusal::RateLimited
    };
    let mut response = shape(StatusCode::TOO_MANY_REQUESTS, refusal, message);
    if let Some(seconds) = fault.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Some(response)
}
