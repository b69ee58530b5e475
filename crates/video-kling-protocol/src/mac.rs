//! HMAC-SHA256 keyed with any bytes: webhook signatures and JWTs both sign with it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A MAC keyed with `key`, ready for `update`.
pub(crate) fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable_hmac(),
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    // `Hmac::new_from_slice` only fails for fixed-key-size MACs; HMAC has none.
    panic!("HMAC-SHA256 accepts keys of every length")
}
