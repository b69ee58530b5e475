//! [`InSpan`]: a future run inside a span only when that span is enabled.
//!
//! `tracing`'s [`Instrument`](tracing::Instrument) wraps a future in a layer that enters and
//! leaves its span at every poll, even a span nobody listens to. Every provider call runs
//! in a span, and a status query is small: with no subscriber, that layer was a measurable
//! part of a query's cost (its code and a copy of the call's future on every poll path).
//! [`InSpan::in_span`] skips it when the span is disabled; events inside still reach any
//! subscriber, exactly as inside a disabled span.

use std::future::Future;

use futures::future::Either;
use tracing::Instrument;
use tracing::instrument::Instrumented;

/// Runs a future inside a span, or bare when the span is disabled.
///
/// ```
/// use futures::FutureExt;
/// use video_http::InSpan;
///
/// let query = async { 42 }.in_span(tracing::info_span!("example.query"));
/// assert_eq!(query.now_or_never(), Some(42));
/// ```
pub trait InSpan: Future + Sized {
    /// `self` instrumented with `span` when it is enabled, else `self` as it is.
    fn in_span(self, span: tracing::Span) -> Either<Self, Instrumented<Self>> {
        if span.is_disabled() {
            Either::Left(self)
        } else {
            Either::Right(self.instrument(span))
        }
    }
}

impl<F: Future> InSpan for F {}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use std::sync::{Arc, Mutex};
    use tracing::Subscriber;
    use tracing::span::{Attributes, Id, Record};
    use tracing::subscriber::Interest;

    /// Counts the spans entered.
    #[derive(Clone, Default)]
    struct Entered(Arc<Mutex<Vec<u64>>>);

    impl Subscriber for Entered {
        fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> Interest {
            // Asked again each time: no verdict cached for other tests' threads.
            Interest::sometimes()
        }
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(7)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &tracing::Event<'_>) {}
        fn enter(&self, span: &Id) {
            self.0.lock().unwrap().push(span.into_u64());
        }
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn an_enabled_span_is_entered_and_a_disabled_one_costs_no_layer() {
        let entered = Entered::default();
        let answer = tracing::subscriber::with_default(entered.clone(), || {
            let query = async { 1 }.in_span(tracing::info_span!("in_span.test"));
            assert!(matches!(query, Either::Right(_)));
            query.now_or_never()
        });
        assert_eq!(answer, Some(1));
        // Entered to poll (and again to drop the future inside it).
        let entered = entered.0.lock().unwrap().clone();
        assert!(!entered.is_empty() && entered.iter().all(|&id| id == 7));

        let bare = async { 2 }.in_span(tracing::Span::none());
        assert!(matches!(bare, Either::Left(_)));
        assert_eq!(bare.now_or_never(), Some(2));
    }
}
