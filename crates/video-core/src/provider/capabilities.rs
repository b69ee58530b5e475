//! [`Capabilities`], [`Durations`] and [`ImageCapabilities`]: what a provider accepts, per
//! mode.

use serde::{Deserialize, Serialize};

use crate::request::{AspectRatio, Quality};
use crate::resolution::Resolution;

/// The durations a provider takes, in whole seconds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Durations {
    /// Any duration (the provider decides).
    #[default]
    Any,
    /// Exactly these.
    OneOf(Vec<u32>),
    /// Any whole number of seconds from `min` to `max`, inclusive.
    Range {
        /// The shortest.
        min: u32,
        /// The longest.
        max: u32,
    },
}

impl Durations {
    /// Whether `seconds` is accepted.
    pub fn accepts(&self, seconds: u32) -> bool {
        match self {
            Self::Any => true,
            Self::OneOf(list) => list.contains(&seconds),
            Self::Range { min, max } => (*min..=*max).contains(&seconds),
        }
    }

    /// Every accepted duration, when there is a finite list (a range is listed in full).
    pub fn listed(&self) -> Option<Vec<u32>> {
        match self {
            Self::Any => None,
            Self::OneOf(list) => Some(list.clone()),
            Self::Range { min, max } => Some((*min..=*max).collect()),
        }
    }
}

impl std::fmt::Display for Durations {
    /// `any`, `5, 10` or `2–15`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Any => f.write_str("any"),
            Self::OneOf(list) => {
                let items: Vec<String> = list.iter().map(ToString::to_string).collect();
                f.write_str(&items.join(", "))
            }
            Self::Range { min, max } => write!(f, "{min}–{max}"),
        }
    }
}

/// What a provider accepts. Construct with [`Capabilities::new`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Accepted durations.
    pub durations: Durations,
    /// Accepted aspect ratios; empty means any.
    pub aspect_ratios: Vec<AspectRatio>,
    /// Accepted resolutions (tiers and/or exact sizes); empty means the option is not
    /// supported.
    pub resolutions: Vec<Resolution>,
    /// Accepted quality tiers; empty means the option is not supported.
    pub qualities: Vec<Quality>,
    /// The largest seed accepted; `None` means seeds are not supported.
    pub max_seed: Option<u64>,
    /// Whether the sound option is supported.
    pub sound: bool,
    /// Whether `callback_url` is supported.
    pub callbacks: bool,
    /// What image-to-video accepts; `None` when the provider does only text-to-video.
    pub image_to_video: Option<ImageCapabilities>,
    /// Longest prompt, in characters (not bytes).
    pub max_prompt_chars: usize,
    /// Longest negative prompt, in characters; 0 means negative prompts are not supported.
    pub max_negative_prompt_chars: usize,
    /// Whether [`VideoProvider::long_wait`](crate::VideoProvider::long_wait) is implemented.
    pub long_wait: bool,
    /// Whether tasks report [`progress`](crate::Task::progress) while rendering.
    pub progress: bool,
    /// Whether the provider sends a request's [client reference](crate::VideoRequest::client_reference)
    /// with the submission and implements [`VideoProvider::find_by_reference`](crate::VideoProvider::find_by_reference): then an
    /// unknown submission outcome can be settled by looking the task up.
    pub lookup_by_reference: bool,
    /// Whether the provider implements [`VideoProvider::find_submitted`](crate::VideoProvider::find_submitted):
    /// an API without client references whose recent tasks can be listed, so a lost reply's
    /// task can be recognised by what was asked (prompt, model, size, length, time). A
    /// lookup that finds nothing proves nothing: such entries stay unresolved.
    pub lookup_by_match: bool,
    /// Whether [`VideoProvider::cancel`](crate::VideoProvider::cancel) stops a task (and its
    /// billing) on this API.
    pub cancel: bool,
}

impl Capabilities {
    /// Capabilities accepting a prompt of up to `max_prompt_chars` characters and no options.
    pub fn new(max_prompt_chars: usize) -> Self {
        Self {
            durations: Durations::Any,
            aspect_ratios: Vec::new(),
            resolutions: Vec::new(),
            qualities: Vec::new(),
            max_seed: None,
            sound: false,
            callbacks: false,
            image_to_video: None,
            max_prompt_chars,
            max_negative_prompt_chars: 0,
            long_wait: false,
            progress: false,
            lookup_by_reference: false,
            lookup_by_match: false,
            cancel: false,
        }
    }

    /// Sets whether lost submissions can be recognised in a listing ([`VideoProvider::find_submitted`](crate::VideoProvider::find_submitted)).
    #[must_use]
    pub fn with_lookup_by_match(mut self, lookup: bool) -> Self {
        self.lookup_by_match = lookup;
        self
    }

    /// Sets whether tasks can be cancelled ([`VideoProvider::cancel`](crate::VideoProvider::cancel)).
    #[must_use]
    pub fn with_cancel(mut self, cancel: bool) -> Self {
        self.cancel = cancel;
        self
    }

    /// Accepts exactly these durations.
    #[must_use]
    pub fn with_durations(mut self, seconds: impl IntoIterator<Item = u32>) -> Self {
        self.durations = Durations::OneOf(seconds.into_iter().collect());
        self
    }

    /// Accepts any whole number of seconds from `min` to `max`.
    #[must_use]
    pub fn with_duration_range(mut self, min: u32, max: u32) -> Self {
        self.durations = Durations::Range { min, max };
        self
    }

    /// Sets the accepted resolutions.
    #[must_use]
    pub fn with_resolutions(mut self, resolutions: impl IntoIterator<Item = Resolution>) -> Self {
        self.resolutions = resolutions.into_iter().collect();
        self
    }

    /// Accepts seeds from 0 to `max`.
    #[must_use]
    pub fn with_seed(mut self, max: u64) -> Self {
        self.max_seed = Some(max);
        self
    }

    /// Sets whether tasks report progress.
    #[must_use]
    pub fn with_progress(mut self, reported: bool) -> Self {
        self.progress = reported;
        self
    }

    /// Sets the accepted aspect ratios.
    #[must_use]
    pub fn with_aspect_ratios(mut self, ratios: impl IntoIterator<Item = AspectRatio>) -> Self {
        self.aspect_ratios = ratios.into_iter().collect();
        self
    }

    /// Sets the accepted quality tiers.
    #[must_use]
    pub fn with_qualities(mut self, qualities: impl IntoIterator<Item = Quality>) -> Self {
        self.qualities = qualities.into_iter().collect();
        self
    }

    /// Allows a negative prompt of up to `max_chars` characters.
    #[must_use]
    pub fn with_negative_prompt(mut self, max_chars: usize) -> Self {
        self.max_negative_prompt_chars = max_chars;
        self
    }

    /// Sets whether the sound option is supported.
    #[must_use]
    pub fn with_sound(mut self, supported: bool) -> Self {
        self.sound = supported;
        self
    }

    /// Sets whether callback URLs are supported.
    #[must_use]
    pub fn with_callbacks(mut self, supported: bool) -> Self {
        self.callbacks = supported;
        self
    }

    /// Offers image-to-video with these limits.
    #[must_use]
    pub fn with_image_to_video(mut self, image: ImageCapabilities) -> Self {
        self.image_to_video = Some(image);
        self
    }

    /// Sets whether the provider can wait for a task in one request.
    #[must_use]
    pub fn with_long_wait(mut self, supported: bool) -> Self {
        self.long_wait = supported;
        self
    }

    /// Sets whether the provider sends client references and finds tasks by them.
    #[must_use]
    pub fn with_lookup_by_reference(mut self, supported: bool) -> Self {
        self.lookup_by_reference = supported;
        self
    }
}

/// What a provider's image-to-video accepts: which image forms, a last frame, and the
/// limits it documents. Construct with [`ImageCapabilities::urls`] or
/// [`ImageCapabilities::inline`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageCapabilities {
    /// Images given as `http(s)` URLs the provider fetches.
    pub urls: bool,
    /// Images given as bytes (sent inline).
    pub inline: bool,
    /// A last frame besides the first.
    pub last_frame: bool,
    /// Accepted media types of inline images (e.g. `image/png`); empty means any image.
    pub media_types: Vec<String>,
    /// The largest inline image, in bytes.
    pub max_bytes: Option<u64>,
    /// The shortest side an inline image may have, in pixels.
    pub min_side_px: Option<u64>,
    /// The most elongated inline image accepted: long side over short side (e.g. 2.5).
    pub max_aspect_ratio: Option<f64>,
    /// The quality tiers image-to-video accepts; empty means the same as text-to-video.
    pub qualities: Vec<Quality>,
}

impl ImageCapabilities {
    /// Images as URLs only.
    pub fn urls() -> Self {
        Self {
            urls: true,
            inline: false,
            last_frame: false,
            media_types: Vec::new(),
            max_bytes: None,
            min_side_px: None,
            max_aspect_ratio: None,
            qualities: Vec::new(),
        }
    }

    /// Images as URLs or inline bytes.
    pub fn urls_and_inline() -> Self {
        Self {
            inline: true,
            ..Self::urls()
        }
    }

    /// Sets whether a last frame is accepted.
    #[must_use]
    pub fn with_last_frame(mut self, supported: bool) -> Self {
        self.last_frame = supported;
        self
    }

    /// Sets the accepted media types of inline images.
    #[must_use]
    pub fn with_media_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.media_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the size and shape limits of inline images.
    #[must_use]
    pub fn with_limits(mut self, max_bytes: u64, min_side_px: u64, max_aspect_ratio: f64) -> Self {
        self.max_bytes = Some(max_bytes);
        self.min_side_px = Some(min_side_px);
        self.max_aspect_ratio = Some(max_aspect_ratio);
        self
    }

    /// Sets the quality tiers image-to-video accepts.
    #[must_use]
    pub fn with_qualities(mut self, qualities: impl IntoIterator<Item = Quality>) -> Self {
        self.qualities = qualities.into_iter().collect();
        self
    }
}
