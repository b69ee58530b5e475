//! Images given to image-to-video providers: [`Image`] (a URL, or bytes with their media
//! type) and reading one from a file.

use std::fmt;
use std::path::Path;

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::VideoError;

/// The largest image [`Image::from_file`] reads unless told otherwise: 10 MB, the most any
/// current provider accepts.
pub const DEFAULT_MAX_IMAGE_BYTES: u64 = 10 * 1000 * 1000;

/// An image for a provider: a URL it fetches itself, or the image's bytes (sent inline).
/// Which forms a provider takes, and its limits, are in its
/// [`crate::Capabilities::image_to_video`]; [`crate::validate`] checks them before sending.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Image {
    /// An `http(s)` URL the provider fetches.
    Url(String),
    /// The image's bytes and media type (e.g. `image/png`); stored as base64 when serialised.
    Inline {
        /// The media type, sniffed from the bytes by [`Image::from_bytes`].
        media_type: String,
        /// The image file's bytes.
        #[serde(serialize_with = "to_base64", deserialize_with = "from_base64")]
        bytes: Vec<u8>,
    },
}

impl Image {
    /// An image at `url`.
    pub fn url(url: impl Into<String>) -> Self {
        Self::Url(url.into())
    }

    /// An image from its bytes, its media type sniffed from them (JPEG, PNG, WebP, GIF).
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] (field `image`) when the bytes are none of those.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, VideoError> {
        let media_type = sniff(&bytes)
            .ok_or_else(|| VideoError::invalid("image", "is not a JPEG, PNG, WebP or GIF image"))?;
        Ok(Self::Inline {
            media_type: media_type.to_owned(),
            bytes,
        })
    }

    /// Reads an image file (at most `max_bytes`, e.g. [`DEFAULT_MAX_IMAGE_BYTES`]); its
    /// type is sniffed from its bytes, not its extension. Only a regular file is read: a
    /// named pipe, a device or a folder is refused before it is opened for reading (a pipe
    /// with no writer would block forever), and the file is opened without blocking and
    /// checked again, so one swapped in meanwhile is refused too.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] (field `image`) when the file is not a regular file,
    /// too large or not an image; [`VideoError::Io`] when it cannot be read.
    pub fn from_file(path: &Path, max_bytes: u64) -> Result<Self, VideoError> {
        let bytes = read_regular_file(path, max_bytes)?;
        Self::from_bytes(bytes).map_err(|_| {
            VideoError::invalid(
                "image",
                format!("`{}` is not a JPEG, PNG, WebP or GIF image", path.display()),
            )
        })
    }

    /// Whether this is a URL.
    pub fn is_url(&self) -> bool {
        matches!(self, Self::Url(_))
    }

    /// The image's width and height in pixels, read from an inline image's header (`None`
    /// for a URL, or when the header cannot be read).
    pub fn dimensions(&self) -> Option<(u64, u64)> {
        match self {
            Self::Url(_) => None,
            Self::Inline { bytes, .. } => imagesize::blob_size(bytes)
                .ok()
                .map(|size| (size.width as u64, size.height as u64)),
        }
    }

    /// An inline image's bytes as base64 (no `data:` prefix), as most APIs take them.
    pub fn base64(&self) -> Option<String> {
        match self {
            Self::Url(_) => None,
            Self::Inline { bytes, .. } => {
                Some(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
        }
    }

    /// The image as one URL text: a URL as given, inline bytes as a
    /// `data:<type>;base64,<bytes>` URL (what APIs taking "a URL or a data URI" want).
    ///
    /// ```
    /// use video_core::Image;
    /// assert_eq!(Image::url("https://a.example/f.png").url_text(), "https://a.example/f.png");
    /// ```
    pub fn url_text(&self) -> String {
        match self {
            Self::Url(url) => url.clone(),
            Self::Inline { media_type, .. } => {
                format!(
                    "data:{media_type};base64,{}",
                    self.base64().unwrap_or_default()
                )
            }
        }
    }
}

impl fmt::Debug for Image {
    /// A URL without its query string; inline bytes by type and size only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(url) => f.debug_tuple("Url").field(&crate::redact_url(url)).finish(),
            Self::Inline { media_type, bytes } => f
                .debug_struct("Inline")
                .field("media_type", media_type)
                .field("bytes", &bytes.len())
                .finish(),
        }
    }
}

/// The media type of an image file, from its first bytes.
pub(crate) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    use imagesize::ImageType;
    match imagesize::image_type(bytes).ok()? {
        ImageType::Jpeg => Some("image/jpeg"),
        ImageType::Png => Some("image/png"),
        ImageType::Webp => Some("image/webp"),
        ImageType::Gif => Some("image/gif"),
        _ => None,
    }
}

fn to_base64<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn from_base64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(serde::de::Error::custom)
}

/// What a request animates: the prompt alone, or images.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[non_exhaustive]
pub enum VideoInput {
    /// Text-to-video: the prompt alone.
    #[default]
    Text,
    /// Image-to-video: the video starts on `first_frame` and, when given, ends on
    /// `last_frame`.
    Image {
        /// The first frame.
        first_frame: Image,
        /// The last frame, when the provider takes one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_frame: Option<Image>,
    },
}

impl VideoInput {
    /// Whether this is text-to-video.
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Text)
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        match self {
            Self::Text => Mode::TextToVideo,
            Self::Image { .. } => Mode::ImageToVideo,
        }
    }
}

/// Text-to-video or image-to-video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// From the prompt alone.
    TextToVideo,
    /// Animating an image.
    ImageToVideo,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TextToVideo => "text-to-video",
            Self::ImageToVideo => "image-to-video",
        })
    }
}

/// The bytes of the regular file at `path`, at most `max_bytes`.
fn read_regular_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, VideoError> {
    use std::io::Read;
    let io = |source| VideoError::Io {
        path: path.to_owned(),
        source,
    };
    let not_regular = || {
        VideoError::invalid_by(
            "image",
            crate::error::Rule::Format,
            format!(
                "`{}` is not a regular file (a pipe, a device or a folder): give an image file",
                path.display()
            ),
        )
    };
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Err(not_regular());
    }
    let file = open_without_blocking(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    if metadata.len() > max_bytes {
        return Err(VideoError::invalid_by(
            "image",
            crate::error::Rule::TooLarge { max: max_bytes },
            format!(
                "`{}` is {} bytes, over the {max_bytes}-byte limit",
                path.display(),
                metadata.len()
            ),
        ));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(VideoError::invalid_by(
            "image",
            crate::error::Rule::TooLarge { max: max_bytes },
            format!("`{}` grew past the {max_bytes}-byte limit", path.display()),
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading without blocking in `open` (a FIFO swapped in after the check).
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        const O_NONBLOCK: i32 = 0o4000;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        const O_NONBLOCK: i32 = 0x0004;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×1 PNG.
    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x7b, 0x40, 0xe8, 0xdd,
    ];

    #[test]
    fn bytes_are_sniffed_not_trusted_to_an_extension() {
        let image = Image::from_bytes(PNG.to_vec()).unwrap();
        assert!(matches!(&image, Image::Inline { media_type, .. } if media_type == "image/png"));
        assert_eq!(image.dimensions(), Some((2, 1)));
        assert!(Image::from_bytes(b"<html>".to_vec()).is_err());
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("photo.png");
        std::fs::write(&fake, b"not an image").unwrap();
        assert!(Image::from_file(&fake, 1000).is_err());
        let real = dir.path().join("photo.dat");
        std::fs::write(&real, PNG).unwrap();
        assert!(Image::from_file(&real, 1000).is_ok());
        assert!(Image::from_file(&real, 10).is_err(), "over the size limit");
    }

    #[test]
    fn inline_images_serialise_as_base64_and_debug_shows_no_bytes() {
        let image = Image::from_bytes(PNG.to_vec()).unwrap();
        let text = serde_json::to_string(&image).unwrap();
        assert!(text.contains("iVBORw0KGgo"), "{text}");
        assert_eq!(serde_json::from_str::<Image>(&text).unwrap(), image);
        assert_eq!(
            format!("{image:?}"),
            "Inline { media_type: \"image/png\", bytes: 33 }"
        );
        let url = Image::url("https://cdn.example/a.png?sig=SECRET");
        assert!(!format!("{url:?}").contains("SECRET"));
    }

    #[test]
    fn inputs_name_their_mode() {
        assert_eq!(VideoInput::default().mode(), Mode::TextToVideo);
        let input = VideoInput::Image {
            first_frame: Image::url("https://a.example/1.png"),
            last_frame: None,
        };
        assert_eq!(input.mode(), Mode::ImageToVideo);
        let text = serde_json::to_string(&input).unwrap();
        assert_eq!(
            text,
            r#"{"mode":"image","first_frame":{"url":"https://a.example/1.png"}}"#
        );
    }
}
