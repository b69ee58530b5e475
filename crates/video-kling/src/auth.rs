//! Kling's credentials: an access key and secret key signing short-lived HS256 JWTs
//! (`iss` = access key, `exp` = now + lifetime, `nbf` = now − 5 s), minted with
//! [`video_kling_protocol::jwt`] and cached by `video-http`'s [`Auth`] until shortly before
//! they expire; or a static API key sent as `Bearer`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use video_core::VideoError;
use video_http::{Auth, MintToken, RedactedSecret, Token};

/// How long a minted token is valid: 30 minutes, Kling's example.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(1800);
/// How long before expiry a cached token is replaced: 5 minutes.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(300);
/// How far `nbf` lies in the past, allowing for clock skew: 5 s, Kling's example.
const NOT_BEFORE_SKEW_SECS: u64 = 5;

/// A clock in Unix seconds (replaceable in tests).
pub(crate) type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The system clock in Unix seconds.
pub(crate) fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs())
    })
}

/// How the client proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// An access key and secret key: each request carries a JWT signed with the secret key.
    AccessKey {
        /// The access key (the token's `iss`).
        access_key: SecretString,
        /// The secret key (signs the token; never sent).
        secret_key: SecretString,
    },
    /// A single API key, sent as `Authorization: Bearer <key>`.
    ApiKey(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccessKey { .. } => f
                .debug_struct("AccessKey")
                .field("access_key", &RedactedSecret(true))
                .field("secret_key", &RedactedSecret(true))
                .finish(),
            Self::ApiKey(_) => f
                .debug_tuple("ApiKey")
                .field(&RedactedSecret(true))
                .finish(),
        }
    }
}

/// The claims Kling reads, in the order its examples serialise them.
#[derive(Debug, Serialize)]
struct KlingClaims {
    iss: String,
    exp: u64,
    nbf: u64,
}

/// The JWT for `access_key`/`secret_key` at Unix time `now`, valid for `lifetime`:
/// header `{"alg":"HS256","typ":"JWT"}`, claims `{"iss","exp","nbf"}`.
///
/// # Errors
/// [`VideoError::Configuration`] when the token cannot be encoded.
pub fn mint_jwt(
    access_key: &str,
    secret_key: &str,
    now: u64,
    lifetime: Duration,
) -> Result<String, VideoError> {
    let claims = KlingClaims {
        iss: access_key.to_owned(),
        exp: now.saturating_add(lifetime.as_secs()),
        nbf: now.saturating_sub(NOT_BEFORE_SKEW_SECS),
    };
    video_kling_protocol::jwt::sign_hs256(&claims, secret_key.as_bytes()).map_err(|_| {
        VideoError::Configuration {
            message: "could not encode the Kling JWT".to_owned(),
            details: video_core::ErrorDetails::none(),
        }
    })
}

/// Mints Kling JWTs for [`Auth::minted`].
pub(crate) struct JwtMinter {
    access_key: SecretString,
    secret_key: SecretString,
    lifetime: Duration,
    clock: Clock,
}

impl JwtMinter {
    pub(crate) fn new(
        access_key: SecretString,
        secret_key: SecretString,
        lifetime: Duration,
        clock: Clock,
    ) -> Self {
        Self {
            access_key,
            secret_key,
            lifetime,
            clock,
        }
    }
}

impl fmt::Debug for JwtMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtMinter")
            .field("access_key", &RedactedSecret(true))
            .field("secret_key", &RedactedSecret(true))
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl MintToken for JwtMinter {
    fn mint(&self) -> Result<Token, VideoError> {
        let token = mint_jwt(
            self.access_key.expose_secret(),
            self.secret_key.expose_secret(),
            (self.clock)(),
            self.lifetime,
        )?;
        Ok(Token::new(SecretString::from(token), self.lifetime))
    }

    fn secrets(&self) -> Vec<SecretString> {
        vec![self.access_key.clone(), self.secret_key.clone()]
    }
}

/// The [`Auth`] for `credentials`.
///
/// # Errors
/// [`VideoError::Configuration`] when a key is empty or not a valid header value.
pub(crate) fn auth(
    credentials: Credentials,
    lifetime: Duration,
    refresh_before: Duration,
    clock: Clock,
) -> Result<Auth, VideoError> {
    let empty = |what: &str| VideoError::Configuration {
        message: format!("the Kling {what} is empty"),
        details: video_core::ErrorDetails::none(),
    };
    match credentials {
        Credentials::ApiKey(key) => Auth::bearer(key),
        Credentials::AccessKey {
            access_key,
            secret_key,
        } => {
            if access_key.expose_secret().trim().is_empty() {
                return Err(empty("access key"));
            }
            if secret_key.expose_secret().trim().is_empty() {
                return Err(empty("secret key"));
            }
            let minter = JwtMinter::new(access_key, secret_key, lifetime, clock);
            // Fail at build time, not on the first request, if the keys cannot make a token.
            minter.mint()?;
            Ok(Auth::minted(minter, refresh_before))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn vector() -> serde_json::Value {
        let path = format!(
            "{}/tests/data/direct_jwt_test_vector.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn the_published_vector_is_minted_byte_for_byte() {
        let v = vector();
        let token = mint_jwt(
            v["access_key"].as_str().unwrap(),
            v["secret_key"].as_str().unwrap(),
            v["now_unix_seconds"].as_u64().unwrap(),
            DEFAULT_TOKEN_LIFETIME,
        )
        .unwrap();
        assert_eq!(token, v["token"].as_str().unwrap());
        assert_eq!(
            format!("Bearer {token}"),
            v["authorization_header"].as_str().unwrap()
        );
    }

    #[test]
    fn the_minter_uses_its_clock_and_hides_its_keys() {
        let v = vector();
        let now = Arc::new(AtomicU64::new(v["now_unix_seconds"].as_u64().unwrap()));
        let clock_now = Arc::clone(&now);
        let minter = JwtMinter::new(
            SecretString::from(v["access_key"].as_str().unwrap()),
            SecretString::from(v["secret_key"].as_str().unwrap()),
            DEFAULT_TOKEN_LIFETIME,
            Arc::new(move || clock_now.load(Ordering::SeqCst)),
        );
        let first = minter.mint().unwrap();
        assert_eq!(first.value.expose_secret(), v["token"].as_str().unwrap());
        assert_eq!(first.valid_for, DEFAULT_TOKEN_LIFETIME);
        now.fetch_add(60, Ordering::SeqCst);
        assert_ne!(
            minter.mint().unwrap().value.expose_secret(),
            first.value.expose_secret()
        );
        let shown = format!("{minter:?}");
        assert!(
            !shown.contains("AKtest") && !shown.contains("SKtest"),
            "{shown}"
        );
    }

    /// A clock following tokio's (paused) clock from a fixed start, counting its reads (one
    /// per minted token).
    fn counting_clock(mints: Arc<AtomicU64>) -> Clock {
        let start = tokio::time::Instant::now();
        Arc::new(move || {
            mints.fetch_add(1, Ordering::SeqCst);
            1_768_358_000 + start.elapsed().as_secs()
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_cached_token_is_reminted_shortly_before_it_expires() {
        let mints = Arc::new(AtomicU64::new(0));
        let credentials = Credentials::AccessKey {
            access_key: SecretString::from("AK"),
            secret_key: SecretString::from("SK"),
        };
        let lifetime = DEFAULT_TOKEN_LIFETIME;
        let margin = DEFAULT_REFRESH_BEFORE;
        let auth = auth(
            credentials,
            lifetime,
            margin,
            counting_clock(Arc::clone(&mints)),
        )
        .unwrap();
        let after_build = mints.load(Ordering::SeqCst);
        let first = auth.header().unwrap().unwrap();
        assert_eq!(mints.load(Ordering::SeqCst), after_build + 1);
        // Reused until `margin` before expiry...
        tokio::time::advance(lifetime - margin - Duration::from_secs(1)).await;
        assert_eq!(auth.header().unwrap().unwrap(), first);
        assert_eq!(
            mints.load(Ordering::SeqCst),
            after_build + 1,
            "no new token yet"
        );
        // ...then replaced by a fresh one (a later `exp`).
        tokio::time::advance(Duration::from_secs(2)).await;
        let second = auth.header().unwrap().unwrap();
        assert_ne!(second, first);
        assert_eq!(mints.load(Ordering::SeqCst), after_build + 2);
        // A refused token is forgotten: the next request mints again.
        auth.invalidate();
        auth.header().unwrap();
        assert_eq!(mints.load(Ordering::SeqCst), after_build + 3);
    }

    #[test]
    fn empty_keys_are_refused_at_build_time() {
        let empty = Credentials::AccessKey {
            access_key: SecretString::from(""),
            secret_key: SecretString::from("sk"),
        };
        let error = auth(
            empty,
            DEFAULT_TOKEN_LIFETIME,
            DEFAULT_REFRESH_BEFORE,
            system_clock(),
        );
        assert!(matches!(error, Err(VideoError::Configuration { .. })));
        let api = auth(
            Credentials::ApiKey(SecretString::from(" ")),
            DEFAULT_TOKEN_LIFETIME,
            DEFAULT_REFRESH_BEFORE,
            system_clock(),
        );
        assert!(api.is_err());
    }
}
