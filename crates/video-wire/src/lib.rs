//! # video-wire
//!
//! What every video provider's wire layer shares, with no HTTP client (so fakes and pure
//! protocol crates can use it too); `video-http` re-exports it as `video_http::wire`. A
//! provider crate adds only its facts: endpoints, wire types, conversions and a code table.
//!
//! - [`lenient`]: tolerant serde readers (ids as numbers or strings, `null` as absent,
//!   objects and lists that may be anything) and [`lenient::object_body`].
//! - [`kinds`]: what an error means ([`ErrorKind`]), what it carries ([`ErrorContext`]:
//!   code, message, request id, field, `Retry-After`) and the one [`error_for`]; a
//!   [`CodeTable`] maps a provider's codes onto kinds.
//! - [`status`]: the default meaning of an HTTP status whose body says nothing more, and of
//!   a reply that is not JSON at all (gateway pages).
//! - [`statuses`]: a provider's task status names read without case ([`StatusNames`]).
//! - [`outcome`]: the rules for "did a submission create a task?" ([`accepted`]) and for a
//!   queried snapshot ([`queried`]).
//! - [`calendar`]: dates as days since 1970 and back, without a date library.
//! - [`expiry`]: when a pre-signed link stops working, from its own query string
//!   ([`signed_url_expiry`]).
//! - [`body`]: a request's extra options merged into a body without overriding typed fields
//!   ([`extras_without`]); base URLs normalised to a host root ([`host_root`]).

pub mod body;
pub mod calendar;
pub mod expiry;
pub mod kinds;
pub mod lenient;
pub mod outcome;
pub mod status;
pub mod statuses;

pub use body::{endpoint, extras_without, host_root};
pub use expiry::signed_url_expiry;
pub use kinds::{Call, CodeTable, ErrorContext, ErrorKind, NamedCodes, error_for};
pub use outcome::{accepted, check_task_id, queried, query_routes};
pub use status::{json_reply, non_json_error, status_kind};
pub use statuses::StatusNames;
