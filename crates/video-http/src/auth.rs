//! The auth seam: how a request is authorised is a value the HTTP layer applies, not code in
//! a client. A raw key in `Authorization` (the DMXAPI relay), `Bearer` with a static key, a
//! key in a named header (Azure's `api-key`, Google's `x-goog-api-key`), or `Bearer` with a
//! token minted by a callback and re-minted before it expires. Secrets stay in `secrecy`
//! types, are marked sensitive in headers, are never sent to another origin, and are
//! scrubbed from every reply.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use video_core::VideoError;

use crate::scrub::Scrubber;

/// A token minted by a [`MintToken`], and how long it is valid.
#[derive(Debug)]
#[non_exhaustive]
pub struct Token {
    /// The token, sent as `Authorization: Bearer <token>`.
    pub value: SecretString,
    /// How long it is valid from now.
    pub valid_for: Duration,
}

impl Token {
    /// A token valid for `valid_for` from now.
    pub fn new(value: SecretString, valid_for: Duration) -> Self {
        Self { value, valid_for }
    }
}

/// Mints tokens (e.g. a JWT signed with a secret key). Called when there is no token, when
/// the cached one is about to expire, and after the server refused one.
pub trait MintToken: Send + Sync + std::fmt::Debug {
    /// A fresh token.
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when the credentials cannot make one.
    fn mint(&self) -> Result<Token, VideoError>;

    /// Secrets besides the tokens that must never appear in output (e.g. an access key
    /// a server might echo).
    fn secrets(&self) -> Vec<SecretString> {
        Vec::new()
    }
}

/// How many minted tokens are remembered for scrubbing. Tokens are minted about twice an
/// hour (and after a refusal), so this covers days of a process; the oldest has long expired.
const REMEMBERED_TOKENS: usize = 512;

/// How requests are authorised. Cheap to clone; clones share a minted token.
#[derive(Clone)]
pub struct Auth {
    kind: Arc<Kind>,
}

enum Kind {
    None,
    Header {
        name: HeaderName,
        value: HeaderValue,
        scrubber: Arc<Scrubber>,
    },
    Minted(Minted),
}

struct Minted {
    minter: Box<dyn MintToken>,
    refresh_before: Duration,
    cached: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    token: Option<(HeaderValue, Instant)>,
    /// Every token minted so far in this process (the newest [`REMEMBERED_TOKENS`]): an
    /// earlier one may still be valid, and a server may echo it long after.
    minted: std::collections::VecDeque<SecretString>,
    scrubber: Arc<Scrubber>,
}

impl Auth {
    /// No authorisation.
    pub fn none() -> Self {
        Self::from_kind(Kind::None)
    }

    /// The key itself as the whole `Authorization` value (no `Bearer`).
    ///
    /// # Errors
    /// [`VideoError::Configuration`] when the key is empty or not a valid header value (the
    /// message never contains it).
    pub fn raw_key(key: SecretString) -> Result<Self, VideoError> {
        Self::named(AUTHORIZATION.as_str(), key)
    }

    /// The key itself as the value of header `name` (e.g. `api-key` for Azure OpenAI,
    /// `x-goog-api-key` for Gemini).
    ///
    /// # Errors
    /// As [`raw_key`](Self::raw_key); also for a name that is not a valid header name.
    pub fn named(name: &str, key: SecretString) -> Result<Self, VideoError> {
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            VideoError::configuration(format!(
                "`{}` is not a valid header name for the credentials",
                name.escape_debug()
            ))
        })?;
        let key = trimmed(&key);
        let value = header_value(key.expose_secret())?;
        Ok(Self::from_kind(Kind::Header {
            name,
            value,
            scrubber: Arc::new(Scrubber::new([key])),
        }))
    }

    /// `Authorization: Bearer <key>`.
    ///
    /// # Errors
    /// As [`raw_key`](Self::raw_key).
    pub fn bearer(key: SecretString) -> Result<Self, VideoError> {
        let key = trimmed(&key);
        if key.expose_secret().is_empty() {
            return Err(empty_key());
        }
        let value = header_value(&format!("Bearer {}", key.expose_secret()))?;
        Ok(Self::from_kind(Kind::Header {
            name: AUTHORIZATION,
            value,
            scrubber: Arc::new(Scrubber::new([key])),
        }))
    }

    /// `Authorization: Bearer <token>` with tokens from `minter`, cached and minted again
    /// `refresh_before` ahead of their expiry (and after [`invalidate`](Self::invalidate)).
    pub fn minted(minter: impl MintToken + 'static, refresh_before: Duration) -> Self {
        let scrubber = Arc::new(Scrubber::new(minter.secrets()));
        Self::from_kind(Kind::Minted(Minted {
            minter: Box::new(minter),
            refresh_before,
            cached: Mutex::new(Cached {
                token: None,
                minted: std::collections::VecDeque::new(),
                scrubber,
            }),
        }))
    }

    fn from_kind(kind: Kind) -> Self {
        Self {
            kind: Arc::new(kind),
        }
    }

    /// The credential header for the next request (its value marked sensitive), if any.
    ///
    /// # Errors
    /// The minter's error when a token is needed and cannot be minted.
    pub fn credential(&self) -> Result<Option<(HeaderName, HeaderValue)>, VideoError> {
        match self.kind.as_ref() {
            Kind::None => Ok(None),
            Kind::Header { name, value, .. } => Ok(Some((name.clone(), value.clone()))),
            Kind::Minted(minted) => minted.header().map(|value| Some((AUTHORIZATION, value))),
        }
    }

    /// The credential header's value for the next request, if any (see
    /// [`credential`](Self::credential) for its name).
    ///
    /// # Errors
    /// As [`credential`](Self::credential).
    pub fn header(&self) -> Result<Option<HeaderValue>, VideoError> {
        Ok(self.credential()?.map(|(_, value)| value))
    }

    /// Forgets a minted token, so the next request mints a fresh one (call it after the
    /// server refused the token). Nothing for static keys.
    pub fn invalidate(&self) {
        if let Kind::Minted(minted) = self.kind.as_ref() {
            minted.lock().token = None;
        }
    }

    /// What removes this auth's secrets (keys, the current token) from replies.
    pub fn scrubber(&self) -> Arc<Scrubber> {
        match self.kind.as_ref() {
            Kind::None => Arc::new(Scrubber::default()),
            Kind::Header { scrubber, .. } => Arc::clone(scrubber),
            Kind::Minted(minted) => Arc::clone(&minted.lock().scrubber),
        }
    }
}

impl Minted {
    fn lock(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.cached.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn header(&self) -> Result<HeaderValue, VideoError> {
        let mut cached = self.lock();
        let now = Instant::now();
        if let Some((value, expires)) = &cached.token
            && now + self.refresh_before < *expires
        {
            return Ok(value.clone());
        }
        let token = self.minter.mint()?;
        let value = header_value(&format!("Bearer {}", token.value.expose_secret()))?;
        if cached.minted.len() == REMEMBERED_TOKENS {
            cached.minted.pop_front();
        }
        cached.minted.push_back(token.value);
        let mut secrets = self.minter.secrets();
        secrets.extend(cached.minted.iter().cloned());
        cached.scrubber = Arc::new(Scrubber::new(secrets));
        cached.token = Some((value.clone(), now + token.valid_for));
        tracing::debug!(valid_for = ?token.valid_for, "minted a token");
        Ok(value)
    }
}

/// The key without surrounding whitespace (what is sent, so what a server could echo).
fn trimmed(key: &SecretString) -> SecretString {
    SecretString::from(key.expose_secret().trim().to_owned())
}

fn empty_key() -> VideoError {
    VideoError::Configuration {
        message: "the API key is empty".to_owned(),
        details: video_core::ErrorDetails::none(),
    }
}

fn header_value(text: &str) -> Result<HeaderValue, VideoError> {
    if text.trim().is_empty() {
        return Err(empty_key());
    }
    let mut value = HeaderValue::from_str(text).map_err(|_| VideoError::Configuration {
        message: "the credentials contain characters not allowed in a header".to_owned(),
        details: video_core::ErrorDetails::none(),
    })?;
    value.set_sensitive(true);
    Ok(value)
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind.as_ref() {
            Kind::None => "none",
            Kind::Header { name, .. } if name == AUTHORIZATION => "key [redacted]",
            Kind::Header { .. } => "named-header key [redacted]",
            Kind::Minted(_) => "minted token [redacted]",
        };
        f.debug_tuple("Auth").field(&kind).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug, Default)]
    struct Counting {
        minted: AtomicU32,
    }

    impl MintToken for Arc<Counting> {
        fn mint(&self) -> Result<Token, VideoError> {
            let n = self.minted.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Token::new(
                SecretString::from(format!("tok-{n}")),
                Duration::from_secs(1800),
            ))
        }

        fn secrets(&self) -> Vec<SecretString> {
            vec![SecretString::from("access-key".to_owned())]
        }
    }

    fn text(value: Option<HeaderValue>) -> String {
        value.unwrap().to_str().unwrap().to_owned()
    }

    #[test]
    fn static_keys_are_sensitive_and_never_shown() {
        let raw = Auth::raw_key(SecretString::from(" sk-1 ".to_owned())).unwrap();
        let value = raw.header().unwrap().unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "sk-1");
        let bearer = Auth::bearer(SecretString::from("sk-2".to_owned())).unwrap();
        assert_eq!(text(bearer.header().unwrap()), "Bearer sk-2");
        assert!(!format!("{raw:?} {bearer:?}").contains("sk-"));
        assert_eq!(raw.scrubber().text("echo sk-1"), "echo [redacted]");
        for bad in ["", "  ", "sk\n1"] {
            assert!(
                Auth::raw_key(SecretString::from(bad.to_owned())).is_err(),
                "{bad:?}"
            );
        }
        assert!(Auth::none().header().unwrap().is_none());
        let azure = Auth::named("api-key", SecretString::from("az-1".to_owned())).unwrap();
        let (name, value) = azure.credential().unwrap().unwrap();
        assert_eq!(
            (name.as_str(), value.to_str().unwrap()),
            ("api-key", "az-1")
        );
        assert!(value.is_sensitive() && !format!("{azure:?}").contains("az-1"));
        assert!(Auth::named("bad name", SecretString::from("k".to_owned())).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn minted_tokens_are_cached_refreshed_before_expiry_and_after_refusal() {
        let counting = Arc::new(Counting::default());
        let auth = Auth::minted(Arc::clone(&counting), Duration::from_secs(60));
        assert_eq!(text(auth.header().unwrap()), "Bearer tok-1");
        tokio::time::advance(Duration::from_secs(1700)).await;
        assert_eq!(text(auth.header().unwrap()), "Bearer tok-1", "still fresh");
        tokio::time::advance(Duration::from_secs(50)).await;
        assert_eq!(
            text(auth.header().unwrap()),
            "Bearer tok-2",
            "re-minted 60 s before expiry"
        );
        auth.invalidate();
        assert_eq!(text(auth.header().unwrap()), "Bearer tok-3");
        assert_eq!(counting.minted.load(Ordering::SeqCst), 3);
        let scrubbed = auth.scrubber().text("tok-3 access-key tok-2 tok-1");
        assert_eq!(scrubbed, "[redacted] [redacted] [redacted] [redacted]");
    }
}
