//! What an error carries besides its message, for programs and support tickets:
//! [`ErrorDetails`] (the provider's code, its request id, the HTTP status) and, for invalid
//! requests, the [`Rule`] that was broken.

use std::fmt;

/// What the provider said about an error besides its message: its code, the id of the HTTP
/// exchange (for support tickets) and the HTTP status. Every field is optional; errors found
/// locally have none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// The provider's own error code, as text (`"1303"`, `"invalid_api_key"`).
    pub code: Option<String>,
    /// The provider's id for the exchange (`request_id`, `x-request-id`, `Trace-Id`).
    pub request_id: Option<String>,
    /// The HTTP status of the answer, when there was one.
    pub http_status: Option<u16>,
}

impl ErrorDetails {
    /// Details with nothing known.
    pub fn none() -> Self {
        Self::default()
    }

    /// With the provider's code (blank codes count as none).
    #[must_use]
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into()).filter(|code| !code.trim().is_empty());
        self
    }

    /// With the exchange's request id (blank ids count as none).
    #[must_use]
    pub fn request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id.filter(|id| !id.trim().is_empty());
        self
    }

    /// With the HTTP status.
    #[must_use]
    pub fn http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.request_id.is_none() && self.http_status.is_none()
    }
}

/// ` (code C, request id R)`, or nothing: what error messages append.
impl fmt::Display for ErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            self.code.as_ref().map(|code| format!("code {code}")),
            self.request_id.as_ref().map(|id| format!("request id {id}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            return Ok(());
        }
        write!(f, " ({})", parts.join(", "))
    }
}

/// Which rule an invalid request breaks, for programs (the message says it for people).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Required, and missing or empty.
    Required,
    /// Longer than `max` characters.
    TooLong {
        /// The limit, in characters.
        max: u64,
    },
    /// Larger than `max` bytes (or pixels, or another unit the message names).
    TooLarge {
        /// The limit.
        max: u64,
    },
    /// Smaller than `min` (pixels, bytes, ...).
    TooSmall {
        /// The limit.
        min: u64,
    },
    /// Must be one of these values (as text).
    OneOf {
        /// The accepted values.
        allowed: Vec<String>,
    },
    /// Must lie between `min` and `max`, inclusive.
    Range {
        /// The smallest accepted value.
        min: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// This provider or model does not take the field at all.
    Unsupported,
    /// This value cannot be combined with the value of field `with` (e.g. 1080p only at 6 s).
    Combination {
        /// The other field.
        with: String,
    },
    /// Given in a form this provider does not take (`needed` names the form it takes, e.g.
    /// `url` for an image given as bytes).
    Form {
        /// The form the provider needs.
        needed: String,
    },
    /// Malformed: not a URL, not an image, not `W:H`, ...
    Format,
    /// Refused by the provider's server (the message is the provider's).
    Refused,
    /// Anything else.
    Other,
}

impl Rule {
    /// A short, stable name for the rule (for JSON output and metrics).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::TooLarge { .. } => "too_large",
            Self::TooSmall { .. } => "too_small",
            Self::OneOf { .. } => "one_of",
            Self::Range { .. } => "range",
            Self::Unsupported => "unsupported",
            Self::Combination { .. } => "combination",
            Self::Form { .. } => "form",
            Self::Format => "format",
            Self::Refused => "refused",
            Self::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_a_suffix_and_skip_blanks() {
        let details = ErrorDetails::none()
            .code("1303")
            .request_id(Some("req-1".into()))
            .http_status(429);
        assert_eq!(details.to_string(), " (code 1303, request id req-1)");
        let blank = ErrorDetails::none().code(" ").request_id(Some(String::new()));
        assert!(blank.is_empty());
        assert_eq!(blank.to_string(), "");
        assert_eq!(Rule::Combination { with: "x".into() }.name(), "combination");
    }
}
