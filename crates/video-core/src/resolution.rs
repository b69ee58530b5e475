//! [`Resolution`]: how many lines a video has (`720p`, `4k`) or its exact size (`1280x720`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Rule, VideoError};

/// A video's resolution, as users ask for it: a tier named by its lines (`480p`, `720p`,
/// `1080p`, `4k`) or an exact size in pixels (`1280x720`). Each provider lists the ones it
/// takes in its [`crate::Capabilities`] and maps them onto its API (`768P`, `720p`,
/// `1280x720`, `1280*720`).
///
/// ```
/// use video_core::Resolution;
/// assert_eq!("1080P".parse::<Resolution>().unwrap(), Resolution::P1080);
/// assert_eq!("4K".parse::<Resolution>().unwrap().to_string(), "4k");
/// assert_eq!("1280*720".parse::<Resolution>().unwrap(), Resolution::size(1280, 720));
/// assert_eq!(Resolution::size(720, 1280).lines(), 720);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resolution {
    repr: Repr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Lines(u16),
    Size(u16, u16),
}

impl Resolution {
    /// 360 lines.
    pub const P360: Self = Self::lines_of(360);
    /// 480 lines.
    pub const P480: Self = Self::lines_of(480);
    /// 512 lines (MiniMax's `512P`).
    pub const P512: Self = Self::lines_of(512);
    /// 540 lines.
    pub const P540: Self = Self::lines_of(540);
    /// 720 lines (HD).
    pub const P720: Self = Self::lines_of(720);
    /// 768 lines (MiniMax's `768P`).
    pub const P768: Self = Self::lines_of(768);
    /// 1080 lines (full HD).
    pub const P1080: Self = Self::lines_of(1080);
    /// 1440 lines.
    pub const P1440: Self = Self::lines_of(1440);
    /// 2160 lines (`4k`).
    pub const K4: Self = Self::lines_of(2160);

    /// A tier of `lines` lines (the short side), e.g. 720 for `720p`.
    pub const fn lines_of(lines: u16) -> Self {
        Self {
            repr: Repr::Lines(lines),
        }
    }

    /// An exact size in pixels.
    pub const fn size(width: u16, height: u16) -> Self {
        Self {
            repr: Repr::Size(width, height),
        }
    }

    /// The number of lines: the tier's, or the short side of a size.
    pub fn lines(self) -> u16 {
        match self.repr {
            Repr::Lines(lines) => lines,
            Repr::Size(width, height) => width.min(height),
        }
    }

    /// Width and height, when this is an exact size.
    pub fn dimensions(self) -> Option<(u16, u16)> {
        match self.repr {
            Repr::Size(width, height) => Some((width, height)),
            Repr::Lines(_) => None,
        }
    }

    /// Whether this is a tier (`720p`) rather than an exact size.
    pub fn is_tier(self) -> bool {
        matches!(self.repr, Repr::Lines(_))
    }
}

impl fmt::Display for Resolution {
    /// `720p`, `4k` (2160 lines), or `1280x720`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr {
            Repr::Lines(2160) => f.write_str("4k"),
            Repr::Lines(lines) => write!(f, "{lines}p"),
            Repr::Size(width, height) => write!(f, "{width}x{height}"),
        }
    }
}

impl FromStr for Resolution {
    type Err = VideoError;

    /// Reads `720p`/`720P`, `4k`/`4K`, or `WxH`/`W*H` (positive numbers).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            VideoError::invalid_by(
                "resolution",
                Rule::Format,
                format!(
                    "`{}` is not a resolution (e.g. 720p, 1080p, 4k or 1280x720)",
                    text.escape_debug()
                ),
            )
        };
        let trimmed = text.trim().to_ascii_lowercase();
        let positive = |part: &str| part.parse::<u16>().ok().filter(|n| *n > 0);
        if trimmed == "4k" {
            return Ok(Self::K4);
        }
        if let Some(lines) = trimmed.strip_suffix('p') {
            return positive(lines).map(Self::lines_of).ok_or_else(invalid);
        }
        let (width, height) = trimmed.split_once(['x', '*']).ok_or_else(invalid)?;
        match (positive(width), positive(height)) {
            (Some(width), Some(height)) => Ok(Self::size(width, height)),
            _ => Err(invalid()),
        }
    }
}

impl Serialize for Resolution {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Resolution {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_and_sizes_round_trip_through_text_and_serde() {
        for (text, shown) in [
            ("480p", "480p"),
            ("768P", "768p"),
            ("2160p", "4k"),
            ("4k", "4k"),
            ("1920x1080", "1920x1080"),
            ("1280*720", "1280x720"),
        ] {
            let resolution: Resolution = text.parse().unwrap();
            assert_eq!(resolution.to_string(), shown);
            let json = serde_json::to_string(&resolution).unwrap();
            assert_eq!(
                serde_json::from_str::<Resolution>(&json).unwrap(),
                resolution
            );
        }
        assert_eq!(Resolution::size(1920, 1080).lines(), 1080);
        assert_eq!(Resolution::P720.dimensions(), None);
    }

    #[test]
    fn malformed_text_is_a_format_error() {
        for bad in [
            "",
            "p",
            "0p",
            "720",
            "x720",
            "1280x",
            "1280x0",
            "hd",
            "-720p",
            "1280x720x2",
        ] {
            let error = bad.parse::<Resolution>().unwrap_err();
            assert_eq!(error.rule(), Some(&Rule::Format), "{bad:?}");
        }
    }
}
