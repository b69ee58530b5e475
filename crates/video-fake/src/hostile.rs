//! The hostile harness: every hostile-server fault the fake injects, run against any provider
//! whose front the fake serves. A provider's tests implement [`HostileTarget`] (how to build
//! the client aimed at the fake) and call [`run_all`]; each check panics with its name.
//!
//! The checks: the credential echoed raw, `\u`-escaped, split into a JWT's segments and as an
//! earlier token, on create, query and (when the provider can) lookup — nothing of it in an
//! error, a task or its JSON; path-like ids kept opaque and ids with control characters
//! refused; huge replies cut at the cap; a drip-fed download ended by the deadline; an API
//! redirect to another host refused with nothing sent there; and, for lookups, a server that
//! answers with another task or with endless repeating list pages — never adopted, never
//! "provably absent".

// A test harness: a failed check panics with its name, as an assertion does.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use video_core::{
    Mode, PollPolicy, RetryPolicy, TaskStatus, VideoError, VideoProvider, VideoRequest, generate,
};

use crate::{EchoForm, FakeRelay, FakeRelayConfig, Faults, RateLimitFault};

/// The limits a [`HostileTarget`] builds its client with.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct HostileLimits {
    /// The cap on one API reply.
    pub max_reply_bytes: u64,
    /// The overall deadline of one download.
    pub download_deadline: Duration,
}

/// A provider under the hostile harness.
pub trait HostileTarget: Send + Sync {
    /// The provider aimed at `fake`, built with `limits`.
    fn provider(&self, fake: &FakeRelay, limits: HostileLimits) -> Arc<dyn VideoProvider>;

    /// The secrets the provider holds for `fake` (keys), besides the credentials the fake
    /// saw on the wire (checked too).
    fn secrets(&self, fake: &FakeRelay) -> Vec<String>;
}

const LIMITS: HostileLimits = HostileLimits {
    max_reply_bytes: 64 * 1024,
    download_deadline: Duration::from_millis(400),
};

fn policy() -> PollPolicy {
    PollPolicy::fixed(Duration::from_millis(20))
        .with_deadline(Duration::from_secs(10))
        .with_submit_retry(RetryPolicy::none())
}

async fn fake(faults: Faults) -> FakeRelay {
    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_millis(60))
        .with_video_bytes(16 * 1024)
        .with_faults(faults);
    FakeRelay::start(config).await.expect("the fake starts")
}

/// Runs every check against `target`.
pub async fn run_all(target: &dyn HostileTarget) {
    for form in [
        EchoForm::Raw,
        EchoForm::Escaped,
        EchoForm::Split,
        EchoForm::Earlier,
    ] {
        echoed_credentials_are_never_shown(target, form).await;
    }
    hostile_ids_are_opaque_or_refused(target).await;
    huge_replies_are_cut_at_the_cap(target).await;
    a_drip_fed_download_ends_at_the_deadline(target).await;
    a_redirect_to_another_host_is_refused(target).await;
    a_mismatched_lookup_is_never_adopted(target).await;
    endless_list_pages_are_not_an_absence(target).await;
}

/// An error with its `Debug` form and every source, as a caller could print or log it: what
/// the echo checks search for secrets.
pub fn shown(error: &VideoError) -> String {
    use std::error::Error;
    let mut text = format!("{error} | {error:?}");
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(" | {inner}"));
        source = inner.source();
    }
    text
}

/// The credential echoed in `form` reaches no error, task or task JSON.
pub async fn echoed_credentials_are_never_shown(target: &dyn HostileTarget, form: EchoForm) {
    let faults = Faults::default()
        .with_echoed_key_as(form)
        .with_expired_tokens(1)
        .with_rate_limit(RateLimitFault::first(1302, 1));
    let fake = fake(faults).await;
    let provider = target.provider(&fake, LIMITS);
    let mut text = match provider.submit(&VideoRequest::new("a fox")).await {
        Err(error) => shown(&error),
        Ok(task) => format!("{task:?}"),
    };
    let request = VideoRequest::builder("a fox [fail]")
        .client_reference("hostile-echo-1")
        .build();
    match generate(provider.as_ref(), &request, &policy()).await {
        Err(error) => text.push_str(&shown(&error)),
        Ok(task) => panic!("echo {form:?}: a failing task succeeded: {task:?}"),
    }
    if provider.capabilities().lookup_by_reference {
        let found = provider
            .find_by_reference("hostile-echo-1", Mode::TextToVideo)
            .await;
        text.push_str(&format!("{found:?}"));
    }
    let mut secrets = target.secrets(&fake);
    for credential in fake.credentials_seen() {
        let bare = credential.trim_start_matches("Bearer ").to_owned();
        secrets.extend(bare.split('.').filter(|s| s.len() >= 12).map(str::to_owned));
        secrets.push(bare);
    }
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        assert!(
            !text.contains(secret.as_str()),
            "echo {form:?} leaked: {text}"
        );
    }
    assert!(
        text.contains("[redacted]"),
        "echo {form:?}: no echo seen: {text}"
    );
}

/// A path-like id is kept as one opaque id; an id with control characters is refused and
/// never printed raw.
pub async fn hostile_ids_are_opaque_or_refused(target: &dyn HostileTarget) {
    let fake_server = fake(Faults::default().with_task_id_prefix("../../")).await;
    let provider = target.provider(&fake_server, LIMITS);
    let task = generate(provider.as_ref(), &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap_or_else(|e| panic!("path-like id: {e:?}"));
    assert!(task.id.as_str().starts_with("../../"), "{:?}", task.id);
    assert!(!task.id.file_stem().contains('/'), "{:?}", task.id);
    assert_eq!(task.status, TaskStatus::Succeeded);

    let fake_server = fake(Faults::default().with_task_id_prefix("\u{1b}[2J")).await;
    let provider = target.provider(&fake_server, LIMITS);
    let error = provider
        .submit(&VideoRequest::new("a fox"))
        .await
        .expect_err("an id with control characters is refused");
    assert!(!shown(&error).contains('\u{1b}'), "{}", shown(&error));
}

/// A reply far over the cap ends in an error at the cap.
pub async fn huge_replies_are_cut_at_the_cap(target: &dyn HostileTarget) {
    let fake = fake(Faults::default().with_huge_replies(8 << 20)).await;
    let provider = target.provider(&fake, LIMITS);
    let error = provider
        .submit(&VideoRequest::new("a fox"))
        .await
        .expect_err("a huge reply is refused");
    assert!(shown(&error).contains("TooLarge"), "{}", shown(&error));
}

/// A download fed a byte at a time ends at the download deadline, retryable.
pub async fn a_drip_fed_download_ends_at_the_deadline(target: &dyn HostileTarget) {
    let fake = fake(Faults::default().with_drip_download(Duration::from_millis(5))).await;
    let provider = target.provider(&fake, LIMITS);
    let task = generate(provider.as_ref(), &VideoRequest::new("a fox"), &policy())
        .await
        .unwrap_or_else(|e| panic!("drip: {e:?}"));
    let video = task.videos.first().expect("a video");
    let read = async { provider.download(video).await?.collect_bytes().await };
    let result = tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("the download deadline ends a drip-fed download");
    let error = result.expect_err("a drip-fed download fails");
    assert!(error.is_retryable(), "{}", shown(&error));
}

/// An API call redirected to another host is refused; the other host receives nothing.
pub async fn a_redirect_to_another_host_is_refused(target: &dyn HostileTarget) {
    let other = fake(Faults::default()).await;
    let other_base = format!("http://localhost:{}", other.address().port());
    let fake = fake(Faults::default().with_api_redirect(other_base)).await;
    let provider = target.provider(&fake, LIMITS);
    let error = provider
        .submit(&VideoRequest::new("a fox"))
        .await
        .expect_err("a cross-host redirect is refused");
    assert!(shown(&error).contains("redirect"), "{}", shown(&error));
    assert_eq!(
        other.counters().submissions_received,
        0,
        "nothing sent there"
    );
    assert!(
        other.credentials_seen().is_empty(),
        "no credential sent there"
    );
}

/// A lookup answered with another task (its reference stripped) never adopts it.
pub async fn a_mismatched_lookup_is_never_adopted(target: &dyn HostileTarget) {
    let fake = fake(Faults::default().with_mismatched_lookups()).await;
    let provider = target.provider(&fake, LIMITS);
    if !provider.capabilities().lookup_by_reference {
        return;
    }
    let request = VideoRequest::builder("a fox")
        .client_reference("someone-else-1")
        .build();
    provider.submit(&request).await.expect("a submission");
    let found = provider
        .find_by_reference("hostile-absent-1", Mode::TextToVideo)
        .await;
    assert!(
        !matches!(found, Ok(Some(_))),
        "another task was adopted: {found:?}"
    );
}

/// A list that never ends (the same full page every time) is read a bounded number of times
/// and is not taken as proof of absence.
pub async fn endless_list_pages_are_not_an_absence(target: &dyn HostileTarget) {
    let fake = fake(Faults::default().with_endless_list_pages()).await;
    let provider = target.provider(&fake, LIMITS);
    if !provider.capabilities().lookup_by_reference {
        return;
    }
    let found = tokio::time::timeout(
        Duration::from_secs(20),
        provider.find_by_reference("hostile-absent-2", Mode::TextToVideo),
    )
    .await
    .expect("an endless list ends");
    assert!(found.is_err(), "endless pages are no proof: {found:?}");
    assert!(fake.counters().list_requests <= 100, "bounded reads");
}
