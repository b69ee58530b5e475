//! Pure conversions between the wire format and core types, both directions, and the error
//! classification of replies. No I/O here: everything is tested on the fixtures.

mod classify;
mod request;
mod task;

pub(crate) use classify::{Call, classify};
pub(crate) use request::{Models, submit_json};
pub(crate) use task::{failure_error, parse_seconds, task_from_envelope};
