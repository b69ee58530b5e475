//! # video-http
//!
//! The HTTP plumbing every HTTP video provider shares, so a provider crate holds only what
//! is true of its API (endpoints, wire types, conversions, error table):
//!
//! - [`HttpClient`]: reqwest with rustls (`ring`), timeouts, a user agent, caps on requests
//!   and downloads in flight, or a caller-supplied client; one attempt per [`ApiCall`].
//! - [`Auth`]: the auth seam — a raw key header, `Bearer` with a static key, or `Bearer`
//!   with a token minted by a [`MintToken`] and re-minted before it expires.
//! - [`transport_error`]: failures classified once (did the request reach the server?), and
//!   [`HttpClient::submit`] for submissions (an unproven failure is an unknown outcome).
//! - [`retry_after`]: `Retry-After` in seconds or as an HTTP date (`httpdate`).
//! - [`UrlPolicy`]: `https`, plain http only to loopback unless allowed, capped redirects,
//!   never credentials to another host; API calls never follow a redirect.
//! - [`Scrubber`]: every body read, on every path (JSON, server-sent events, error pages),
//!   has echoes of the credentials removed before anyone sees it.
//! - Bounded bodies: replies and single events capped; [`download`] streams a video under an
//!   idle timeout, a minimum throughput, an overall deadline and a size cap.
//! - [`RedactedUrl`], [`RedactedSecret`]: `Debug` helpers that show no secrets.
//!
//! It knows no provider: everything is handed a client, options and URLs.

mod answer;
mod auth;
mod body;
mod call;
mod client;
mod connect;
mod download;
mod errors;
mod events;
mod multipart;
mod options;
mod redact;
mod retry_after;
mod scrub;
mod scrub_probe;
mod setters;
mod span;
mod tls;
mod url_policy;

pub use auth::{Auth, MintToken, Token};
pub use call::{ApiCall, Body};
pub use client::{Answer, HttpClient, Reply};
pub use connect::{Connect, ConnectEnv, env_value, is_on};
pub use download::{download, url_of};
pub use errors::transport_error;
pub use events::{Events, SseEvent};
pub use multipart::Multipart;
pub use options::{DEFAULT_MAX_REPLY_BYTES, DownloadLimits, HttpOptions};
pub use redact::{RedactedSecret, RedactedUrl};
pub use retry_after::{MAX_RETRY_AFTER, parse_retry_after, retry_after};
pub use scrub::{REDACTED, Scrubber};
pub use span::InSpan;
pub use url_policy::{MAX_REDIRECTS, UrlPolicy, host_of, is_loopback, same_origin};

/// Re-exported so providers name the same `reqwest` types (`Method`, `Client`).
pub use reqwest;
/// Re-exported so providers hold secrets in the same `secrecy` types.
pub use secrecy;
/// What every provider's wire layer shares (tolerant readers, error kinds, status defaults,
/// submission-outcome rules), re-exported so a provider crate needs only `video-http`.
pub use video_wire as wire;

/// Records `value` as `field` of the current span — only when something listens at `INFO`
/// or finer: looking the current span up costs more than the rest of a query's logging.
pub fn record_field<V: tracing::Value>(field: &str, value: V) {
    if tracing::level_enabled!(tracing::Level::INFO) {
        tracing::Span::current().record(field, value);
    }
}
