//! Price rules ([`Price`]) and the estimate they give for a request: per second, per video,
//! or per tier (a resolution, duration, quality or sound setting with its own rate).

use serde::{Deserialize, Serialize};
use video_core::cost::{Estimate, Money, Pricer};
use video_core::{Quality, Resolution, Sound, VideoRequest};

use super::{Catalog, CatalogModel, Route};

/// What a route charges, in `currency` as published (`USD`, `CNY`, `KLING-UNITS`): one of
/// `per_second`, `per_video` or `tiers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Price {
    /// The currency.
    pub currency: String,
    /// A rate per second of video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_second: Option<String>,
    /// A flat price per video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_video: Option<String>,
    /// Rates by tier; the first tier matching the request applies (none: unknown).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
}

/// One tier: the settings it applies to (unset: any) and its rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tier {
    /// A resolution tier (`768p`; an exact size matches by its short side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// A length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// `standard` or `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// Generated audio on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<bool>,
    /// A rate per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_second: Option<String>,
    /// A flat price per video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_video: Option<String>,
}

/// A rate: per second or per video.
enum Rate<'a> {
    Second(&'a str),
    Video(&'a str),
}

fn rate<'a>(
    per_second: Option<&'a String>,
    per_video: Option<&'a String>,
) -> Result<Rate<'a>, String> {
    match (per_second, per_video) {
        (Some(second), None) => Ok(Rate::Second(second)),
        (None, Some(video)) => Ok(Rate::Video(video)),
        _ => Err("needs exactly one of per_second and per_video".into()),
    }
}

impl Price {
    /// Checks the rule: one kind of rate, amounts that parse, known tier settings.
    pub(super) fn check(&self) -> Result<(), String> {
        let amount = |text: &str| self.money(text).map(drop);
        if self.tiers.is_empty() {
            return match rate(self.per_second.as_ref(), self.per_video.as_ref())? {
                Rate::Second(text) | Rate::Video(text) => amount(text),
            };
        }
        if self.per_second.is_some() || self.per_video.is_some() {
            return Err("has tiers and a flat rate: choose one".into());
        }
        for tier in &self.tiers {
            match rate(tier.per_second.as_ref(), tier.per_video.as_ref())? {
                Rate::Second(text) | Rate::Video(text) => amount(text)?,
            }
            if let Some(text) = &tier.resolution {
                text.parse::<Resolution>().map_err(|e| e.to_string())?;
            }
            if let Some(quality) = &tier.quality
                && !matches!(quality.as_str(), "standard" | "high")
            {
                return Err(format!("quality `{quality}` is not standard or high"));
            }
        }
        Ok(())
    }

    fn money(&self, amount: &str) -> Result<Money, String> {
        format!("{amount} {}", self.currency)
            .parse()
            .map_err(|e: video_core::VideoError| e.to_string())
    }

    /// The estimate for `request` (with the model's defaults filled in).
    pub(super) fn estimate(&self, model: &CatalogModel, request: &VideoRequest) -> Estimate {
        let asked = Asked::of(model, request);
        let chosen = if self.tiers.is_empty() {
            rate(self.per_second.as_ref(), self.per_video.as_ref()).ok()
        } else {
            let Some(tier) = self.tiers.iter().find(|tier| asked.matches(tier)) else {
                return Estimate::unknown(format!("no published price for {}", asked.describe()));
            };
            rate(tier.per_second.as_ref(), tier.per_video.as_ref()).ok()
        };
        let Some(chosen) = chosen else {
            return Estimate::unknown("the price rule is malformed");
        };
        self.apply(&chosen, asked.seconds)
    }

    fn apply(&self, chosen: &Rate<'_>, seconds: Option<u32>) -> Estimate {
        let priced = |text: &str| self.money(text).ok();
        match (chosen, seconds) {
            (Rate::Video(text), _) => match priced(text) {
                Some(cost) => Estimate::priced(cost.clone(), format!("{cost} per video")),
                None => Estimate::unknown("the price rule is malformed"),
            },
            (Rate::Second(text), Some(seconds)) => {
                match priced(text).and_then(|rate| rate.times(seconds).map(|cost| (rate, cost))) {
                    Some((rate, cost)) => Estimate::priced(cost, format!("{rate}/s × {seconds} s")),
                    None => Estimate::unknown("the price rule is malformed"),
                }
            }
            (Rate::Second(_), None) => {
                Estimate::unknown("priced per second, and the length is not known")
            }
        }
    }
}

/// What a request asks for, with the model's defaults filled in.
struct Asked {
    seconds: Option<u32>,
    resolution: Option<Resolution>,
    quality: Option<Quality>,
    sound: Option<bool>,
}

impl Asked {
    fn of(model: &CatalogModel, request: &VideoRequest) -> Self {
        let default_resolution = model
            .default_resolution
            .as_deref()
            .and_then(|text| text.parse().ok());
        Self {
            seconds: request.duration_secs.or(model.default_duration),
            resolution: request.resolution.or(default_resolution),
            quality: request.quality,
            sound: request.sound.map(|sound| sound == Sound::On),
        }
    }

    fn matches(&self, tier: &Tier) -> bool {
        let resolution = tier.resolution.as_deref().map(str::parse::<Resolution>);
        let resolution_ok = match resolution {
            None => true,
            Some(Ok(wanted)) => self.resolution.is_some_and(|r| r.lines() == wanted.lines()),
            Some(Err(_)) => false,
        };
        let quality_ok = tier.quality.as_deref().is_none_or(|wanted| {
            self.quality
                .is_some_and(|quality| quality.to_string() == wanted)
        });
        resolution_ok
            && quality_ok
            && tier.duration.is_none_or(|d| self.seconds == Some(d))
            && tier.sound.is_none_or(|s| self.sound.unwrap_or(true) == s)
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(resolution) = self.resolution {
            parts.push(resolution.to_string());
        }
        if let Some(seconds) = self.seconds {
            parts.push(format!("{seconds} s"));
        }
        if let Some(quality) = self.quality {
            parts.push(quality.to_string());
        }
        if parts.is_empty() {
            "these settings".into()
        } else {
            parts.join(", ")
        }
    }
}

impl Route {
    /// What this route charges for `request` of `model`.
    pub fn estimate(&self, model: &CatalogModel, request: &VideoRequest) -> Estimate {
        match &self.price {
            Some(price) => price.estimate(model, request),
            None => Estimate::unknown(format!(
                "{} publishes no price for {} that this catalog knows (see {})",
                self.provider, self.model, self.source
            )),
        }
    }
}

impl Pricer for Catalog {
    fn estimate(&self, provider: &str, model: Option<&str>, request: &VideoRequest) -> Estimate {
        match self.route_of(provider, model) {
            Some((entry, route)) => route.estimate(entry, request),
            None => Estimate::unknown(format!(
                "the catalog has no route for {provider}{}",
                model.map(|m| format!(" serving {m}")).unwrap_or_default()
            )),
        }
    }
}
