//! Sample media for fakes and tests: a small, structurally valid MP4 of any size.

/// The smallest file [`sample_mp4`] makes: an `ftyp`, a `moov` with an `mvhd`, and an empty
/// `mdat` header.
pub const MIN_SAMPLE_MP4_LEN: usize = 28 + 116 + 8;

/// A structurally valid MP4 of exactly `len` bytes (at least [`MIN_SAMPLE_MP4_LEN`]): an
/// `ftyp` box (so bytes 4–8 read `ftyp`), a `moov` box declaring a 5-second movie, and an
/// `mdat` box filled with bytes derived from `seed`. Same `len` and `seed`, same bytes.
///
/// ```
/// let video = video_core::sample::sample_mp4(4096, 7);
/// assert_eq!(video.len(), 4096);
/// assert!(video_core::sample::looks_like_mp4(&video));
/// ```
pub fn sample_mp4(len: usize, seed: u64) -> Vec<u8> {
    let len = len.max(MIN_SAMPLE_MP4_LEN);
    let mut out = Vec::with_capacity(len);
    push_box(&mut out, b"ftyp", &ftyp_body());
    push_box(&mut out, b"moov", &boxed(b"mvhd", &mvhd_body(5_000)));
    let payload = len - out.len() - 8;
    out.extend_from_slice(&(payload as u32 + 8).to_be_bytes());
    out.extend_from_slice(b"mdat");
    let mut rng = fastrand::Rng::with_seed(seed);
    out.extend((0..payload).map(|_| rng.u8(..)));
    out
}

/// True when `bytes` start like an MP4 file (bytes 4–8 are `ftyp`).
pub fn looks_like_mp4(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp".as_slice())
}

fn ftyp_body() -> Vec<u8> {
    let mut body = Vec::with_capacity(20);
    body.extend_from_slice(b"isom");
    body.extend_from_slice(&0x200_u32.to_be_bytes());
    for brand in [b"isom", b"iso2", b"mp41"] {
        body.extend_from_slice(brand);
    }
    body
}

fn mvhd_body(duration_ms: u32) -> Vec<u8> {
    let mut body = Vec::with_capacity(100);
    body.extend_from_slice(&[0; 4]); // version 0, flags
    body.extend_from_slice(&[0; 8]); // creation and modification time
    body.extend_from_slice(&1000_u32.to_be_bytes()); // timescale
    body.extend_from_slice(&duration_ms.to_be_bytes());
    body.extend_from_slice(&0x0001_0000_u32.to_be_bytes()); // rate 1.0
    body.extend_from_slice(&0x0100_u16.to_be_bytes()); // volume 1.0
    body.extend_from_slice(&[0; 10]); // reserved
    for value in [0x0001_0000_u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        body.extend_from_slice(&value.to_be_bytes()); // unity matrix
    }
    body.extend_from_slice(&[0; 24]); // pre-defined
    body.extend_from_slice(&1_u32.to_be_bytes()); // next track id
    body
}

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    push_box(&mut out, kind, body);
    out
}

fn push_box(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32 + 8).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(bytes: &[u8]) -> Vec<(String, usize)> {
        let mut found = Vec::new();
        let mut at = 0;
        while at + 8 <= bytes.len() {
            let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            found.push((
                String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned(),
                size,
            ));
            at += size;
        }
        assert_eq!(at, bytes.len(), "boxes must tile the file exactly");
        found
    }

    #[test]
    fn boxes_tile_the_file_at_any_size() {
        for len in [0, MIN_SAMPLE_MP4_LEN, 1000, 65_537] {
            let video = sample_mp4(len, 1);
            assert_eq!(video.len(), len.max(MIN_SAMPLE_MP4_LEN));
            let kinds: Vec<String> = boxes(&video).into_iter().map(|(kind, _)| kind).collect();
            assert_eq!(kinds, ["ftyp", "moov", "mdat"]);
            assert!(looks_like_mp4(&video));
        }
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(sample_mp4(500, 3), sample_mp4(500, 3));
        assert_ne!(sample_mp4(500, 3), sample_mp4(500, 4));
        assert!(!looks_like_mp4(b"<html>"));
    }
}
