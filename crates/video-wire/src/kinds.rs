//! What an error means ([`ErrorKind`]), what it carries ([`ErrorContext`]) and the one
//! function that turns the two into a [`VideoError`] ([`error_for`]). Providers map their
//! codes onto kinds with a [`CodeTable`] (data), and decide on the code, not on the HTTP
//! status, whenever the body has one.

use std::ops::RangeInclusive;
use std::time::Duration;

use video_core::{ErrorDetails, RateLimitScope, Rule, TaskId, VideoError};

/// What an error means to a caller.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Credentials missing, wrong, expired or not yet valid.
    Unauthorized,
    /// No balance, arrears, a used-up plan: money, never retried.
    Quota,
    /// No permission for this API or model, or an IP allow-list.
    Forbidden,
    /// Invalid request parameters.
    Invalid,
    /// The client is set up wrong (wrong method or endpoint, no channel for a model).
    Config,
    /// An unknown resource: the task on a query, the model on a submission.
    UnknownResource,
    /// Refused by a content-safety policy.
    Content,
    /// A rate limit; the duration is a floor on `retry_after`.
    Rate(RateLimitScope, Option<Duration>),
    /// A documented transient failure: retried.
    Transient,
    /// Anything else: a provider error that is not retried.
    Other,
}

/// A provider's textual error codes (`invalid_api_key`, `moderation_blocked`) mapped onto
/// kinds; matched exactly.
#[derive(Debug, Clone, Copy)]
pub struct NamedCodes(pub &'static [(&'static str, ErrorKind)]);

impl NamedCodes {
    /// The kind of `code`, when the table names it.
    pub fn kind_of(&self, code: &str) -> Option<ErrorKind> {
        self.0
            .iter()
            .find(|(name, _)| *name == code)
            .map(|(_, kind)| *kind)
    }
}

/// A provider's business codes mapped onto kinds: ranges of codes, each with its kind.
#[derive(Debug, Clone, Copy)]
pub struct CodeTable(pub &'static [(RangeInclusive<i64>, ErrorKind)]);

impl CodeTable {
    /// The kind of `code`; codes not in the table are [`ErrorKind::Other`].
    pub fn kind_of(&self, code: i64) -> ErrorKind {
        self.0
            .iter()
            .find(|(codes, _)| codes.contains(&code))
            .map_or(ErrorKind::Other, |(_, kind)| *kind)
    }
}

/// Which call a reply answers (an unknown resource means different things for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Call {
    /// A submission.
    Submit,
    /// A query for one task.
    Query,
    /// Anything else (a lookup, a list page, a download link).
    Other,
}

/// Everything an error carries besides its kind.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ErrorContext<'a> {
    /// The provider's code as text (`"1303"`, `"invalid_api_key"`).
    pub code: String,
    /// The server's message (already scrubbed of secrets).
    pub message: String,
    /// The reply's request id, for support tickets.
    pub request_id: Option<String>,
    /// The request field an invalid-parameter error is about, in `VideoRequest`'s terms.
    pub field: Option<String>,
    /// The parsed `Retry-After`, if any.
    pub retry_after: Option<Duration>,
    /// The HTTP status, when there was one.
    pub http_status: Option<u16>,
    /// The call answered.
    pub call: Call,
    /// The task id a query asked for.
    pub task_id: Option<&'a TaskId>,
}

impl<'a> ErrorContext<'a> {
    /// A context for `call` with the code and message; the rest empty.
    pub fn new(call: Call, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            request_id: None,
            field: None,
            retry_after: None,
            http_status: None,
            call,
            task_id: None,
        }
    }

    /// With the reply's request id (blank ids count as none).
    #[must_use]
    pub fn request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id.filter(|id| !id.trim().is_empty());
        self
    }

    /// With the parsed `Retry-After`.
    #[must_use]
    pub fn retry_after(mut self, after: Option<Duration>) -> Self {
        self.retry_after = after;
        self
    }

    /// With the HTTP status.
    #[must_use]
    pub fn http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// With the task id a query asked for.
    #[must_use]
    pub fn task_id(mut self, id: Option<&'a TaskId>) -> Self {
        self.task_id = id;
        self
    }

    /// With the request field an invalid-parameter error names (blank counts as none).
    #[must_use]
    pub fn field(mut self, field: Option<String>) -> Self {
        self.field = field.filter(|f| !f.trim().is_empty());
        self
    }

    /// The code, request id and status as [`ErrorDetails`].
    pub fn details(&self) -> ErrorDetails {
        let details = ErrorDetails::none()
            .with_code(self.code.clone())
            .with_request_id(self.request_id.clone());
        match self.http_status {
            Some(status) => details.with_http_status(status),
            None => details,
        }
    }
}

/// The error of one kind, with the context's message and its code, request id and status
/// as fields ([`VideoError::details`]).
#[cold]
pub fn error_for(kind: ErrorKind, context: ErrorContext<'_>) -> VideoError {
    let details = context.details();
    let message = context.message;
    match kind {
        ErrorKind::Unauthorized => VideoError::Unauthorized { message, details },
        ErrorKind::Quota => VideoError::QuotaExceeded { message, details },
        ErrorKind::Forbidden => VideoError::Forbidden { message, details },
        ErrorKind::Invalid => VideoError::InvalidRequest {
            field: context.field.unwrap_or_else(|| "request".to_owned()),
            rule: Rule::Refused,
            reason: message,
            details,
        },
        ErrorKind::Config => VideoError::Configuration { message, details },
        ErrorKind::UnknownResource => match (context.call, context.task_id) {
            (Call::Query, Some(task_id)) => VideoError::NotFound {
                task_id: task_id.clone(),
            },
            _ => VideoError::Configuration {
                message: format!("{message}; check the model name and the base URL"),
                details,
            },
        },
        ErrorKind::Content => VideoError::ContentRejected {
            message,
            task_id: context.task_id.cloned(),
            details,
        },
        ErrorKind::Rate(scope, floor) => VideoError::RateLimited {
            scope,
            retry_after: match (context.retry_after, floor) {
                (Some(after), Some(floor)) => Some(after.max(floor)),
                (after, floor) => after.or(floor),
            },
            message,
            details,
        },
        ErrorKind::Transient | ErrorKind::Other => VideoError::Provider {
            message,
            retryable: kind == ErrorKind::Transient,
            details,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: CodeTable = CodeTable(&[
        (1000..=1004, ErrorKind::Unauthorized),
        (
            1302..=1302,
            ErrorKind::Rate(RateLimitScope::Requests, Some(Duration::from_secs(1))),
        ),
    ]);

    #[test]
    fn codes_map_through_the_table_and_keep_their_context_as_fields() {
        assert_eq!(TABLE.kind_of(1003), ErrorKind::Unauthorized);
        assert_eq!(TABLE.kind_of(9), ErrorKind::Other);
        let context = ErrorContext::new(Call::Submit, "1302", "too fast")
            .request_id(Some("r-1".into()))
            .http_status(429)
            .retry_after(Some(Duration::from_millis(200)));
        let error = error_for(TABLE.kind_of(1302), context);
        assert_eq!(error.code(), Some("1302"));
        assert_eq!(error.request_id(), Some("r-1"));
        assert_eq!(
            error.retry_after(),
            Some(Duration::from_secs(1)),
            "the floor wins"
        );
        assert_eq!(error.details().and_then(|d| d.http_status()), Some(429));
        assert!(
            error
                .to_string()
                .contains("too fast (code 1302, request id r-1)"),
            "{error}"
        );
    }

    #[test]
    fn unknown_resources_are_not_found_only_for_a_query() {
        let id = TaskId::new("42");
        let query = ErrorContext::new(Call::Query, "404", "no such task").task_id(Some(&id));
        assert!(matches!(
            error_for(ErrorKind::UnknownResource, query),
            VideoError::NotFound { .. }
        ));
        let submit = ErrorContext::new(Call::Submit, "404", "no such model");
        assert!(matches!(
            error_for(ErrorKind::UnknownResource, submit),
            VideoError::Configuration { .. }
        ));
        let invalid =
            ErrorContext::new(Call::Submit, "1201", "bad").field(Some("duration_secs".into()));
        let error = error_for(ErrorKind::Invalid, invalid);
        assert_eq!(error.rule(), Some(&Rule::Refused));
        assert!(
            matches!(error, VideoError::InvalidRequest { ref field, .. } if field == "duration_secs")
        );
    }
}
