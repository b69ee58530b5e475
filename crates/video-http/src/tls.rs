//! The TLS crypto provider: rustls with `ring`, installed once for the process (reqwest is
//! built without a provider of its own, which keeps `aws-lc` and its C build out).

/// Installs `ring` as the process's rustls provider unless one is installed already (an
/// application's own choice wins).
pub(crate) fn ensure_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
