//! Timing policies: [`PollPolicy`] (how to wait for a task) and [`RetryPolicy`] (how to retry
//! a call), and the seedable jitter both use.

use std::time::Duration;

/// How to retry a failed call: bounded attempts, exponential backoff with jitter, and the
/// provider's `retry_after` honoured as a floor.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// First backoff; it doubles on each retry.
    pub min_delay: Duration,
    /// Longest backoff (before `retry_after` and the concurrency floor).
    pub max_delay: Duration,
    /// Floor on the pause after a concurrency-limit answer: a slot frees only when a running
    /// task ends, which takes tens of seconds.
    pub concurrency_delay: Duration,
    /// Relative jitter: each pause is scaled by a factor in `[1 - jitter, 1 + jitter]`.
    pub jitter: f64,
    /// Seed for the jitter; `None` seeds from entropy. Set it to make schedules repeatable.
    pub seed: Option<u64>,
    /// The longest `retry_after` honoured: when the provider asks to wait longer, the error
    /// is returned instead of sleeping.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Five retries from 1 s doubling to 30 s, a 30 s floor after a concurrency limit, ±10%,
    /// and no waits longer than 10 minutes.
    fn default() -> Self {
        Self {
            max_retries: 5,
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            concurrency_delay: Duration::from_secs(30),
            jitter: 0.1,
            seed: None,
            max_retry_after: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the number of retries.
    #[must_use]
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the first and the longest backoff.
    #[must_use]
    pub fn with_delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// Sets the floor after a concurrency-limit answer.
    #[must_use]
    pub fn with_concurrency_delay(mut self, delay: Duration) -> Self {
        self.concurrency_delay = delay;
        self
    }

    /// Sets the relative jitter (clamped to `0.0..=1.0`).
    #[must_use]
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter.clamp(0.0, 1.0);
        self
    }

    /// Seeds the jitter so schedules repeat exactly.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets the longest `retry_after` honoured.
    #[must_use]
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    pub(crate) fn jitter(&self) -> Jitter {
        Jitter::new(self.jitter, self.seed)
    }
}

/// How to wait for a task: when to query, how the interval grows, and when to give up.
///
/// The schedule is: first query after `first_delay`, then after `interval`, each later
/// interval `multiplier` times the previous, capped at `max_interval`; each pause jittered by
/// `jitter`. The defaults suit renders of one to several minutes (Kling's typical range):
/// queries at about 45 s, 51 s, 58 s, 65 s, 73 s, 82 s and then every 9 s, giving up after
/// 20 minutes.
///
/// ```
/// use std::time::Duration;
/// use video_core::PollPolicy;
///
/// let fast = PollPolicy::fixed(Duration::from_millis(20)).with_deadline(Duration::from_secs(5));
/// let delays: Vec<_> = fast.delays().take(3).collect();
/// assert_eq!(delays, vec![Duration::from_millis(20); 3]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// Pause before the first query after a submission.
    pub first_delay: Duration,
    /// Pause before the second query.
    pub interval: Duration,
    /// Growth of the interval after each query (1.0 = fixed).
    pub multiplier: f64,
    /// Longest interval.
    pub max_interval: Duration,
    /// Relative jitter: each pause is scaled by a factor in `[1 - jitter, 1 + jitter]`.
    pub jitter: f64,
    /// Seed for the jitter; `None` seeds from entropy.
    pub seed: Option<u64>,
    /// Give up waiting after this long ([`crate::VideoError::WaitTimeout`]).
    pub deadline: Duration,
    /// Use the provider's long wait ([`crate::VideoProvider::long_wait`]: one long request
    /// held open until the task ends) when it offers one, instead of polling. The one switch
    /// for it; off by default.
    pub long_wait: bool,
    /// When the deadline passes, cancel the task at the provider too (where it can: see
    /// [`crate::Capabilities::cancel`]), so a task nobody waits for stops billing; the
    /// journal records it `cancelled`. Off by default: the task goes on and `resume` can
    /// finish it.
    pub cancel_on_deadline: bool,
    /// How the pipeline retries a submission that provably created no task.
    pub submit_retry: RetryPolicy,
    /// How the pipeline retries a video download that failed in a retryable way (three
    /// retries by default; each starts the file over).
    pub download_retry: RetryPolicy,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(45),
            interval: Duration::from_secs(6),
            multiplier: 1.1,
            max_interval: Duration::from_secs(9),
            jitter: 0.1,
            seed: None,
            deadline: Duration::from_secs(20 * 60),
            long_wait: false,
            cancel_on_deadline: false,
            submit_retry: RetryPolicy::default(),
            download_retry: RetryPolicy::default().with_max_retries(3),
        }
    }
}

impl PollPolicy {
    /// Queries every `interval` (no growth, no jitter), with the default deadline.
    pub fn fixed(interval: Duration) -> Self {
        Self {
            first_delay: interval,
            interval,
            multiplier: 1.0,
            max_interval: interval,
            jitter: 0.0,
            ..Self::default()
        }
    }

    /// Sets the pause before the first query.
    #[must_use]
    pub fn with_first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// Sets the second pause, its growth and its cap.
    #[must_use]
    pub fn with_interval(mut self, interval: Duration, multiplier: f64, max: Duration) -> Self {
        self.interval = interval;
        self.multiplier = multiplier.max(1.0);
        self.max_interval = max.max(interval);
        self
    }

    /// Sets the relative jitter (clamped to `0.0..=1.0`).
    #[must_use]
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter.clamp(0.0, 1.0);
        self
    }

    /// Seeds the jitter (of polling and of submission retries) so schedules repeat exactly.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self.submit_retry.seed = Some(seed);
        self.download_retry.seed = Some(seed);
        self
    }

    /// Sets how long to wait in all.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets whether to use the provider's long wait when it offers one.
    #[must_use]
    pub fn with_long_wait(mut self, enabled: bool) -> Self {
        self.long_wait = enabled;
        self
    }

    /// Sets whether a task still running at the deadline is cancelled at the provider.
    #[must_use]
    pub fn with_cancel_on_deadline(mut self, cancel: bool) -> Self {
        self.cancel_on_deadline = cancel;
        self
    }

    /// Sets how submissions are retried.
    #[must_use]
    pub fn with_submit_retry(mut self, retry: RetryPolicy) -> Self {
        self.submit_retry = retry;
        self
    }

    /// Sets how downloads are retried.
    #[must_use]
    pub fn with_download_retry(mut self, retry: RetryPolicy) -> Self {
        self.download_retry = retry;
        self
    }

    /// The pauses between queries, in order, jitter included (endless).
    pub fn delays(&self) -> PollDelays {
        PollDelays {
            next_ms: None,
            first_delay_ms: millis_u32(self.first_delay),
            interval_ms: millis_u32(self.interval),
            max_interval_ms: millis_u32(self.max_interval),
            multiplier: self.multiplier as f32,
            jitter: Jitter::new(self.jitter, self.seed),
        }
    }
}

/// A duration in whole milliseconds, saturating at `u32::MAX` (49 days).
fn millis_u32(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

/// The endless sequence of pauses a [`PollPolicy`] prescribes; see [`PollPolicy::delays`].
/// Small on purpose (the schedule in milliseconds, not the whole policy): every waiting task
/// holds one.
#[derive(Debug, Clone)]
pub struct PollDelays {
    next_ms: Option<u32>,
    first_delay_ms: u32,
    interval_ms: u32,
    max_interval_ms: u32,
    multiplier: f32,
    jitter: Jitter,
}

impl Iterator for PollDelays {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let base = match self.next_ms {
            None => {
                self.next_ms = Some(self.interval_ms);
                self.first_delay_ms
            }
            Some(current) => {
                let grown = (f64::from(current) * f64::from(self.multiplier.max(1.0))).round();
                let grown = if grown >= f64::from(u32::MAX) {
                    u32::MAX
                } else {
                    grown as u32
                };
                self.next_ms = Some(grown.min(self.max_interval_ms));
                current
            }
        };
        Some(self.jitter.apply(Duration::from_millis(u64::from(base))))
    }
}

/// Seedable relative jitter.
#[derive(Debug, Clone)]
pub(crate) struct Jitter {
    amount: f64,
    rng: fastrand::Rng,
}

impl Jitter {
    pub(crate) fn new(amount: f64, seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Self {
            amount: amount.clamp(0.0, 1.0),
            rng,
        }
    }

    /// Scales `base` by a factor in `[1 - amount, 1 + amount]`, to whole milliseconds.
    pub(crate) fn apply(&mut self, base: Duration) -> Duration {
        if self.amount == 0.0 {
            return base;
        }
        let factor = 1.0 + self.amount * (self.rng.f64() * 2.0 - 1.0);
        whole_millis(base.as_secs_f64() * factor)
    }
}

/// `seconds` rounded to whole milliseconds (tokio's timer resolution), never negative.
fn whole_millis(seconds: f64) -> Duration {
    Duration::from_millis((seconds * 1000.0).round().max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule_without_jitter_is_exact() {
        let policy = PollPolicy::default().with_jitter(0.0);
        let delays: Vec<u128> = policy.delays().take(8).map(|d| d.as_millis()).collect();
        assert_eq!(
            delays,
            vec![45_000, 6_000, 6_600, 7_260, 7_986, 8_785, 9_000, 9_000]
        );
    }

    #[test]
    fn same_seed_same_jittered_schedule() {
        let policy = PollPolicy::default().with_seed(7);
        let a: Vec<Duration> = policy.delays().take(20).collect();
        let b: Vec<Duration> = policy.delays().take(20).collect();
        assert_eq!(a, b);
        let other: Vec<Duration> = policy.clone().with_seed(8).delays().take(20).collect();
        assert_ne!(a, other);
        for (delay, base) in a.iter().zip(policy.clone().with_jitter(0.0).delays()) {
            let ratio = delay.as_secs_f64() / base.as_secs_f64();
            assert!((0.899..=1.101).contains(&ratio), "ratio {ratio}");
        }
    }
}
