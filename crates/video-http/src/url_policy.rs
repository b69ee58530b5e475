//! Which URLs the client talks to: `https`, and plain `http` only to loopback unless
//! allowed; redirects capped, never to plain http off loopback.

use url::{Host, Url};
use video_core::VideoError;

/// Most redirects a download follows.
pub const MAX_REDIRECTS: usize = 5;

/// The URL rules of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UrlPolicy {
    /// Allow plain `http` to hosts other than loopback.
    pub allow_insecure_http: bool,
}

impl UrlPolicy {
    /// Refuses anything but `https`, and plain `http` unless the host is loopback or insecure
    /// http is allowed; `field` names the URL in the error.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] naming `field`.
    pub fn check(&self, url: &Url, field: &str) -> Result<(), VideoError> {
        match url.scheme() {
            "https" if url.host().is_some() => Ok(()),
            "http" if url.host().is_some() => {
                if self.allow_insecure_http || is_loopback(url) {
                    Ok(())
                } else {
                    Err(VideoError::invalid(
                        field,
                        "is plain http to a non-loopback host (allow insecure http to permit it)",
                    ))
                }
            }
            _ => Err(VideoError::invalid(
                field,
                "must be an http or https URL with a host",
            )),
        }
    }
}

/// Whether the URL's host is loopback (`localhost`, `127.0.0.0/8`, `::1`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `host[:port]` of a URL, for messages.
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => "a URL without a host".to_owned(),
    }
}

/// Whether two URLs have the same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, allow: bool) -> bool {
        UrlPolicy {
            allow_insecure_http: allow,
        }
        .check(&Url::parse(url).unwrap(), "url")
        .is_ok()
    }

    #[test]
    fn only_https_or_loopback_http_by_default() {
        assert!(check("https://cdn.example/v.mp4?sig=1", false));
        assert!(check("http://127.0.0.1:8080/v.mp4", false));
        assert!(check("http://127.8.0.1/v.mp4", false));
        assert!(check("http://[::1]:9/v.mp4", false));
        assert!(check("http://LOCALHOST/v.mp4", false));
        assert!(!check("http://cdn.example/v.mp4", false));
        assert!(!check("http://10.0.0.1/v.mp4", false));
        assert!(check("http://cdn.example/v.mp4", true));
        assert!(!check("ftp://cdn.example/v.mp4", true));
        assert!(!check("file:///etc/passwd", true));
        assert!(!check("data:video/mp4;base64,AAAA", true));
    }

    #[test]
    fn origins_and_hosts() {
        let a = Url::parse("https://api.example/v1").unwrap();
        assert!(same_origin(
            &a,
            &Url::parse("https://api.example:443/videos/1").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("https://cdn.example/v").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("http://api.example/v").unwrap()
        ));
        assert_eq!(
            host_of(&Url::parse("http://localhost:8080/x").unwrap()),
            "localhost:8080"
        );
    }
}
