//! Pure conversions: a request → the create body (with Kling's option rules checked against
//! the model), and a reply → the envelope or the error it means. No I/O: tested on fixtures.

mod reply;
mod request;

pub(crate) use reply::{classify, token_time_refusal};
pub(crate) use request::create_body;
