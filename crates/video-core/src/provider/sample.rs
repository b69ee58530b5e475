//! Sample media for fakes and tests: a small, structurally valid MP4 of any size.

/// The smallest file [`sample_mp4`] makes: an `ftyp`, a `moov` with an `mvhd`, and an empty
/// `mdat` header.
pub const MIN_SAMPLE_MP4_LEN: usize = 28 + 116 + 8;

/// A structurally valid MP4 of exactly `len` bytes (at least [`MIN_SAMPLE_MP4_LEN`]): an
/// `ftyp` box (so bytes 4–8 read `ftyp`), a `moov` box declaring a 5-second movie, and an
/// `mdat` box filled with bytes derived from `seed`. Same `len` and `seed`, same bytes.
///
/// ```
/// let video = video_core::provider::sample::sample_mp4(4096, 7);
/// assert_eq!(video.len(), 4096);
/// assert!(video_core::provider::sample::looks_like_mp4(&video));
/// ```
pub fn sample_mp4(len: usize, seed: u64) -> Vec<u8> {
    let sample = SampleMp4::new(len as u64, seed);
    let mut out = vec![0; usize::try_from(sample.len()).unwrap_or(usize::MAX)];
    sample.read_at(0, &mut out);
    out
}

/// Bytes of the `mdat` filler pattern, repeated through the payload.
const FILLER_BLOCK: usize = 64 * 1024;

/// A sample MP4 described, not stored: any byte range of a file of any size (up to 4 GiB)
/// can be produced on demand, so fakes can serve huge videos and `Range` requests in
/// constant memory. [`sample_mp4`] is the same file, materialised.
#[derive(Debug, Clone)]
pub struct SampleMp4 {
    len: u64,
    header: Vec<u8>,
    filler: Vec<u8>,
}

impl SampleMp4 {
    /// A file of `len` bytes (at least [`MIN_SAMPLE_MP4_LEN`], at most `u32::MAX`).
    pub fn new(len: u64, seed: u64) -> Self {
        let len = len.clamp(MIN_SAMPLE_MP4_LEN as u64, u64::from(u32::MAX));
        let mut header = Vec::with_capacity(MIN_SAMPLE_MP4_LEN);
        push_box(&mut header, b"ftyp", &ftyp_body());
        push_box(&mut header, b"moov", &boxed(b"mvhd", &mvhd_body(5_000)));
        let mdat_len = u32::try_from(len - header.len() as u64).unwrap_or(u32::MAX);
        header.extend_from_slice(&mdat_len.to_be_bytes());
        header.extend_from_slice(b"mdat");
        let mut rng = fastrand::Rng::with_seed(seed);
        let filler = (0..FILLER_BLOCK).map(|_| rng.u8(..)).collect();
        Self {
            len,
            header,
            filler,
        }
    }

    /// The file's size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Always false: a sample has at least [`MIN_SAMPLE_MP4_LEN`] bytes.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Fills `buf` with the bytes starting at `offset`; returns how many were written (fewer
    /// than `buf.len()` only at the end of the file).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        let available = self.len.saturating_sub(offset);
        let count = usize::try_from(available)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let mut written = 0;
        while written < count {
            let at = offset + written as u64;
            let source = match usize::try_from(at)
                .ok()
                .and_then(|at| self.header.get(at..))
            {
                Some(rest) if !rest.is_empty() => rest,
                _ => {
                    let into_filler = (at - self.header.len() as u64) % FILLER_BLOCK as u64;
                    &self.filler[into_filler as usize..]
                }
            };
            let n = source.len().min(count - written);
            buf[written..written + n].copy_from_slice(&source[..n]);
            written += n;
        }
        count
    }
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
    fn ranges_match_the_whole_file() {
        let whole = sample_mp4(200_000, 9);
        let sample = SampleMp4::new(200_000, 9);
        let mut buf = vec![0; 70_000];
        assert_eq!(sample.read_at(100, &mut buf), 70_000);
        assert_eq!(&buf[..], &whole[100..70_100]);
        assert_eq!(sample.read_at(199_990, &mut buf), 10);
        assert_eq!(&buf[..10], &whole[199_990..]);
        assert_eq!(sample.read_at(300_000, &mut buf), 0);
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(sample_mp4(500, 3), sample_mp4(500, 3));
        assert_ne!(sample_mp4(500, 3), sample_mp4(500, 4));
        assert!(!looks_like_mp4(b"<html>"));
    }
}
