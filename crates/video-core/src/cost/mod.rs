//! Money: what a request is expected to cost ([`Estimate`], made by a [`Pricer`] such as the
//! model catalog of `video-providers`), amounts ([`Money`]) and spending caps ([`Budget`]).
//!
//! The pipeline asks its pricer for every journaled request's estimate and records it in the
//! entry; with a budget it reserves the estimate in the journal, in the same transaction that
//! writes the entry, before the submission is sent. A reservation is given back only when
//! the submission provably created no task (refused, proven not created, dismissed); a task
//! whose outcome is unknown keeps it, so a crash or a retry can never spend past the cap.

mod budget;
mod money;

pub use budget::{Budget, holds_reservation};
pub use money::Money;

use crate::request::VideoRequest;

/// What a request is expected to cost, and how that was worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Estimate {
    /// The amount; `None` when no price is known for this model, route or request.
    pub cost: Option<Money>,
    /// How it was worked out (`0.10 USD/s × 8 s`), or why it is unknown.
    pub basis: String,
}

impl Estimate {
    /// A known cost.
    pub fn priced(cost: Money, basis: impl Into<String>) -> Self {
        Self {
            cost: Some(cost),
            basis: basis.into(),
        }
    }

    /// An unknown cost, and why.
    pub fn unknown(why: impl Into<String>) -> Self {
        Self {
            cost: None,
            basis: why.into(),
        }
    }
}

/// Prices requests: for the provider called `provider` serving `model`, what `request` is
/// expected to cost. The model catalog of `video-providers` is one.
pub trait Pricer: Send + Sync + std::fmt::Debug {
    /// The estimate (unknown, never guessed, when there is no price).
    fn estimate(&self, provider: &str, model: Option<&str>, request: &VideoRequest) -> Estimate;
}
