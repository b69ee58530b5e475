//! The image-to-video rules: the provider offers the mode, takes each image in the form
//! given, and the image fits its documented limits.

use crate::error::{Rule, VideoError};
use crate::image::{Image, VideoInput};
use crate::provider::ImageCapabilities;

/// Checks the request's images against what the provider's image-to-video accepts.
pub(super) fn check(
    input: &VideoInput,
    capabilities: Option<&ImageCapabilities>,
) -> Result<(), VideoError> {
    let VideoInput::Image {
        first_frame,
        last_frame,
    } = input
    else {
        return Ok(());
    };
    let Some(capabilities) = capabilities else {
        return Err(VideoError::unsupported(
            "first_frame",
            "image-to-video is not supported by this provider",
        ));
    };
    check_image("first_frame", first_frame, capabilities)?;
    if let Some(last) = last_frame {
        if !capabilities.last_frame {
            return Err(VideoError::unsupported(
                "last_frame",
                "is not supported by this provider (only a first frame)",
            ));
        }
        check_image("last_frame", last, capabilities)?;
    }
    Ok(())
}

fn check_image(field: &str, image: &Image, caps: &ImageCapabilities) -> Result<(), VideoError> {
    let invalid = |rule: Rule, reason: String| VideoError::invalid_by(field, rule, reason);
    let form = |needed: &str| Rule::Form {
        needed: needed.to_owned(),
    };
    match image {
        Image::Url(url) => {
            if !caps.urls {
                return Err(invalid(
                    form("bytes"),
                    "is a URL, but this provider takes images as bytes: read the file with \
                     Image::from_file"
                        .to_owned(),
                ));
            }
            let format = |reason: &str| invalid(Rule::Format, reason.to_owned());
            let parsed = url::Url::parse(url).map_err(|_| format("is not an absolute URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                return Err(format("must be an http or https URL with a host"));
            }
            Ok(())
        }
        Image::Inline { media_type, bytes } => {
            if !caps.inline {
                return Err(invalid(
                    form("url"),
                    "is image bytes, but this provider needs an image URL: upload the image \
                     where the provider can fetch it and pass its https URL"
                        .to_owned(),
                ));
            }
            check_inline(media_type, bytes.len() as u64, image.dimensions(), caps)
                .map_err(|(rule, reason)| invalid(rule, reason))
        }
    }
}

/// The limits of an inline image; the error is the rule and the reason.
fn check_inline(
    media_type: &str,
    size: u64,
    dimensions: Option<(u64, u64)>,
    caps: &ImageCapabilities,
) -> Result<(), (Rule, String)> {
    if !caps.media_types.is_empty() && !caps.media_types.iter().any(|t| t == media_type) {
        return Err((
            Rule::OneOf {
                allowed: caps.media_types.clone(),
            },
            format!(
                "is {media_type}; this provider takes {}",
                caps.media_types.join(", ")
            ),
        ));
    }
    if let Some(max) = caps.max_bytes.filter(|&max| size > max) {
        return Err((
            Rule::TooLarge { max },
            format!("is {size} bytes, over the provider's {max}-byte limit"),
        ));
    }
    let needs_size = caps.min_side_px.is_some() || caps.max_aspect_ratio.is_some();
    let Some((width, height)) = dimensions else {
        return if needs_size {
            Err((
                Rule::Format,
                "has a header its size cannot be read from".to_owned(),
            ))
        } else {
            Ok(())
        };
    };
    if let Some(min) = caps.min_side_px.filter(|&min| width.min(height) < min) {
        return Err((
            Rule::TooSmall { min },
            format!("is {width}×{height} px; each side must be at least {min} px"),
        ));
    }
    let (long, short) = (width.max(height) as f64, width.min(height).max(1) as f64);
    if let Some(max) = caps.max_aspect_ratio.filter(|&max| long / short > max) {
        return Err((
            Rule::Other,
            format!("is {width}×{height} px, more elongated than {max}:1"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header declaring `width`×`height`.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    fn input(first: Image, last: Option<Image>) -> VideoInput {
        VideoInput::Image {
            first_frame: first,
            last_frame: last,
        }
    }

    fn field(result: Result<(), VideoError>) -> String {
        match result {
            Err(VideoError::InvalidRequest { field, reason, .. }) => format!("{field}: {reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_mode_the_forms_and_the_last_frame_need_support() {
        let url = || Image::url("https://cdn.example/a.jpg");
        assert!(field(check(&input(url(), None), None)).starts_with("first_frame: image-to-video"));
        let urls = ImageCapabilities::urls();
        assert!(check(&input(url(), None), Some(&urls)).is_ok());
        let last = field(check(&input(url(), Some(url())), Some(&urls)));
        assert!(last.starts_with("last_frame:"), "{last}");
        let inline = Image::from_bytes(png(400, 400)).unwrap();
        let needs_url = field(check(&input(inline.clone(), None), Some(&urls)));
        assert!(needs_url.contains("needs an image URL"), "{needs_url}");
        let bytes_only = ImageCapabilities {
            urls: false,
            ..ImageCapabilities::urls_and_inline()
        };
        assert!(
            field(check(&input(url(), None), Some(&bytes_only))).contains("takes images as bytes")
        );
        let bad_url = Image::url("ftp://x/a.jpg");
        assert!(field(check(&input(bad_url, None), Some(&urls))).contains("http or https"));
        assert!(text_is_fine());
    }

    fn text_is_fine() -> bool {
        check(&VideoInput::Text, None).is_ok()
    }

    #[test]
    fn inline_limits_are_checked_and_named() {
        let caps = ImageCapabilities::urls_and_inline()
            .with_last_frame(true)
            .with_media_types(["image/jpeg", "image/png"])
            .with_limits(10_000, 300, 2.5);
        let image = |w, h| Image::from_bytes(png(w, h)).unwrap();
        assert!(check(&input(image(400, 300), Some(image(300, 700))), Some(&caps)).is_ok());
        assert!(field(check(&input(image(299, 400), None), Some(&caps))).contains("at least 300"));
        let tall = field(check(&input(image(300, 1000), None), Some(&caps)));
        assert!(tall.contains("elongated"), "{tall}");
        let last = field(check(
            &input(image(400, 400), Some(image(100, 100))),
            Some(&caps),
        ));
        assert!(last.starts_with("last_frame:"), "{last}");
        let gif = Image::from_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec()).unwrap();
        assert!(field(check(&input(gif, None), Some(&caps))).contains("image/gif"));
        let mut big = png(400, 400);
        big.resize(20_000, 0);
        let big = Image::from_bytes(big).unwrap();
        assert!(field(check(&input(big, None), Some(&caps))).contains("10000-byte"));
    }
}
