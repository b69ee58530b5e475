//! [`MockVideoProvider`]: the `mockall` mock of [`video_core::VideoProvider`].

#![allow(missing_docs, missing_debug_implementations)]

use std::time::Duration;

use video_core::provider::VideoStream;
use video_core::{Capabilities, Mode, Task, TaskId, Video, VideoError, VideoRequest};

mockall::mock! {
    /// A `mockall` mock of [`video_core::VideoProvider`]: set expectations with
    /// `expect_submit()`, `expect_task()`, ... (`name` and `capabilities` return references,
    /// so use `return_const`).
    ///
    /// ```
    /// use video_core::{Capabilities, Task, TaskStatus, VideoProvider, VideoRequest};
    /// use video_mock::MockVideoProvider;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut mock = MockVideoProvider::new();
    /// mock.expect_capabilities().return_const(Capabilities::new(2500));
    /// mock.expect_submit()
    ///     .times(1)
    ///     .returning(|_| Ok(Task::new("task-1", TaskStatus::Submitted)));
    /// let task = mock.submit(&VideoRequest::new("a fox")).await.unwrap();
    /// assert_eq!(task.id.as_str(), "task-1");
    /// # }
    /// ```
    pub VideoProvider {}

    #[async_trait::async_trait]
    impl video_core::VideoProvider for VideoProvider {
        fn name(&self) -> &str;
        fn capabilities(&self) -> &Capabilities;
        async fn submit(&self, request: &VideoRequest) -> Result<Task, VideoError>;
        async fn task(&self, id: &TaskId) -> Result<Task, VideoError>;
        async fn download(&self, video: &Video) -> Result<VideoStream, VideoError>;
        async fn long_wait(&self, id: &TaskId, timeout: Duration) -> Result<Option<Task>, VideoError>;
        async fn find_by_reference(&self, reference: &str, mode: Mode) -> Result<Option<Task>, VideoError>;
        fn failure_error(&self, task: &Task) -> VideoError;
    }
}

/// `Debug` without expectations, so the mock can be formatted (the trait requires `Debug`).
impl std::fmt::Debug for MockVideoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MockVideoProvider")
    }
}

impl MockVideoProvider {
    /// A mock that keeps the trait's defaults for the methods that have one: `long_wait`
    /// answers "cannot" (`Ok(None)`, so core polls), `find_by_reference` is a
    /// `Configuration` error (core calls it only when the capabilities say it works) and
    /// `failure_error` is [`video_core::provider::failed_task_error`] (a `TaskFailed`
    /// naming the task). Set expectations for the rest as usual. (Use
    /// [`MockVideoProvider::new`] instead to set expectations on those yourself.)
    ///
    /// ```
    /// use video_core::{Capabilities, PollPolicy, Task, TaskStatus, VideoError, VideoRequest};
    /// use video_mock::MockVideoProvider;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut mock = MockVideoProvider::with_defaults();
    /// mock.expect_name().return_const("mockall".to_owned());
    /// mock.expect_capabilities().return_const(Capabilities::new(2500));
    /// mock.expect_submit().returning(|_| Ok(Task::new("t-1", TaskStatus::Submitted)));
    /// mock.expect_task().returning(|id| {
    ///     let mut task = Task::new(id.clone(), TaskStatus::Failed);
    ///     task.status_message = Some("renderer crashed".into());
    ///     Ok(task)
    /// });
    /// let policy = PollPolicy::fixed(std::time::Duration::from_millis(1));
    /// let error = video_core::generate(&mock, &VideoRequest::new("a fox"), &policy)
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(error, VideoError::TaskFailed { message, .. } if message == "renderer crashed"));
    /// # }
    /// ```
    pub fn with_defaults() -> Self {
        let mut mock = Self::new();
        mock.expect_long_wait().returning(|_, _| Ok(None));
        mock.expect_find_by_reference().returning(|_, _| {
            Err(VideoError::Configuration {
                message: "the mock cannot find tasks by client reference".to_owned(),
                details: video_core::ErrorDetails::none(),
            })
        });
        mock.expect_failure_error()
            .returning(video_core::provider::failed_task_error);
        mock
    }
}
