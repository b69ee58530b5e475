//! The task engine every front shares: tasks and their timing, outcomes, counters, the
//! seeded fault generator, callbacks and video downloads.

pub(crate) mod callback;
pub(crate) mod video;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::time::Instant;

use crate::config::FakeRelayConfig;

/// First task id handed out (Kling's ids are 18-digit decimal strings).
const FIRST_TASK_ID: u64 = 850_000_000_000_000_000;

/// A task's stage, as the relay names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Submitted,
    Processing,
    Succeed,
    Failed,
}

impl Stage {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Processing => "processing",
            Self::Succeed => "succeed",
            Self::Failed => "failed",
        }
    }

    pub(crate) fn is_final(self) -> bool {
        matches!(self, Self::Succeed | Self::Failed)
    }
}

/// Text-to-video or image-to-video (Kling's fronts query each kind its own way), or a task
/// of one of the relay's other families (queried by that family's query model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskKind {
    Text,
    Image,
    Relay(crate::dmx::families::RelayFamily),
    /// A task of another API's front (its list shows only its own).
    Api(ApiFront),
}

/// The fronts of APIs not shaped like Kling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiFront {
    OpenAi,
    MiniMax,
    Runway,
}

/// What a front asks the engine to create.
#[derive(Debug, Clone)]
pub(crate) struct NewTask {
    pub(crate) kind: TaskKind,
    pub(crate) fails: bool,
    pub(crate) duration_secs: u64,
    pub(crate) callback_url: Option<String>,
    /// The caller's id for the task (Kling's `external_task_id`), unique among all tasks.
    pub(crate) external_id: Option<String>,
    /// How the front writes the task's number as its id (each front owns its id format).
    pub(crate) id_of: fn(u64) -> String,
    /// What the create asked for, as the front records it (its list shows it back).
    pub(crate) asked: Option<serde_json::Value>,
}

/// Kling's id format: the number in decimal.
pub(crate) fn decimal_id(number: u64) -> String {
    number.to_string()
}

/// One task the relay accepted.
#[derive(Debug, Clone)]
pub(crate) struct FakeTask {
    pub(crate) kind: TaskKind,
    pub(crate) id: String,
    /// The task's number (its id without any configured prefix).
    pub(crate) number: u64,
    pub(crate) started: Instant,
    pub(crate) created_ms: u64,
    pub(crate) fails: bool,
    pub(crate) duration_secs: u64,
    pub(crate) callback_url: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) asked: Option<std::sync::Arc<serde_json::Value>>,
    /// Cancelled by the caller (fronts that can cancel report it).
    pub(crate) cancelled: bool,
}

impl FakeTask {
    /// The stage at `now`: `submitted` for the first tenth of the render, then `processing`.
    pub(crate) fn stage_at(&self, now: Instant, render: Duration) -> Stage {
        let elapsed = now.saturating_duration_since(self.started);
        if elapsed >= render {
            if self.fails {
                Stage::Failed
            } else {
                Stage::Succeed
            }
        } else if elapsed < render / 10 {
            Stage::Submitted
        } else {
            Stage::Processing
        }
    }

    /// When the task reaches `processing` and its final stage.
    pub(crate) fn transitions(&self, render: Duration) -> [(Instant, Stage); 2] {
        let last = if self.fails {
            Stage::Failed
        } else {
            Stage::Succeed
        };
        [
            (self.started + render / 10, Stage::Processing),
            (self.started + render, last),
        ]
    }

    /// Unix ms when the task last changed at `now`.
    pub(crate) fn updated_ms(&self, now: Instant, render: Duration) -> u64 {
        let elapsed = now.saturating_duration_since(self.started).min(render);
        self.created_ms + u64::try_from(elapsed.as_millis()).unwrap_or(0)
    }
}

/// Counters readable by tests ([`crate::FakeRelay::counters`]) and at `GET /debug/counters`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counters {
    /// Submissions that arrived with a valid key.
    pub submissions_received: u64,
    /// Submissions that created a task.
    pub submissions_accepted: u64,
    /// Submissions that created an image-to-video task (also in `submissions_accepted`).
    pub image_submissions: u64,
    /// Query requests (both forms).
    pub queries: u64,
    /// Queries that named the image-to-video query model (also in `queries`).
    pub image_queries: u64,
    /// Streaming query requests.
    pub stream_queries: u64,
    /// Lookups of a task by its external id (Kling front).
    pub lookups: u64,
    /// Task list requests (Kling front).
    pub list_requests: u64,
    /// Requests refused for their credentials (401, any front).
    pub auth_failures: u64,
    /// Video download requests.
    pub downloads: u64,
    /// Callback POSTs attempted.
    pub callbacks_sent: u64,
    /// Faults injected.
    pub faults_injected: u64,
    /// Tasks cancelled while running (fronts that can cancel).
    pub cancels: u64,
    /// Video downloads from the video host that carried a credential header (a client
    /// must not send its key to another origin after a redirect).
    pub downloads_with_credentials: u64,
    /// The most tasks that were running at once (counted as each task is created): what an
    /// account's concurrency limit caps.
    pub max_running: u64,
}

#[derive(Debug, Default)]
pub(crate) struct AtomicCounters {
    pub(crate) submissions_received: AtomicU64,
    pub(crate) submissions_accepted: AtomicU64,
    pub(crate) image_submissions: AtomicU64,
    pub(crate) queries: AtomicU64,
    pub(crate) image_queries: AtomicU64,
    pub(crate) stream_queries: AtomicU64,
    pub(crate) lookups: AtomicU64,
    pub(crate) list_requests: AtomicU64,
    pub(crate) auth_failures: AtomicU64,
    pub(crate) downloads: AtomicU64,
    pub(crate) callbacks_sent: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
    pub(crate) cancels: AtomicU64,
    pub(crate) downloads_with_credentials: AtomicU64,
    pub(crate) max_running: AtomicU64,
}

impl AtomicCounters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Counters {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Counters {
            submissions_received: read(&self.submissions_received),
            submissions_accepted: read(&self.submissions_accepted),
            image_submissions: read(&self.image_submissions),
            queries: read(&self.queries),
            image_queries: read(&self.image_queries),
            stream_queries: read(&self.stream_queries),
            lookups: read(&self.lookups),
            list_requests: read(&self.list_requests),
            auth_failures: read(&self.auth_failures),
            downloads: read(&self.downloads),
            callbacks_sent: read(&self.callbacks_sent),
            faults_injected: read(&self.faults_injected),
            cancels: read(&self.cancels),
            downloads_with_credentials: read(&self.downloads_with_credentials),
            max_running: read(&self.max_running),
        }
    }
}

/// Shared state behind every handler.
#[derive(Debug)]
pub(crate) struct Engine {
    pub(crate) config: FakeRelayConfig,
    pub(crate) base_url: String,
    pub(crate) counters: AtomicCounters,
    tasks: Mutex<HashMap<String, FakeTask>>,
    rng: Mutex<fastrand::Rng>,
    rate_limited: AtomicU64,
    forced_refusals: AtomicU32,
    dropped_creates_left: AtomicU32,
    expired_tokens_left: AtomicU32,
    /// Downloads still to refuse as expired ([`crate::FakeRelay::expire_next_downloads`]).
    expire_next_left: AtomicU32,
    /// The number the next video link gets (each reply mints its own links).
    links_minted: AtomicU64,
    /// When each short-lived link was minted (MiniMax's), by link number.
    short_links: Mutex<HashMap<u64, Instant>>,
    pub(crate) http: reqwest::Client,
    /// The credentials requests carried (for the echo fault and for tests).
    pub(crate) seen: crate::echo::Seen,
}

impl Engine {
    pub(crate) fn new(config: FakeRelayConfig, base_url: String) -> Self {
        let (dropped, expired) = (
            config.faults.dropped_create_replies,
            config.faults.expired_tokens,
        );
        let rng = fastrand::Rng::with_seed(config.seed);
        Self {
            config,
            base_url,
            counters: AtomicCounters::default(),
            tasks: Mutex::new(HashMap::new()),
            rng: Mutex::new(rng),
            rate_limited: AtomicU64::new(0),
            forced_refusals: AtomicU32::new(0),
            dropped_creates_left: AtomicU32::new(dropped),
            expired_tokens_left: AtomicU32::new(expired),
            links_minted: AtomicU64::new(0),
            short_links: Mutex::new(HashMap::new()),
            expire_next_left: AtomicU32::new(0),
            http: callback_client(),
            seen: crate::echo::Seen::default(),
        }
    }

    fn tasks(&self) -> MutexGuard<'_, HashMap<String, FakeTask>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// True with probability `rate` (from the seeded generator); counts injected faults.
    pub(crate) fn roll(&self, rate: f64) -> bool {
        if rate <= 0.0 {
            return false;
        }
        let hit = self
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .f64()
            < rate;
        if hit {
            AtomicCounters::bump(&self.counters.faults_injected);
        }
        hit
    }

    /// Whether the next submission is refused by the configured rate limit.
    pub(crate) fn rate_limit_hit(&self) -> bool {
        let Some(fault) = &self.config.faults.rate_limit else {
            return false;
        };
        let seen = self.rate_limited.fetch_add(1, Ordering::Relaxed);
        if seen < u64::from(fault.first) {
            AtomicCounters::bump(&self.counters.faults_injected);
            return true;
        }
        self.roll(fault.rate)
    }

    /// Refuses the next `count` submissions with 429 + 1303.
    pub(crate) fn refuse_next(&self, count: u32) {
        self.forced_refusals.store(count, Ordering::Relaxed);
    }

    /// Takes one forced refusal, if any are left.
    pub(crate) fn take_forced_refusal(&self) -> bool {
        take_one(&self.forced_refusals)
    }

    /// Tasks not yet finished.
    pub(crate) fn running_tasks(&self) -> usize {
        running_in(&self.tasks(), self.config.render_time)
    }

    /// Creates a task and returns it; `None` when its external id is already taken (checked
    /// and recorded under one lock, so two concurrent creates cannot both win).
    pub(crate) fn create_task(&self, new: NewTask) -> Option<FakeTask> {
        let mut tasks = self.tasks();
        if let Some(external) = &new.external_id
            && tasks
                .values()
                .any(|task| task.external_id.as_ref() == Some(external))
        {
            return None;
        }
        let seq = self
            .counters
            .submissions_accepted
            .fetch_add(1, Ordering::Relaxed);
        let prefix = self.config.faults.task_id_prefix.as_deref().unwrap_or("");
        let task = FakeTask {
            id: format!("{prefix}{}", (new.id_of)(FIRST_TASK_ID + seq)),
            number: FIRST_TASK_ID + seq,
            kind: new.kind,
            started: Instant::now(),
            created_ms: unix_ms_now(),
            fails: new.fails,
            duration_secs: new.duration_secs,
            callback_url: new.callback_url,
            external_id: new.external_id,
            asked: new.asked.map(std::sync::Arc::new),
            cancelled: false,
        };
        tasks.insert(task.id.clone(), task.clone());
        let running = running_in(&tasks, self.config.render_time);
        let running = u64::try_from(running).unwrap_or(u64::MAX);
        self.counters
            .max_running
            .fetch_max(running, Ordering::Relaxed);
        Some(task)
    }

    /// The task of `kind` whose id or external id is `id` (ids first, as Kling documents).
    pub(crate) fn task_by_any_id(&self, kind: TaskKind, id: &str) -> Option<FakeTask> {
        let tasks = self.tasks();
        if let Some(task) = tasks.get(id).filter(|task| task.kind == kind) {
            return Some(task.clone());
        }
        tasks
            .values()
            .find(|task| task.kind == kind && task.external_id.as_deref() == Some(id))
            .cloned()
    }

    /// Tasks of `kind`, newest first: page `page` (from 1) of `size`.
    pub(crate) fn list(&self, kind: TaskKind, page: usize, size: usize) -> Vec<FakeTask> {
        let mut tasks: Vec<FakeTask> = self
            .tasks()
            .values()
            .filter(|task| task.kind == kind)
            .cloned()
            .collect();
        tasks.sort_by_key(|task| std::cmp::Reverse(task.number));
        tasks
            .into_iter()
            .skip(page.saturating_sub(1).saturating_mul(size))
            .take(size)
            .collect()
    }

    /// Takes one scripted dropped create reply, if any are left.
    pub(crate) fn take_dropped_create(&self) -> bool {
        take_one(&self.dropped_creates_left)
    }

    /// Refuses the next `count` downloads as expired.
    pub(crate) fn expire_next(&self, count: u32) {
        self.expire_next_left.store(count, Ordering::SeqCst);
    }

    /// Takes one scripted download expiry, if any are left.
    pub(crate) fn take_expire_next(&self) -> bool {
        let taken = take_one(&self.expire_next_left);
        if taken {
            AtomicCounters::bump(&self.counters.faults_injected);
        }
        taken
    }

    /// A number for a new video link.
    pub(crate) fn mint_link(&self) -> u64 {
        self.links_minted.fetch_add(1, Ordering::Relaxed)
    }

    /// A number for a new short-lived link: it stops working after the configured
    /// [`link_lifetime`](crate::FakeRelayConfig::link_lifetime).
    pub(crate) fn mint_short_link(&self) -> u64 {
        let link = self.mint_link();
        let mut born = self
            .short_links
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if born.len() >= 100_000 {
            born.clear();
        }
        born.insert(link, Instant::now());
        link
    }

    /// Whether a short-lived link has outlived its lifetime.
    fn is_stale_link(&self, link: u64) -> bool {
        let born = self
            .short_links
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        born.get(&link)
            .is_some_and(|at| at.elapsed() >= self.config.link_lifetime)
    }

    /// Whether link number `link` is one of the first ones, which expire (a fault), or a
    /// short-lived one past its lifetime.
    pub(crate) fn is_expired_link(&self, link: Option<u64>) -> bool {
        let dead = link.is_some_and(|link| {
            link < u64::from(self.config.faults.expired_first_links) || self.is_stale_link(link)
        });
        if dead {
            AtomicCounters::bump(&self.counters.faults_injected);
        }
        dead
    }

    /// Takes one scripted token expiry, if any are left.
    pub(crate) fn take_expired_token(&self) -> bool {
        take_one(&self.expired_tokens_left)
    }

    /// The key, when replies echo it.
    pub(crate) fn echoed_key(&self) -> Option<&str> {
        self.config
            .faults
            .echo_key
            .then_some(self.config.key.as_str())
    }

    /// The task with number `number`, whatever its id looks like.
    pub(crate) fn task_by_number(&self, number: u64) -> Option<FakeTask> {
        self.tasks()
            .values()
            .find(|task| task.number == number)
            .cloned()
    }

    pub(crate) fn task(&self, id: &str) -> Option<FakeTask> {
        self.tasks().get(id).cloned()
    }

    /// Cancels task `id` when it has not finished: the task afterwards (`None` for an
    /// unknown id); counts each cancel that took effect.
    pub(crate) fn cancel(&self, id: &str) -> Option<FakeTask> {
        let mut tasks = self.tasks();
        let task = tasks.get_mut(id)?;
        let running = !task
            .stage_at(Instant::now(), self.config.render_time)
            .is_final();
        if running && !task.cancelled {
            task.cancelled = true;
            AtomicCounters::bump(&self.counters.cancels);
        }
        Some(task.clone())
    }

    /// Deletes task `id`; whether it existed.
    pub(crate) fn remove(&self, id: &str) -> bool {
        self.tasks().remove(id).is_some()
    }
}

/// The client callbacks are POSTed with (rustls with `ring`, installed once).
fn callback_client() -> reqwest::Client {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
}

fn unix_ms_now() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(0)
}

/// Decrements `counter` if it is above zero; whether it was.
fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(1)
        })
        .is_ok()
}

/// How many of `tasks` are still rendering (not cancelled, not finished) now.
fn running_in(tasks: &HashMap<String, FakeTask>, render: Duration) -> usize {
    let now = Instant::now();
    tasks
        .values()
        .filter(|t| !t.cancelled && !t.stage_at(now, render).is_final())
        .count()
}
