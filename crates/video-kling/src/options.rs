//! Kling's own request options, typed: `cfg_scale`, `camera_control`, voices and the
//! watermark. They travel in [`video_core::VideoRequest::extra`] under Kling's names, so a
//! request stays provider-neutral; [`KlingRequestExt`] writes them, and the client checks
//! them against the model before anything is sent.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Value, json};
use video_core::{VideoError, VideoRequestBuilder};

/// A camera movement (`camera_control`): one of Kling's presets, or a `simple` move along
/// exactly one axis. Kling accepts it on `kling-v1` (standard quality, 5 s) only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CameraControl {
    /// The movement.
    #[serde(rename = "type")]
    pub kind: CameraMove,
    /// The axes of a `simple` move (absent for the presets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<CameraConfig>,
}

/// Kling's camera movements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CameraMove {
    /// One axis, given in [`CameraConfig`].
    Simple,
    /// Pan down and zoom out.
    DownBack,
    /// Zoom in and pan up.
    ForwardUp,
    /// Turn right, then forward.
    RightTurnForward,
    /// Turn left, then forward.
    LeftTurnForward,
}

/// The six axes of a `simple` move, each in [−10, 10]; exactly one is non-zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CameraConfig {
    /// Translation along x (− left, + right).
    #[serde(serialize_with = "whole_as_integer", default)]
    pub horizontal: f64,
    /// Translation along y (− down, + up).
    #[serde(serialize_with = "whole_as_integer", default)]
    pub vertical: f64,
    /// Rotation about x (− down, + up).
    #[serde(serialize_with = "whole_as_integer", default)]
    pub pan: f64,
    /// Rotation about y (− left, + right).
    #[serde(serialize_with = "whole_as_integer", default)]
    pub tilt: f64,
    /// Rotation about z (− counter-clockwise, + clockwise).
    #[serde(serialize_with = "whole_as_integer", default)]
    pub roll: f64,
    /// Field of view (− narrower, + wider).
    #[serde(serialize_with = "whole_as_integer", default)]
    pub zoom: f64,
}

/// The axis of a `simple` move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CameraAxis {
    /// x translation.
    Horizontal,
    /// y translation.
    Vertical,
    /// Rotation about x.
    Pan,
    /// Rotation about y.
    Tilt,
    /// Rotation about z.
    Roll,
    /// Field of view.
    Zoom,
}

/// Whole numbers as JSON integers (`5`, as Kling's examples write them), others as floats.
fn whole_as_integer<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

impl CameraControl {
    /// A `simple` move of `amount` (in [−10, 10]) along `axis`.
    pub fn simple(axis: CameraAxis, amount: f64) -> Self {
        let mut config = CameraConfig::default();
        *match axis {
            CameraAxis::Horizontal => &mut config.horizontal,
            CameraAxis::Vertical => &mut config.vertical,
            CameraAxis::Pan => &mut config.pan,
            CameraAxis::Tilt => &mut config.tilt,
            CameraAxis::Roll => &mut config.roll,
            CameraAxis::Zoom => &mut config.zoom,
        } = amount;
        Self {
            kind: CameraMove::Simple,
            config: Some(config),
        }
    }

    /// One of the preset moves (any but [`CameraMove::Simple`]).
    pub fn preset(kind: CameraMove) -> Self {
        Self { kind, config: None }
    }

    /// Kling's rules: `simple` has a config with exactly one non-zero axis, every axis in
    /// [−10, 10]; the presets have none.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] (field `camera_control`) naming the rule.
    pub fn check(&self) -> Result<(), VideoError> {
        let invalid = |reason: &str| VideoError::invalid("camera_control", reason);
        match (&self.kind, &self.config) {
            (CameraMove::Simple, None) => Err(invalid("a simple move needs its config")),
            (CameraMove::Simple, Some(config)) => {
                let axes = [
                    config.horizontal,
                    config.vertical,
                    config.pan,
                    config.tilt,
                    config.roll,
                    config.zoom,
                ];
                if axes
                    .iter()
                    .any(|a| !a.is_finite() || !(-10.0..=10.0).contains(a))
                {
                    return Err(invalid("every axis must be between -10 and 10"));
                }
                if axes.iter().filter(|a| **a != 0.0).count() != 1 {
                    return Err(invalid("a simple move sets exactly one non-zero axis"));
                }
                Ok(())
            }
            (_, Some(_)) => Err(invalid("only a simple move takes a config")),
            (_, None) => Ok(()),
        }
    }
}

/// Kling's options on a [`VideoRequestBuilder`].
///
/// ```
/// use video_core::VideoRequest;
/// use video_kling::{CameraAxis, CameraControl, KlingRequestExt};
///
/// let request = VideoRequest::builder("a lighthouse on a cliff at dusk")
///     .cfg_scale(0.5)
///     .camera_control(CameraControl::simple(CameraAxis::Zoom, 5.0))
///     .watermark(false)
///     .build();
/// assert_eq!(request.extra["cfg_scale"], 0.5);
/// assert_eq!(request.extra["camera_control"]["config"]["zoom"], 5);
/// ```
pub trait KlingRequestExt: Sized {
    /// How closely to follow the prompt, in [0, 1] (Kling's default 0.5; not on v2.x models).
    #[must_use]
    fn cfg_scale(self, scale: f64) -> Self;
    /// A camera movement.
    #[must_use]
    fn camera_control(self, camera: CameraControl) -> Self;
    /// Up to two voices (image-to-video on v2.6+, with sound on); refer to them in the
    /// prompt as `<<<voice_1>>>` and `<<<voice_2>>>`.
    #[must_use]
    fn voices<S: Into<String>>(self, ids: impl IntoIterator<Item = S>) -> Self;
    /// Also produce a watermarked copy (`watermark_url`).
    #[must_use]
    fn watermark(self, enabled: bool) -> Self;
}

impl KlingRequestExt for VideoRequestBuilder {
    fn cfg_scale(self, scale: f64) -> Self {
        self.extra("cfg_scale", json!(scale))
    }

    fn camera_control(self, camera: CameraControl) -> Self {
        let value = serde_json::to_value(&camera).unwrap_or(Value::Null);
        self.extra("camera_control", value)
    }

    fn voices<S: Into<String>>(self, ids: impl IntoIterator<Item = S>) -> Self {
        let list: Vec<Value> = ids
            .into_iter()
            .map(|id| json!({ "voice_id": id.into() }))
            .collect();
        self.extra("voice_list", Value::Array(list))
    }

    fn watermark(self, enabled: bool) -> Self {
        self.extra("watermark_info", json!({ "enabled": enabled }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_moves_serialise_like_kling_and_are_checked() {
        let zoom = CameraControl::simple(CameraAxis::Zoom, 5.0);
        assert_eq!(
            serde_json::to_value(&zoom).unwrap(),
            json!({"type": "simple", "config": {"horizontal": 0, "vertical": 0, "pan": 0, "tilt": 0, "roll": 0, "zoom": 5}})
        );
        assert!(zoom.check().is_ok());
        assert!(
            CameraControl::simple(CameraAxis::Pan, 11.0)
                .check()
                .is_err()
        );
        assert!(CameraControl::simple(CameraAxis::Pan, 0.0).check().is_err());
        assert!(CameraControl::preset(CameraMove::DownBack).check().is_ok());
        let preset_with_config = CameraControl {
            kind: CameraMove::ForwardUp,
            config: Some(CameraConfig::default()),
        };
        assert!(preset_with_config.check().is_err());
        let half = CameraControl::simple(CameraAxis::Roll, -2.5);
        assert_eq!(serde_json::to_value(&half).unwrap()["config"]["roll"], -2.5);
    }
}
