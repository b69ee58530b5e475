//! What an error carries besides its message, for programs and support tickets:
//! [`ErrorDetails`] (the provider's code, its request id, the HTTP status) and, for invalid
//! requests, the [`Rule`] that was broken.

use std::fmt;

/// What the provider said about an error besides its message: its code, the id of the HTTP
/// exchange (for support tickets) and the HTTP status. Every part is optional; errors found
/// locally have none (and then this costs one pointer, no allocation).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ErrorDetails(Option<Box<Parts>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Parts {
    code: Option<String>,
    request_id: Option<String>,
    http_status: Option<u16>,
}

impl ErrorDetails {
    /// Details with nothing known.
    pub fn none() -> Self {
        Self::default()
    }

    fn parts(&mut self) -> &mut Parts {
        self.0.get_or_insert_with(Box::default)
    }

    /// With the provider's code (blank codes count as none).
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        let code = code.into();
        if !code.trim().is_empty() {
            self.parts().code = Some(code);
        }
        self
    }

    /// With the exchange's request id (blank ids count as none).
    #[must_use]
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        if let Some(id) = id.filter(|id| !id.trim().is_empty()) {
            self.parts().request_id = Some(id);
        }
        self
    }

    /// With the HTTP status.
    #[must_use]
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.parts().http_status = Some(status);
        self
    }

    /// The provider's own error code, as text (`"1303"`, `"invalid_api_key"`).
    pub fn code(&self) -> Option<&str> {
        self.0.as_ref()?.code.as_deref()
    }

    /// The provider's id for the exchange (`request_id`, `x-request-id`, `Trace-Id`).
    pub fn request_id(&self) -> Option<&str> {
        self.0.as_ref()?.request_id.as_deref()
    }

    /// The HTTP status of the answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.0.as_ref()?.http_status
    }

    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.0
            .as_deref()
            .is_none_or(|parts| *parts == Parts::default())
    }
}

impl fmt::Debug for ErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorDetails")
            .field("code", &self.code())
            .field("request_id", &self.request_id())
            .field("http_status", &self.http_status())
            .finish()
    }
}

/// ` (code C, request id R)`, or nothing: what error messages append.
impl fmt::Display for ErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            self.code().map(|code| format!("code {code}")),
            self.request_id().map(|id| format!("request id {id}")),
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
            .with_code("1303")
            .with_request_id(Some("req-1".into()))
            .with_http_status(429);
        assert_eq!(details.to_string(), " (code 1303, request id req-1)");
        let blank = ErrorDetails::none()
            .with_code(" ")
            .with_request_id(Some(String::new()));
        assert!(blank.is_empty());
        assert_eq!(blank.to_string(), "");
        assert_eq!(Rule::Combination { with: "x".into() }.name(), "combination");
    }
}
