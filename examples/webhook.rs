//! Receive the relay's callbacks: an `axum` endpoint that turns each callback into a task
//! snapshot with the client's parser, run here against the fake relay.
//!
//! ```text
//! cargo run --example webhook
//! ```
//!
//! The relay does not sign callbacks, so the app puts a secret token in its `callback_url`
//! and the receiver checks it in constant time (401 without it), and caps the body size.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, Uri};
use axum::routing::post;
use subtle::ConstantTimeEq;
use tokio::sync::mpsc;
use video_core::{PollPolicy, Task, TaskStatus, VideoError, VideoRequest, generate};
use video_fake::{FakeRelay, FakeRelayConfig};
use video_kling_dmx::{KlingDmxClient, parse_callback};

/// Callback bodies are small JSON objects; anything bigger is refused (413).
const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// The receiver's state: the expected token and where parsed snapshots go.
#[derive(Clone)]
struct Receiver {
    token: Arc<str>,
    snapshots: mpsc::UnboundedSender<Task>,
}

/// `POST /hooks/video?token=...`: 401 without the right token, 400 for a body that is not a
/// task, 200 otherwise.
async fn callback(State(receiver): State<Receiver>, uri: Uri, body: Bytes) -> StatusCode {
    let given = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(receiver.token.as_bytes())) {
        return StatusCode::UNAUTHORIZED;
    }
    match parse_callback(&body) {
        Ok(task) => {
            let _ = receiver.snapshots.send(task);
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), VideoError> {
    let io = |source| VideoError::Io {
        path: "127.0.0.1:0".into(),
        source,
    };
    let token: Arc<str> = Arc::from(format!("{:016x}", random_u64()));
    let (sender, mut snapshots) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/hooks/video", post(callback))
        .layer(DefaultBodyLimit::max(MAX_CALLBACK_BYTES))
        .with_state(Receiver {
            token: Arc::clone(&token),
            snapshots: sender,
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(io)?;
    let hook = format!("http://{}/hooks/video", listener.local_addr().map_err(io)?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiver at {hook}");

    // A forged callback (no token) is refused.
    let forged = forged_status(&hook).await;
    println!("forged callback without the token: HTTP {forged}");

    let relay =
        FakeRelay::start(FakeRelayConfig::default().with_render_time(Duration::from_secs(1)))
            .await
            .map_err(io)?;
    let client = KlingDmxClient::builder()
        .api_key(relay.key())
        .base_url(relay.base_url())
        .build()?;
    let request = VideoRequest::builder("a lighthouse in a storm")
        .callback_url(format!("{hook}?token={token}"))
        .build();
    let policy = PollPolicy::fixed(Duration::from_millis(200));
    let task = generate(&client, &request, &policy).await?;
    println!("task {} finished: {}", task.id, task.status);

    while let Ok(Some(snapshot)) =
        tokio::time::timeout(Duration::from_secs(5), snapshots.recv()).await
    {
        println!(
            "callback: task {} is {} ({} video(s))",
            snapshot.id,
            snapshot.status,
            snapshot.videos.len()
        );
        if snapshot.status == TaskStatus::Succeeded {
            return Ok(());
        }
    }
    Err(VideoError::Timeout {
        elapsed: Duration::from_secs(5),
    })
}

/// POSTs a callback body without the token and returns the status code.
async fn forged_status(hook: &str) -> u16 {
    let body = r#"{"task_id":"1","task_status":"succeed"}"#;
    let Ok(mut stream) = tokio::net::TcpStream::connect(
        hook.trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or_default(),
    )
    .await
    else {
        return 0;
    };
    let request = format!(
        "POST /hooks/video HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if stream.write_all(request.as_bytes()).await.is_err() {
        return 0;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply).await;
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A random token seed (std's randomly keyed hasher: no extra dependency for an example).
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(std::process::id().into());
    hasher.finish()
}
