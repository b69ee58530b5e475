//! [`Multipart`]: a `multipart/form-data` body (text fields and file parts), encoded here
//! so the quickstart's build needs no MIME-guessing crates.

/// A `multipart/form-data` body.
///
/// ```
/// use video_http::Multipart;
/// let body = Multipart::new()
///     .text("prompt", "a red fox")
///     .file("input_reference", "frame.png", "image/png", vec![0x89, b'P', b'N', b'G']);
/// let (content_type, bytes) = body.encode();
/// assert!(content_type.starts_with("multipart/form-data; boundary="));
/// assert!(String::from_utf8_lossy(&bytes).contains("name=\"prompt\"\r\n\r\na red fox\r\n"));
/// ```
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    bytes: Vec<u8>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// With a text field.
    #[must_use]
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: None,
            bytes: value.into().into_bytes(),
        });
        self
    }

    /// With a file part (`filename` and `media_type` as the server will see them).
    #[must_use]
    pub fn file(
        mut self,
        name: impl Into<String>,
        filename: impl Into<String>,
        media_type: impl Into<String>,
        bytes: Vec<u8>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: Some((filename.into(), media_type.into())),
            bytes,
        });
        self
    }

    /// The `Content-Type` value and the encoded body. The boundary is random and checked not
    /// to occur in any part; names, file names and media types are quoted with `"`, CR and
    /// LF removed (they cannot break out of their header).
    pub fn encode(&self) -> (String, Vec<u8>) {
        let boundary = loop {
            let candidate = format!(
                "----video-sdk-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            );
            let clash = self
                .parts
                .iter()
                .any(|part| memchr::memmem::find(&part.bytes, candidate.as_bytes()).is_some());
            if !clash {
                break candidate;
            }
        };
        let mut body = Vec::with_capacity(self.parts.iter().map(|p| p.bytes.len() + 128).sum());
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quoted(&part.name)
            );
            if let Some((filename, _)) = &part.file {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(filename)));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some((_, media_type)) = &part.file {
                body.extend_from_slice(
                    format!("Content-Type: {}\r\n", quoted(media_type)).as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// A header parameter value without the characters that could end it early.
fn quoted(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '"' | '\r' | '\n' | '\\'))
        .collect()
}

/// Part names and sizes only: file bytes may be large or private.
impl std::fmt::Debug for Multipart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<(&str, usize)> = self
            .parts
            .iter()
            .map(|part| (part.name.as_str(), part.bytes.len()))
            .collect();
        f.debug_struct("Multipart").field("parts", &parts).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_and_hostile_names_cannot_break_out() {
        let (content_type, body) = Multipart::new()
            .text("seconds", "8")
            .file(
                "in\"put\r\nX-Evil: 1",
                "a\".png",
                "image/png",
                b"PNGDATA".to_vec(),
            )
            .encode();
        let boundary = content_type.split("boundary=").nth(1).unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(text.contains("name=\"seconds\"\r\n\r\n8\r\n"));
        assert!(text.contains("name=\"inputX-Evil: 1\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n"));
        assert!(!text.contains("\r\nX-Evil"));
    }
}
