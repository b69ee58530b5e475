//! Receive callbacks from both providers: one `axum` app, one endpoint per provider, each
//! turning a callback into a task snapshot — run here against the fake server.
//!
//! ```text
//! cargo run --example webhook
//! ```
//!
//! - **Kling's own API** signs its callbacks (Standard Webhooks: `webhook-id`,
//!   `webhook-timestamp`, `webhook-signature`) with the account's webhook secret; the
//!   receiver verifies them ([`video_kling::verify_webhook`]: constant-time compare, 5-minute
//!   timestamp tolerance) and refuses anything else with 401.
//! - **The DMXAPI relay** does not sign, so the app puts a secret token in the
//!   `callback_url` and checks it in constant time.
//! - **MiniMax** does not sign either (a token in the URL again) and first sends a challenge
//!   that must come back within 3 s, or the create fails: the endpoint echoes it
//!   ([`video_minimax::challenge_reply`]) before anything else.
//!
//! Both cap the body size. A callback is a hint: the app confirms with a query before
//! acting on it (the pipeline here waits by polling anyway).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use subtle::ConstantTimeEq;
use tokio::sync::mpsc;
use video_core::{PollPolicy, Task, TaskStatus, VideoError, VideoProvider, VideoRequest, generate};
use video_fake::{FakeRelay, FakeRelayConfig};
use video_kling::{
    DEFAULT_WEBHOOK_TOLERANCE, KlingClient, WebhookHeaders, WebhookSecret, parse_callback,
    verify_webhook,
};
use video_kling_dmx::KlingDmxClient;

/// Callback bodies are small JSON objects; anything bigger is refused (413).
const MAX_CALLBACK_BYTES: usize = 64 * 1024;
/// The webhook secret (in an app: from Kling's console, kept in a secret store).
const WEBHOOK_SECRET: &str = "whsec_ZXhhbXBsZS13ZWJob29rLXNlY3JldC1mb3ItdGhlLWRlbW8=";

/// The receiver's state: how each endpoint authenticates, and where snapshots go.
#[derive(Clone)]
struct Receiver {
    relay_token: Arc<str>,
    kling_secret: WebhookSecret,
    snapshots: mpsc::UnboundedSender<(&'static str, Task)>,
}

/// `POST /hooks/kling`: 401 unless the signature verifies, 400 for a body that is not a
/// task, 200 otherwise.
async fn kling_callback(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed = WebhookHeaders::new(
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let now = SystemTime::now();
    if verify_webhook(
        &receiver.kling_secret,
        signed,
        &body,
        now,
        DEFAULT_WEBHOOK_TOLERANCE,
    )
    .is_err()
    {
        return StatusCode::UNAUTHORIZED;
    }
    deliver(&receiver, "kling", &body)
}

/// Whether the URL's `token` is the receiver's (compared in constant time).
fn token_ok(receiver: &Receiver, uri: &Uri) -> bool {
    let given = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .unwrap_or_default();
    bool::from(given.as_bytes().ct_eq(receiver.relay_token.as_bytes()))
}

/// `POST /hooks/relay?token=...`: 401 without the right token.
async fn relay_callback(State(receiver): State<Receiver>, uri: Uri, body: Bytes) -> StatusCode {
    if !token_ok(&receiver, &uri) {
        return StatusCode::UNAUTHORIZED;
    }
    deliver(&receiver, "kling-dmx", &body)
}

/// `POST /hooks/minimax?token=...`: the challenge echoed at once; a status change delivered.
async fn minimax_callback(State(receiver): State<Receiver>, uri: Uri, body: Bytes) -> Response {
    if !token_ok(&receiver, &uri) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match video_minimax::parse_callback(&body) {
        Ok(video_minimax::Callback::Challenge(challenge)) => (
            [("content-type", "application/json")],
            video_minimax::challenge_reply(&challenge),
        )
            .into_response(),
        Ok(video_minimax::Callback::Status(task)) => {
            let _ = receiver.snapshots.send(("minimax", *task));
            StatusCode::OK.into_response()
        }
        Ok(_) | Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

fn deliver(receiver: &Receiver, from: &'static str, body: &[u8]) -> StatusCode {
    match parse_callback(body) {
        Ok(task) => {
            let _ = receiver.snapshots.send((from, task));
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(lines) => {
            lines.iter().for_each(|line| println!("{line}"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Serves both endpoints, generates one video with each provider against the fake, and
/// returns what happened, line by line.
async fn run() -> Result<Vec<String>, VideoError> {
    let io = |source| VideoError::Io {
        path: "127.0.0.1:0".into(),
        source,
    };
    let (sender, mut snapshots) = mpsc::unbounded_channel();
    let receiver = Receiver {
        relay_token: Arc::from(format!("{:016x}", random_u64())),
        kling_secret: WebhookSecret::parse(WEBHOOK_SECRET).map_err(|e| {
            VideoError::Configuration {
                message: e.to_string(),
                details: video_core::ErrorDetails::none(),
            }
        })?,
        snapshots: sender,
    };
    let token = Arc::clone(&receiver.relay_token);
    let app = Router::new()
        .route("/hooks/kling", post(kling_callback))
        .route("/hooks/relay", post(relay_callback))
        .route("/hooks/minimax", post(minimax_callback))
        .layer(DefaultBodyLimit::max(MAX_CALLBACK_BYTES))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(io)?;
    let base = format!("http://{}", listener.local_addr().map_err(io)?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut lines = vec![format!("receiver at {base}")];
    for path in ["/hooks/kling", "/hooks/relay", "/hooks/minimax"] {
        let status = forged_status(&format!("{base}{path}")).await;
        lines.push(format!("forged callback to {path}: HTTP {status}"));
    }
    // MiniMax's handshake, as MiniMax sends it before a create with this callback URL.
    let hook = format!("{base}/hooks/minimax?token={token}");
    let challenge = format!("c-{:016x}", random_u64());
    let (status, reply) = post_json(&hook, &format!(r#"{{"challenge":"{challenge}"}}"#)).await;
    let echoed = status == 200 && reply.contains(&challenge);
    lines.push(format!(
        "minimax challenge: HTTP {status}, echoed: {echoed}"
    ));

    let config = FakeRelayConfig::default()
        .with_render_time(Duration::from_secs(1))
        .with_webhook_secret(WEBHOOK_SECRET);
    let fake = FakeRelay::start(config).await.map_err(io)?;
    let kling = KlingClient::builder()
        .access_key(fake.kling_access_key(), fake.kling_secret_key())
        .base_url(fake.base_url())
        .build()?;
    let relay = KlingDmxClient::builder()
        .api_key(fake.key())
        .base_url(fake.base_url())
        .build()?;
    let jobs: [(&dyn VideoProvider, String); 2] = [
        (&kling, format!("{base}/hooks/kling")),
        (&relay, format!("{base}/hooks/relay?token={token}")),
    ];
    let policy = PollPolicy::fixed(Duration::from_millis(200));
    for (provider, hook) in jobs {
        let request = VideoRequest::builder("a lighthouse in a storm")
            .callback_url(hook)
            .build();
        let task = generate(provider, &request, &policy).await?;
        lines.push(format!(
            "{}: task {} {}",
            provider.name(),
            task.id,
            task.status
        ));
    }
    let mut finished = 0;
    while let Ok(Some((from, snapshot))) =
        tokio::time::timeout(Duration::from_secs(5), snapshots.recv()).await
    {
        lines.push(format!(
            "callback from {from}: task {} is {} ({} video(s))",
            snapshot.id,
            snapshot.status,
            snapshot.videos.len()
        ));
        finished += usize::from(snapshot.status == TaskStatus::Succeeded);
        if finished == 2 {
            return Ok(lines);
        }
    }
    Err(VideoError::Timeout {
        elapsed: Duration::from_secs(5),
    })
}

/// POSTs a callback body with no token and no signature and returns the status code.
async fn forged_status(url: &str) -> u16 {
    post_json(url, r#"{"task_id":"1","task_status":"succeed"}"#)
        .await
        .0
}

/// POSTs `body` as JSON over plain HTTP/1.1 and returns the status code and the reply's body
/// (0 and nothing when the receiver cannot be reached).
async fn post_json(url: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some((host, path)) = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/'))
    else {
        return (0, String::new());
    };
    let Ok(mut stream) = tokio::net::TcpStream::connect(host).await else {
        return (0, String::new());
    };
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply).await;
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let content = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, content)
}

/// A random token seed (std's randomly keyed hasher: no extra dependency for an example).
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(std::process::id().into());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn both_providers_deliver_verified_callbacks_and_forgeries_are_refused() {
        let lines = run().await.unwrap();
        let forged: Vec<&String> = lines.iter().filter(|l| l.starts_with("forged")).collect();
        assert_eq!(forged.len(), 3);
        assert!(
            lines
                .iter()
                .any(|l| l == "minimax challenge: HTTP 200, echoed: true"),
            "{lines:?}"
        );
        assert!(
            forged.iter().all(|line| line.ends_with("HTTP 401")),
            "{forged:?}"
        );
        for provider in ["kling", "kling-dmx"] {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with(&format!("callback from {provider}:"))
                        && l.contains("succeeded")),
                "{provider}: {lines:?}"
            );
        }
    }
}
