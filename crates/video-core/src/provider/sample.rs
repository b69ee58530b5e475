//! Sample media for fakes and tests: a real, playable MP4 of any size.
//!
//! The video is a 1.5-second, 96×64, 12 fps H.264 clip of a test pattern (made once by
//! `scripts/make-sample-video.sh` with ffmpeg, and embedded), followed by a `free` box that
//! pads the file to the size asked for. Players skip `free` boxes, so the file plays at every
//! size; the padding is generated on demand, so any byte range of a multi-gigabyte file
//! costs constant memory.

/// The embedded clip: `ftyp`, `moov` (one H.264 video track), `free`, `mdat`.
const CLIP: &[u8] = include_bytes!("sample.mp4");

/// The smallest file [`sample_mp4`] makes: the clip and an empty `free` box header.
pub const MIN_SAMPLE_MP4_LEN: usize = CLIP.len() + 8;

/// The clip's size in pixels and its length in milliseconds.
pub const SAMPLE_VIDEO: (u32, u32, u32) = (96, 64, 1500);

/// A playable MP4 of exactly `len` bytes (at least [`MIN_SAMPLE_MP4_LEN`]): the sample clip,
/// padded with a `free` box filled with bytes derived from `seed`. Same `len` and `seed`,
/// same bytes.
///
/// ```
/// let video = video_core::provider::sample::sample_mp4(8192, 7);
/// assert_eq!(video.len(), 8192);
/// assert!(video_core::provider::sample::looks_like_mp4(&video));
/// ```
pub fn sample_mp4(len: usize, seed: u64) -> Vec<u8> {
    let sample = SampleMp4::new(len as u64, seed);
    let mut out = vec![0; usize::try_from(sample.len()).unwrap_or(usize::MAX)];
    sample.read_at(0, &mut out);
    out
}

/// Bytes of the padding pattern, repeated through the `free` box.
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
        header.extend_from_slice(CLIP);
        let free_len = u32::try_from(len - CLIP.len() as u64).unwrap_or(u32::MAX);
        header.extend_from_slice(&free_len.to_be_bytes());
        header.extend_from_slice(b"free");
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
        for len in [0, MIN_SAMPLE_MP4_LEN, 10_000, 65_537] {
            let video = sample_mp4(len, 1);
            assert_eq!(video.len(), len.max(MIN_SAMPLE_MP4_LEN));
            let kinds: Vec<String> = boxes(&video).into_iter().map(|(kind, _)| kind).collect();
            assert_eq!(kinds, ["ftyp", "moov", "free", "mdat", "free"]);
            assert!(looks_like_mp4(&video));
        }
    }

    /// Parses the file with Mozilla's MP4 parser: one H.264 video track, of the clip's size,
    /// with a duration.
    fn assert_playable(bytes: &[u8]) {
        let context = mp4parse::read_mp4(&mut std::io::Cursor::new(bytes)).unwrap();
        let video: Vec<&mp4parse::Track> = context
            .tracks
            .iter()
            .filter(|track| track.track_type == mp4parse::TrackType::Video)
            .collect();
        assert_eq!(video.len(), 1, "one video track");
        let track = video[0];
        let duration = track.duration.map_or(0, |d| d.0);
        assert!(duration > 0, "the track has a duration");
        let header = track.tkhd.as_ref().unwrap();
        let (width, height, _) = SAMPLE_VIDEO;
        assert_eq!((header.width >> 16, header.height >> 16), (width, height));
        let entries = &track.stsd.as_ref().unwrap().descriptions;
        assert!(
            matches!(&entries[0], mp4parse::SampleEntry::Video(v) if v.codec_type == mp4parse::CodecType::H264),
            "H.264"
        );
    }

    #[test]
    fn the_sample_is_a_playable_h264_video_at_its_size_and_padded() {
        assert_playable(&sample_mp4(MIN_SAMPLE_MP4_LEN, 1));
        let padded = sample_mp4(3 << 20, 2);
        assert_eq!(padded.len(), 3 << 20);
        assert_playable(&padded);
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
        assert!(sample_mp4(10_000, 3) == sample_mp4(10_000, 3));
        assert!(
            sample_mp4(10_000, 3) != sample_mp4(10_000, 4),
            "the padding follows the seed"
        );
        assert!(!looks_like_mp4(b"<html>"));
    }
}
