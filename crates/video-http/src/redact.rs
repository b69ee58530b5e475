//! Redacting `Debug` helpers: show what a value is without what makes it a secret.

use std::fmt;

use url::Url;

/// Debug-prints `[redacted]` (or `[not set]` for `None`) in place of a secret.
#[derive(Clone, Copy)]
pub struct RedactedSecret(pub bool);

impl fmt::Debug for RedactedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "[redacted]" } else { "[not set]" })
    }
}

/// Debug- and Display-prints a URL without its password, query and fragment (signed links
/// and keys in query strings are credentials).
#[derive(Clone, Copy)]
pub struct RedactedUrl<'a>(pub &'a Url);

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut url = self.0.clone();
        if url.password().is_some() {
            let _ = url.set_password(Some("redacted"));
        }
        if url.query().is_some() {
            url.set_query(Some("…"));
        }
        url.set_fragment(None);
        f.write_str(url.as_str())
    }
}

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_passwords_and_queries() {
        let url = Url::parse("https://user:pw@relay.example/v1?key=SECRET#frag").unwrap();
        let shown = format!("{} {:?}", RedactedUrl(&url), RedactedUrl(&url));
        assert!(!shown.contains("pw") && !shown.contains("SECRET") && !shown.contains("frag"));
        assert!(shown.contains("relay.example/v1"), "{shown}");
        assert_eq!(format!("{:?}", RedactedSecret(true)), "[redacted]");
        assert_eq!(format!("{:?}", RedactedSecret(false)), "[not set]");
    }
}
