//! A submitted task and what is known about it: [`TaskId`], [`Task`], [`TaskStatus`], [`Video`].

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// A provider's id for a submitted task, with the route the provider needs to find it again.
///
/// The id is the provider's own, shown as-is (users paste it into dashboards and support
/// tickets); never parse it. The route is set by providers whose API finds tasks of different
/// modes in different places (a query model per mode, a path per mode): it travels with the
/// id through the journal, so any later process queries the task the right way. A provider
/// given an id without a route (typed by a user) finds the task by trying each route.
///
/// `Display` shows the raw id; serde writes a plain string when there is no route, else
/// `{"id": ..., "route": ...}`, and reads both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId {
    id: String,
    route: Option<String>,
}

impl TaskId {
    /// Wraps a provider's id (no route).
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            route: None,
        }
    }

    /// The same id with the provider's route (e.g. `image2video`).
    #[must_use]
    pub fn with_route(mut self, route: impl Into<String>) -> Self {
        self.route = Some(route.into());
        self
    }

    /// The raw id as text, exactly as the provider sent it.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The route the provider recorded for this task, if any.
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    /// Whether two ids name the same raw task id (routes aside).
    pub fn same_raw_id(&self, other: &TaskId) -> bool {
        self.id == other.id
    }

    /// The longest id, in bytes, [`is_well_formed`](Self::is_well_formed) accepts.
    pub const MAX_LEN: usize = 256;

    /// Whether the id is safe to store, print and send back: 1 to [`MAX_LEN`](Self::MAX_LEN)
    /// bytes, no control characters, no leading or trailing whitespace. Providers check the
    /// ids servers hand out with it; an id that fails is a protocol error, not a task.
    pub fn is_well_formed(&self) -> bool {
        let id = self.id.as_str();
        !id.is_empty()
            && id.len() <= Self::MAX_LEN
            && id.trim() == id
            && !id.chars().any(char::is_control)
    }

    /// A file name stem made from the id that is safe on every file system: ASCII letters,
    /// digits, `-`, `_` and `.` are kept (no leading `.`), anything else becomes `_`; when
    /// anything was changed, or the id is long, a hash of the whole id is appended so two
    /// ids never share a stem.
    ///
    /// ```
    /// use video_core::TaskId;
    /// assert_eq!(TaskId::new("840242793980637239").file_stem(), "840242793980637239");
    /// let hostile = TaskId::new("../../etc/passwd").file_stem();
    /// assert!(!hostile.contains('/') && !hostile.starts_with('.'));
    /// ```
    pub fn file_stem(&self) -> String {
        const KEEP: usize = 64;
        let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        let mut stem: String = self
            .id
            .chars()
            .take(KEEP)
            .map(|c| if safe(c) { c } else { '_' })
            .collect();
        while stem.starts_with('.') {
            stem.replace_range(..1, "_");
        }
        if stem.is_empty() || stem != self.id {
            let hash = self
                .id
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
                });
            stem.push_str(&format!("-{hash:016x}"));
        }
        stem
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl From<String> for TaskId {
    fn from(id: String) -> Self {
        Self::new(id)
    }
}

impl From<&str> for TaskId {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl AsRef<str> for TaskId {
    fn as_ref(&self) -> &str {
        &self.id
    }
}

/// The two shapes a [`TaskId`] is stored in.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StoredTaskId {
    Plain(String),
    Routed { id: String, route: Option<String> },
}

impl Serialize for TaskId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.route {
            None => s.serialize_str(&self.id),
            Some(route) => StoredTaskId::Routed {
                id: self.id.clone(),
                route: Some(route.clone()),
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for TaskId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StoredTaskId::deserialize(d)? {
            StoredTaskId::Plain(id) => Self::new(id),
            StoredTaskId::Routed { id, route } => Self { id, route },
        })
    }
}

/// Where a task is in its life.
///
/// Providers map their own statuses onto these and keep the original in
/// [`Task::raw_status`]: queued, pending, preparing and throttled (accepted, waiting for a
/// slot) are [`Submitted`](Self::Submitted); running and in progress are
/// [`Processing`](Self::Processing); cancelled is [`Failed`](Self::Failed) (with a message
/// saying so); a finished task whose every output was filtered by a content policy is
/// [`Failed`](Self::Failed), never [`Succeeded`](Self::Succeeded) without videos.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TaskStatus {
    /// Accepted, not started.
    Submitted,
    /// Rendering.
    Processing,
    /// Finished; the videos are ready.
    Succeeded,
    /// Finished without a video; see [`Task::status_message`].
    Failed,
    /// A status this SDK does not know, kept as the provider sent it. Treated as not finished.
    Unknown(String),
}

impl TaskStatus {
    /// True for [`Succeeded`](Self::Succeeded) and [`Failed`](Self::Failed): the task will not
    /// change again.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Submitted => f.write_str("submitted"),
            Self::Processing => f.write_str("processing"),
            Self::Succeeded => f.write_str("succeeded"),
            Self::Failed => f.write_str("failed"),
            Self::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

/// A snapshot of a task, as the provider last reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// The provider's id.
    pub id: TaskId,
    /// Normalised status.
    pub status: TaskStatus,
    /// The provider's explanation, e.g. why a task failed. `None` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// How far along the task is, in percent (0–100), when the provider reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    /// The finished videos (empty until the task succeeds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
    /// When the provider created the task.
    #[serde(default, with = "unix_millis", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<SystemTime>,
    /// When the provider last changed the task.
    #[serde(default, with = "unix_millis", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<SystemTime>,
    /// Billing figures, when the provider reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The status text exactly as the provider sent it (e.g. `succeed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_status: Option<String>,
    /// The provider's id for the HTTP exchange that produced this snapshot (for support tickets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The caller's own reference for the task, when the provider echoes one (Kling:
    /// `external_task_id`).
    #[serde(
        default,
        alias = "external_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_reference: Option<String>,
}

impl Task {
    /// A snapshot with an id and a status; every other field empty.
    pub fn new(id: impl Into<TaskId>, status: TaskStatus) -> Self {
        Self {
            id: id.into(),
            status,
            status_message: None,
            progress: None,
            videos: Vec::new(),
            created_at: None,
            updated_at: None,
            usage: None,
            raw_status: None,
            request_id: None,
            client_reference: None,
        }
    }

    /// True when the task will not change again.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }

    /// Sets the progress from a fraction or a percentage as the provider writes it: values
    /// up to 1.0 are read as a fraction when `fraction` is set, anything else as percent;
    /// the result is clamped to 0–100 (NaN is ignored).
    pub fn set_progress(&mut self, value: f64, fraction: bool) {
        if value.is_nan() {
            return;
        }
        let percent = if fraction { value * 100.0 } else { value };
        self.progress = Some(percent.clamp(0.0, 100.0).round() as u8);
    }
}

/// Where a finished video's bytes are, in the provider's own terms. Only the provider's
/// [`download`](crate::VideoProvider::download) turns a locator into bytes, fetching a fresh
/// link at that moment when its API works that way, so nothing journaled or queued goes
/// stale.
///
/// Serialised as `{"url": ...}` or `{"provider": ...}`; a plain string (what journals of
/// earlier versions hold) reads as a URL. `Debug` shows URLs without their query strings.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Locator {
    /// A link anyone holding it can fetch, often signed: treat it as a credential.
    Url(String),
    /// A reference only the provider resolves: an authenticated content endpoint, or a file
    /// id whose short-lived link is minted at download time. The text is the provider's own
    /// (e.g. `content/video_123`, `file/176844028768320`); never parse another provider's.
    Provider(String),
}

impl Locator {
    /// The URL, when the locator is one.
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::Url(url) => Some(url),
            Self::Provider(_) => None,
        }
    }

    /// The provider's reference, when the locator is one.
    pub fn provider_ref(&self) -> Option<&str> {
        match self {
            Self::Provider(reference) => Some(reference),
            Self::Url(_) => None,
        }
    }

    /// Safe to log and print: a URL's scheme and host only; a provider reference as
    /// `provider:<reference>` with control characters escaped.
    pub fn for_logs(&self) -> String {
        match self {
            Self::Url(url) => redact_url(url),
            Self::Provider(reference) => format!("provider:{}", reference.escape_debug()),
        }
    }
}

impl fmt::Debug for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(url) => f.debug_tuple("Url").field(&redact_url(url)).finish(),
            Self::Provider(reference) => f.debug_tuple("Provider").field(reference).finish(),
        }
    }
}

/// The two shapes a [`Locator`] is stored in, plus the plain string of older journals.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StoredLocator {
    Plain(String),
    Url { url: String },
    Provider { provider: String },
}

impl Serialize for Locator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Url(url) => StoredLocator::Url { url: url.clone() },
            Self::Provider(reference) => StoredLocator::Provider {
                provider: reference.clone(),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Locator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StoredLocator::deserialize(d)? {
            StoredLocator::Plain(url) | StoredLocator::Url { url } => Self::Url(url),
            StoredLocator::Provider { provider } => Self::Provider(provider),
        })
    }
}

/// A finished video: where it is ([`Locator`]), until when that works, and what the provider
/// says about it. Its `Debug` shows URLs without their query strings.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Video {
    /// The provider's id for the video, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the bytes are (read as `url` from journals of earlier versions).
    #[serde(alias = "url")]
    pub locator: Locator,
    /// When the locator stops working, when the provider says.
    #[serde(default, with = "unix_millis", skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<SystemTime>,
    /// The same video with a watermark, when the provider offers one.
    #[serde(
        default,
        alias = "watermark_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub watermarked: Option<Locator>,
    /// A still image of the video (a thumbnail or cover), when the provider offers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster: Option<Locator>,
    /// Length in seconds, as measured by the provider (e.g. `5.041`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
}

impl Video {
    /// A video at `url`; every other field empty.
    pub fn new(url: impl Into<String>) -> Self {
        Self::at(Locator::Url(url.into()))
    }

    /// A video at `locator`; every other field empty.
    pub fn at(locator: Locator) -> Self {
        Self {
            id: None,
            locator,
            expires_at: None,
            watermarked: None,
            poster: None,
            duration_secs: None,
        }
    }

    /// The URL, when the video's locator is one.
    pub fn url(&self) -> Option<&str> {
        self.locator.url()
    }

    /// The locator, safe to log (see [`Locator::for_logs`]).
    pub fn url_for_logs(&self) -> String {
        self.locator.for_logs()
    }

    /// Whether the provider said the locator stops working before `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|expires| expires <= now)
    }
}

impl fmt::Debug for Video {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Video")
            .field("id", &self.id)
            .field("locator", &self.locator)
            .field("expires_at", &self.expires_at)
            .field("watermarked", &self.watermarked)
            .field("poster", &self.poster)
            .field("duration_secs", &self.duration_secs)
            .finish()
    }
}

/// Reduces a URL to `scheme://host[:port]/…` so it can be logged without its signature.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{}://{host}:{port}/…", parsed.scheme()),
            (Some(host), None) => format!("{}://{host}/…", parsed.scheme()),
            (None, _) => format!("{}:…", parsed.scheme()),
        },
        Err(_) => "<unparseable url>".to_owned(),
    }
}

/// A time as readable UTC text, e.g. `Fri, 27 Nov 2026 17:16:08 GMT` (for messages).
pub(crate) fn utc_text(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// What a task cost, as the provider reports it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Billing tokens counted by the provider or a relay.
    #[serde(
        default,
        alias = "total_tokens",
        skip_serializing_if = "Option::is_none"
    )]
    pub tokens: Option<u64>,
    /// The amount charged, in the provider's own billing units, as it wrote it (e.g. `"1"`).
    #[serde(
        default,
        alias = "units_deducted",
        skip_serializing_if = "Option::is_none"
    )]
    pub charged: Option<String>,
}

impl Usage {
    /// Usage with both figures given.
    pub fn new(tokens: Option<u64>, charged: Option<String>) -> Self {
        Self { tokens, charged }
    }
}

/// Serde helpers for `Option<SystemTime>` as Unix milliseconds.
pub mod unix_millis {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use serde::{Deserialize, Deserializer, Serializer};

    /// Converts Unix milliseconds to a time.
    pub fn from_millis(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    /// Converts a time to Unix milliseconds (times before 1970 become 0).
    pub fn to_millis(time: SystemTime) -> u64 {
        let millis = time
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        u64::try_from(millis).unwrap_or(u64::MAX)
    }

    /// Serialises as a number of milliseconds, or `null`.
    pub fn serialize<S: Serializer>(value: &Option<SystemTime>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(time) => s.serialize_u64(to_millis(*time)),
            None => s.serialize_none(),
        }
    }

    /// Reads a number of milliseconds, or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(from_millis))
    }

    /// The same for a `SystemTime` that is always present.
    pub mod required {
        use std::time::SystemTime;

        use serde::{Deserialize, Deserializer, Serializer};

        /// Serialises as a number of milliseconds.
        pub fn serialize<S: Serializer>(value: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_u64(super::to_millis(*value))
        }

        /// Reads a number of milliseconds.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
            Ok(super::from_millis(u64::deserialize(d)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_serialises_times_as_unix_millis_and_round_trips() {
        let mut task = Task::new("840242793980637239", TaskStatus::Succeeded);
        task.created_at = Some(unix_millis::from_millis(1_768_358_011_822));
        task.videos
            .push(Video::new("https://cdn.example/v.mp4?sig=1"));
        task.raw_status = Some("succeed".into());
        let value = serde_json::to_value(&task).unwrap();
        assert_eq!(value["created_at"], 1_768_358_011_822_u64);
        assert_eq!(value["id"], "840242793980637239");
        let back: Task = serde_json::from_value(value).unwrap();
        assert_eq!(back, task);
    }

    #[test]
    fn ids_are_checked_and_file_stems_are_safe() {
        assert!(TaskId::new("840242793980637239").is_well_formed());
        assert!(
            TaskId::new("../../x").is_well_formed(),
            "printable; encoded for paths"
        );
        for bad in ["", " 1", "1\n", "a\u{1b}[2Jb", &"9".repeat(257)] {
            assert!(!TaskId::new(bad).is_well_formed(), "{bad:?}");
        }
        for hostile in [
            "../../x",
            "/etc/passwd",
            "..",
            ".",
            "a\\b",
            "\u{1b}[31mred",
            "CON",
        ] {
            let stem = TaskId::new(hostile).file_stem();
            assert!(
                !stem.contains(['/', '\\']) && !stem.starts_with('.'),
                "{stem}"
            );
            assert!(stem.chars().all(|c| c.is_ascii_graphic()), "{stem}");
        }
        assert_ne!(
            TaskId::new("a/b").file_stem(),
            TaskId::new("a?b").file_stem()
        );
        assert_eq!(TaskId::new("task-1.v2").file_stem(), "task-1.v2");
    }

    #[test]
    fn ids_keep_their_route_and_read_the_old_plain_form() {
        let plain: TaskId = serde_json::from_str("\"840\"").unwrap();
        assert_eq!(plain, TaskId::new("840"));
        assert_eq!(serde_json::to_string(&plain).unwrap(), "\"840\"");
        let routed = TaskId::new("840").with_route("image2video");
        let text = serde_json::to_string(&routed).unwrap();
        assert_eq!(text, r#"{"id":"840","route":"image2video"}"#);
        assert_eq!(serde_json::from_str::<TaskId>(&text).unwrap(), routed);
        assert_eq!(routed.to_string(), "840", "Display is the raw id");
        assert!(routed.same_raw_id(&plain) && routed != plain);
    }

    #[test]
    fn videos_of_older_journals_read_and_locators_round_trip() {
        let old = serde_json::json!({"url": "https://cdn.example/v.mp4?sig=1",
            "watermark_url": "https://cdn.example/w.mp4", "duration_secs": 5.0});
        let video: Video = serde_json::from_value(old).unwrap();
        assert_eq!(video.url(), Some("https://cdn.example/v.mp4?sig=1"));
        assert_eq!(
            video.watermarked,
            Some(Locator::Url("https://cdn.example/w.mp4".into()))
        );
        let mut handle = Video::at(Locator::Provider("file/1768".into()));
        handle.expires_at = Some(unix_millis::from_millis(1_000));
        let value = serde_json::to_value(&handle).unwrap();
        assert_eq!(
            value["locator"],
            serde_json::json!({"provider": "file/1768"})
        );
        assert_eq!(serde_json::from_value::<Video>(value).unwrap(), handle);
        assert!(handle.is_expired_at(unix_millis::from_millis(1_000)));
        assert!(!handle.is_expired_at(unix_millis::from_millis(999)));
        assert_eq!(handle.url_for_logs(), "provider:file/1768");
        assert_eq!(
            Locator::Provider("a\u{1b}[2J".into()).for_logs(),
            "provider:a\\u{1b}[2J"
        );
    }

    #[test]
    fn progress_reads_fractions_and_percentages() {
        let mut task = Task::new("1", TaskStatus::Processing);
        task.set_progress(0.42, true);
        assert_eq!(task.progress, Some(42));
        task.set_progress(87.0, false);
        assert_eq!(task.progress, Some(87));
        task.set_progress(250.0, false);
        assert_eq!(task.progress, Some(100));
        task.set_progress(f64::NAN, false);
        assert_eq!(task.progress, Some(100));
    }

    #[test]
    fn unknown_status_round_trips_and_is_not_terminal() {
        let status = TaskStatus::Unknown("queued".into());
        assert!(!status.is_terminal());
        let text = serde_json::to_string(&status).unwrap();
        assert_eq!(serde_json::from_str::<TaskStatus>(&text).unwrap(), status);
        assert!(TaskStatus::Failed.is_terminal());
    }

    #[test]
    fn redacted_url_keeps_host_and_drops_signature() {
        let video = Video::new("https://v2-fdl.kechuangai.com/ksc2/a.mp4?cacheKey=SECRET&pkey=X");
        let shown = video.url_for_logs();
        assert_eq!(shown, "https://v2-fdl.kechuangai.com/…");
        assert!(!shown.contains("SECRET"));
        assert_eq!(redact_url("not a url"), "<unparseable url>");
        let debug = format!(
            "{:?}",
            Task {
                videos: vec![video],
                ..Task::new("1", TaskStatus::Succeeded)
            }
        );
        assert!(
            !debug.contains("SECRET") && debug.contains("v2-fdl.kechuangai.com"),
            "{debug}"
        );
    }
}
