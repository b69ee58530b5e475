//! Short, single-line, redacted excerpts of bodies for error messages.

/// Longest excerpt of a body kept in [`VideoError::Decode`](crate::VideoError::Decode).
pub const EXCERPT_CHARS: usize = 200;

/// The first [`EXCERPT_CHARS`] characters of `body` as lossy UTF-8 on one line, with the
/// query strings of any URLs in it replaced by `?…` (signed URLs are credentials).
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let head: String = text.chars().take(EXCERPT_CHARS).collect();
    redact_query_strings(&head.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Replaces the query string of every `http(s)://` URL in `text` with `?…`.
fn redact_query_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http") {
        let (before, from_url) = rest.split_at(start);
        out.push_str(before);
        if !(from_url.starts_with("http://") || from_url.starts_with("https://")) {
            out.push_str("http");
            rest = &from_url[4..];
            continue;
        }
        let end = from_url
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ','))
            .unwrap_or(from_url.len());
        let url = &from_url[..end];
        match url.find('?') {
            Some(query) => {
                out.push_str(&url[..query]);
                out.push_str("?…");
            }
            None => out.push_str(url),
        }
        rest = &from_url[end..];
    }
    out.push_str(rest);
    out
}
