//! An app written against `Arc<dyn VideoProvider>` runs on the deterministic fake or on a
//! mockall mock; the only difference is the line that builds the provider.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "mockall")]
use video_core::{Capabilities, Task, TaskStatus, Video};
use video_core::{PollPolicy, VideoError, VideoProvider, VideoRequest, generate};
use video_mock::MockProvider;
#[cfg(feature = "mockall")]
use video_mock::MockVideoProvider;

/// The "app": generate one clip and return the URL of its video.
async fn make_clip(provider: Arc<dyn VideoProvider>, prompt: &str) -> Result<String, VideoError> {
    let policy = PollPolicy::fixed(Duration::from_secs(1));
    let task = generate(provider.as_ref(), &VideoRequest::new(prompt), &policy).await?;
    Ok(task.videos[0].url().unwrap().to_owned())
}

#[cfg(feature = "mockall")]
fn mockall_provider() -> MockVideoProvider {
    let mut mock = MockVideoProvider::new();
    mock.expect_name().return_const("mockall".to_owned());
    mock.expect_capabilities()
        .return_const(Capabilities::new(2500));
    mock.expect_submit()
        .withf(|request| request.prompt == "a fox")
        .times(1)
        .returning(|_| Ok(Task::new("m-1", TaskStatus::Submitted)));
    mock.expect_long_wait().never();
    mock.expect_task().times(1).returning(|id| {
        let mut task = Task::new(id.clone(), TaskStatus::Succeeded);
        task.videos.push(Video::new("https://cdn.example/m-1.mp4"));
        Ok(task)
    });
    mock
}

#[tokio::test(start_paused = true)]
async fn app_runs_on_the_deterministic_fake() {
    let provider: Arc<dyn VideoProvider> = Arc::new(
        MockProvider::builder()
            .seed(0)
            .render_time(Duration::from_secs(3))
            .build(),
    );
    let url = make_clip(provider, "a fox").await.unwrap();
    assert!(url.starts_with("mock://videos/mock-1-"), "{url}");
}

#[cfg(feature = "mockall")]
#[tokio::test(start_paused = true)]
async fn app_runs_on_the_mockall_mock() {
    let provider: Arc<dyn VideoProvider> = Arc::new(mockall_provider());
    let url = make_clip(provider, "a fox").await.unwrap();
    assert_eq!(url, "https://cdn.example/m-1.mp4");
}

#[cfg(feature = "mockall")]
#[tokio::test(start_paused = true)]
async fn mockall_expectations_catch_a_wrong_call() {
    let mut mock = MockVideoProvider::new();
    mock.expect_capabilities()
        .return_const(Capabilities::new(2500));
    mock.expect_submit().never();
    let provider: Arc<dyn VideoProvider> = Arc::new(mock);
    // Validation fails before submit, so the `never` expectation holds.
    let error = make_clip(provider, "   ").await.unwrap_err();
    assert!(matches!(error, VideoError::InvalidRequest { .. }));
}
