//! [`validate`]: every rule a request must meet, checked before anything is sent.

use std::fmt::Display;

mod images;

use crate::error::{Rule, VideoError};
use crate::image::VideoInput;
use crate::provider::{Capabilities, Durations};
use crate::request::VideoRequest;

/// Checks `request` against a provider's `capabilities`; the first broken rule is returned as
/// [`VideoError::InvalidRequest`] naming the field and the rule.
///
/// Lengths are counted in characters, not bytes: a 2,500-character Chinese prompt fits a
/// 2,500-character limit.
///
/// ```
/// use video_core::{validate, Capabilities, VideoError, VideoRequest};
///
/// let caps = Capabilities::new(2500).with_durations([5, 10]);
/// assert!(validate(&VideoRequest::builder("a fox").duration_secs(5).build(), &caps).is_ok());
///
/// let error = validate(&VideoRequest::builder("a fox").duration_secs(7).build(), &caps);
/// assert!(matches!(error, Err(VideoError::InvalidRequest { field, .. }) if field == "duration_secs"));
/// ```
pub fn validate(request: &VideoRequest, capabilities: &Capabilities) -> Result<(), VideoError> {
    check_prompt(request, capabilities)?;
    check_negative_prompt(request, capabilities)?;
    if let Some(seconds) = request.duration_secs {
        check_duration(seconds, &capabilities.durations)?;
    }
    if let Some(ratio) = request.aspect_ratio {
        check_listed("aspect_ratio", &ratio, &capabilities.aspect_ratios, true)?;
    }
    if let Some(resolution) = request.resolution {
        check_listed("resolution", &resolution, &capabilities.resolutions, false)?;
    }
    if let Some(quality) = request.quality {
        let qualities = match (&request.input, &capabilities.image_to_video) {
            (VideoInput::Image { .. }, Some(image)) if !image.qualities.is_empty() => {
                &image.qualities
            }
            _ => &capabilities.qualities,
        };
        check_listed("quality", &quality, qualities, false)?;
    }
    if let Some(seed) = request.seed {
        check_seed(seed, capabilities.max_seed)?;
    }
    if request.sound.is_some() && !capabilities.sound {
        return Err(VideoError::unsupported(
            "sound",
            "is not supported by this provider",
        ));
    }
    images::check(&request.input, capabilities.image_to_video.as_ref())?;
    if let Some(url) = &request.callback_url {
        check_callback_url(url, capabilities)?;
    }
    if let Some(reference) = &request.client_reference {
        check_client_reference(reference)?;
    }
    Ok(())
}

fn check_duration(seconds: u32, durations: &Durations) -> Result<(), VideoError> {
    if durations.accepts(seconds) {
        return Ok(());
    }
    let (rule, reason) = match durations {
        Durations::Range { min, max } => (
            Rule::Range {
                min: u64::from(*min),
                max: u64::from(*max),
            },
            format!("must be from {min} to {max} seconds (got {seconds})"),
        ),
        other => (
            Rule::OneOf {
                allowed: other
                    .listed()
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            },
            format!("must be one of {other} (got {seconds})"),
        ),
    };
    Err(VideoError::invalid_by("duration_secs", rule, reason))
}

fn check_seed(seed: u64, max: Option<u64>) -> Result<(), VideoError> {
    match max {
        None => Err(VideoError::unsupported(
            "seed",
            "is not supported by this provider",
        )),
        Some(max) if seed > max => Err(VideoError::invalid_by(
            "seed",
            Rule::Range { min: 0, max },
            format!("must be at most {max} (got {seed})"),
        )),
        Some(_) => Ok(()),
    }
}

/// The longest client reference.
const MAX_REFERENCE_CHARS: usize = 64;

/// 1–64 characters of `A-Z a-z 0-9 - _ . :`, not all digits: safe in a URL path, a file
/// name and a log line, and never mistaken for a provider's numeric task id.
fn check_client_reference(reference: &str) -> Result<(), VideoError> {
    let invalid = |reason: &str| VideoError::invalid_by("client_reference", Rule::Format, reason);
    if reference.is_empty() || reference.len() > MAX_REFERENCE_CHARS {
        return Err(invalid("must be 1 to 64 characters"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if !reference.chars().all(allowed) {
        return Err(invalid(
            "may only hold A-Z, a-z, 0-9, '-', '_', '.' and ':'",
        ));
    }
    if reference.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(
            "must not be all digits (it could be taken for a task id)",
        ));
    }
    if matches!(reference, "." | "..") {
        return Err(invalid("must not be `.` or `..`"));
    }
    Ok(())
}

fn check_prompt(request: &VideoRequest, capabilities: &Capabilities) -> Result<(), VideoError> {
    if request.prompt.trim().is_empty() {
        return Err(VideoError::invalid_by(
            "prompt",
            Rule::Required,
            "must not be empty or whitespace",
        ));
    }
    check_length("prompt", &request.prompt, capabilities.max_prompt_chars)
}

fn check_negative_prompt(
    request: &VideoRequest,
    capabilities: &Capabilities,
) -> Result<(), VideoError> {
    match request.negative_prompt.as_deref() {
        None | Some("") => Ok(()),
        Some(_) if capabilities.max_negative_prompt_chars == 0 => Err(VideoError::unsupported(
            "negative_prompt",
            "is not supported by this provider",
        )),
        Some(text) => check_length(
            "negative_prompt",
            text,
            capabilities.max_negative_prompt_chars,
        ),
    }
}

fn check_length(field: &str, text: &str, max_chars: usize) -> Result<(), VideoError> {
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(VideoError::invalid_by(
            field,
            Rule::TooLong {
                max: max_chars as u64,
            },
            format!("must be at most {max_chars} characters (got {chars})"),
        ));
    }
    Ok(())
}

/// `empty_means_any`: an empty list accepts every value (durations, ratios) or none (qualities).
fn check_listed<T: PartialEq + Display>(
    field: &str,
    value: &T,
    allowed: &[T],
    empty_means_any: bool,
) -> Result<(), VideoError> {
    if allowed.contains(value) || (allowed.is_empty() && empty_means_any) {
        return Ok(());
    }
    if allowed.is_empty() {
        return Err(VideoError::unsupported(
            field,
            "is not supported by this provider",
        ));
    }
    let list: Vec<String> = allowed.iter().map(ToString::to_string).collect();
    let reason = format!("must be one of {} (got {value})", list.join(", "));
    Err(VideoError::invalid_by(
        field,
        Rule::OneOf { allowed: list },
        reason,
    ))
}

fn check_callback_url(raw: &str, capabilities: &Capabilities) -> Result<(), VideoError> {
    if !capabilities.callbacks {
        return Err(VideoError::unsupported(
            "callback_url",
            "is not supported by this provider",
        ));
    }
    let parsed = url::Url::parse(raw).map_err(|error| {
        VideoError::invalid_by(
            "callback_url",
            Rule::Format,
            format!("must be an absolute URL ({error})"),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(VideoError::invalid_by(
            "callback_url",
            Rule::Format,
            "must be an absolute http or https URL with a host",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{AspectRatio, Quality, Sound};

    /// A provider with typical limits (2,500-character prompts, 5 or 10 s, three ratios).
    fn kling_like() -> Capabilities {
        let ratios = [(16, 9), (9, 16), (1, 1)].map(|(w, h)| AspectRatio::new(w, h));
        let mut caps = Capabilities::new(2500).with_negative_prompt(2500);
        caps = caps.with_durations([5, 10]).with_aspect_ratios(ratios);
        caps.with_qualities([Quality::Standard, Quality::High])
            .with_sound(true)
            .with_callbacks(true)
    }

    fn field_of(result: Result<(), VideoError>) -> String {
        match result {
            Err(VideoError::InvalidRequest { field, .. }) => field,
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    fn check(request: VideoRequest) -> Result<(), VideoError> {
        validate(&request, &kling_like())
    }

    #[test]
    fn client_references_are_safe_and_not_task_ids() {
        let with = |reference: &str| {
            check(
                VideoRequest::builder("a fox")
                    .client_reference(reference)
                    .build(),
            )
        };
        assert!(with("order-2026-000126").is_ok());
        assert!(with(&crate::new_client_reference()).is_ok());
        for bad in [
            "",
            "123456789",
            "../../x",
            "a b",
            "ü",
            "..",
            &"x".repeat(65),
        ] {
            assert_eq!(field_of(with(bad)), "client_reference", "{bad:?}");
        }
    }

    #[test]
    fn a_full_valid_request_passes() {
        let request = VideoRequest::builder("a fox")
            .negative_prompt("blur")
            .quality(Quality::High)
            .aspect_ratio(AspectRatio::SQUARE_1_1)
            .duration_secs(10)
            .sound(Sound::On)
            .callback_url("https://example.com/hook?token=x")
            .build();
        assert!(check(request).is_ok());
    }

    #[test]
    fn empty_and_whitespace_prompts_are_rejected() {
        assert_eq!(field_of(check(VideoRequest::new(""))), "prompt");
        assert_eq!(field_of(check(VideoRequest::new(" \n\t　"))), "prompt");
    }

    #[test]
    fn prompt_limit_counts_characters_not_bytes() {
        let at_limit = "狐".repeat(2500);
        assert!(at_limit.len() > 2500);
        assert!(check(VideoRequest::new(at_limit)).is_ok());
        let over = "狐".repeat(2501);
        let error = check(VideoRequest::new(over)).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("at most 2500 characters (got 2501)")
        );
    }

    #[test]
    fn negative_prompt_limit_counts_characters() {
        let ok = VideoRequest::builder("fox")
            .negative_prompt("模".repeat(2500))
            .build();
        assert!(check(ok).is_ok());
        let over = VideoRequest::builder("fox")
            .negative_prompt("模".repeat(2501))
            .build();
        assert_eq!(field_of(check(over)), "negative_prompt");
        let unsupported = VideoRequest::builder("fox").negative_prompt("blur").build();
        assert_eq!(
            field_of(validate(&unsupported, &Capabilities::new(10))),
            "negative_prompt"
        );
    }

    #[test]
    fn unsupported_duration_names_the_allowed_values() {
        let error = check(VideoRequest::builder("fox").duration_secs(7).build()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid request: `duration_secs` must be one of 5, 10 (got 7)"
        );
    }

    #[test]
    fn unsupported_ratio_is_rejected() {
        let request = VideoRequest::builder("fox")
            .aspect_ratio(AspectRatio::new(4, 3))
            .build();
        assert_eq!(field_of(check(request)), "aspect_ratio");
    }

    #[test]
    fn unsupported_quality_and_sound_are_rejected() {
        let caps = Capabilities::new(100);
        let quality = VideoRequest::builder("fox").quality(Quality::High).build();
        assert_eq!(field_of(validate(&quality, &caps)), "quality");
        let sound = VideoRequest::builder("fox").sound(Sound::Off).build();
        assert_eq!(field_of(validate(&sound, &caps)), "sound");
        let only_std = Capabilities::new(100).with_qualities([Quality::Standard]);
        assert_eq!(field_of(validate(&quality, &only_std)), "quality");
    }

    #[test]
    fn callback_url_must_be_absolute_http() {
        for bad in [
            "/hooks/video",
            "ftp://example.com/x",
            "example.com/hook",
            "https://",
            "mailto:a@b.c",
        ] {
            let request = VideoRequest::builder("fox").callback_url(bad).build();
            assert_eq!(field_of(check(request)), "callback_url", "{bad} accepted");
        }
        let plain_http = VideoRequest::builder("fox")
            .callback_url("http://127.0.0.1:9000/hook")
            .build();
        assert!(check(plain_http.clone()).is_ok());
        assert_eq!(
            field_of(validate(&plain_http, &Capabilities::new(100))),
            "callback_url"
        );
    }

    #[test]
    fn duration_ranges_resolutions_and_seeds_are_checked_with_their_rule() {
        let caps = Capabilities::new(100)
            .with_duration_range(2, 15)
            .with_resolutions([crate::Resolution::P720, crate::Resolution::P1080])
            .with_seed(4_294_967_295);
        let ok = VideoRequest::builder("fox")
            .duration_secs(15)
            .resolution(crate::Resolution::P1080)
            .seed(7)
            .build();
        assert!(validate(&ok, &caps).is_ok());
        let long = VideoRequest::builder("fox").duration_secs(16).build();
        let error = validate(&long, &caps).unwrap_err();
        assert_eq!(error.rule(), Some(&Rule::Range { min: 2, max: 15 }));
        assert!(
            error.to_string().contains("from 2 to 15 seconds (got 16)"),
            "{error}"
        );
        let res = VideoRequest::builder("fox")
            .resolution(crate::Resolution::K4)
            .build();
        let error = validate(&res, &caps).unwrap_err();
        assert_eq!(
            error.rule(),
            Some(&Rule::OneOf {
                allowed: vec!["720p".into(), "1080p".into()]
            })
        );
        let seed = VideoRequest::builder("fox").seed(1 << 40).build();
        assert_eq!(field_of(validate(&seed, &caps)), "seed");
        let unsupported = VideoRequest::builder("fox").seed(1).build();
        let error = validate(&unsupported, &Capabilities::new(100)).unwrap_err();
        assert_eq!(error.rule(), Some(&Rule::Unsupported));
        let res = VideoRequest::builder("fox")
            .resolution(crate::Resolution::P720)
            .build();
        assert_eq!(
            field_of(validate(&res, &Capabilities::new(100))),
            "resolution"
        );
    }

    #[test]
    fn empty_lists_accept_any_duration_and_ratio() {
        let request = VideoRequest::builder("fox")
            .duration_secs(8)
            .aspect_ratio(AspectRatio::new(21, 9))
            .build();
        assert!(validate(&request, &Capabilities::new(100)).is_ok());
    }
}
