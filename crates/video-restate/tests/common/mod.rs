//! A real `restate-server` (the pinned npm build, installed by scripts/restate-server.sh) on
//! free loopback ports with its own data folder, `video-worker` processes, and the ingress
//! and admin calls the tests make.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// A free loopback port for a server another process binds: random in 20000–32767, below
/// Linux's ephemeral range (so no outgoing connection of a busy machine takes it between this
/// check and the server's bind), and bindable now. A server that still loses its port to
/// another process is started again on others ([`Restate::start`]).
pub fn free_port() -> u16 {
    use std::hash::{BuildHasher, RandomState};
    let random = RandomState::new();
    for attempt in 0_u64.. {
        let port = 20_000 + u16::try_from(random.hash_one(attempt) % 12_768).unwrap();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    unreachable!("the loop only ends by returning")
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The restate-server binary: `RESTATE_SERVER_BIN`, else installed by the script — once per
/// test process (the script's own lock covers several processes).
fn server_binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| {
            if let Ok(path) = std::env::var("RESTATE_SERVER_BIN") {
                return PathBuf::from(path);
            }
            install_restate_server(&[])
        })
        .clone()
}

/// Runs scripts/restate-server.sh with `env` added and returns the binary's path.
pub fn install_restate_server(env: &[(&str, &str)]) -> PathBuf {
    let out = Command::new("bash")
        .arg(script())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cannot install restate-server: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// scripts/restate-server.sh.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/restate-server.sh")
}

/// A running restate-server; killed on drop.
pub struct Restate {
    child: Child,
    _dir: TempDir,
    pub ingress: String,
    pub admin: String,
    client: reqwest::Client,
}

impl Restate {
    /// Starts a server; one that exits or never becomes healthy (a port taken meanwhile by
    /// another process) is killed and started again on other ports, up to four times.
    pub async fn start() -> Self {
        for attempt in 1..=4 {
            if let Some(server) = Self::try_start().await {
                return server;
            }
            eprintln!("restate-server attempt {attempt} did not come up; trying other ports");
        }
        panic!("restate-server did not become healthy in four attempts");
    }

    async fn try_start() -> Option<Self> {
        let dir = tempfile::Builder::new()
            .prefix("rs")
            .tempdir_in("/tmp")
            .unwrap();
        let (ingress, admin, node) = (free_port(), free_port(), free_port());
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(server_binary())
            .arg("--no-logo")
            .env("RESTATE_BASE_DIR", dir.path())
            .env("RESTATE_NODE_NAME", "test")
            .env(
                "RESTATE_INGRESS__BIND_ADDRESS",
                format!("127.0.0.1:{ingress}"),
            )
            .env("RESTATE_ADMIN__BIND_ADDRESS", format!("127.0.0.1:{admin}"))
            .env("RESTATE_BIND_ADDRESS", format!("127.0.0.1:{node}"))
            .env("RESTATE_DISABLE_TELEMETRY", "true")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let server = Self {
            child,
            _dir: dir,
            ingress: format!("http://127.0.0.1:{ingress}"),
            admin: format!("http://127.0.0.1:{admin}"),
            client: http(),
        };
        let mut server = server;
        if server.wait_healthy().await {
            return Some(server);
        }
        let log =
            std::fs::read_to_string(server._dir.path().join("server.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        eprintln!(
            "restate-server log (last lines, newest first):\n{}",
            tail.join("\n")
        );
        None
    }

    /// Whether both endpoints answer within a minute while the process runs.
    async fn wait_healthy(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return false;
            }
            let admin = self
                .client
                .get(format!("{}/health", self.admin))
                .send()
                .await;
            let ingress = self
                .client
                .get(format!("{}/restate/health", self.ingress))
                .send()
                .await;
            if admin.is_ok_and(|r| r.status().is_success())
                && ingress.is_ok_and(|r| r.status().is_success())
            {
                return matches!(self.child.try_wait(), Ok(None));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Registers a worker (retried until it answers).
    pub async fn register(&self, worker: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let reply = self
                .client
                .post(format!("{}/deployments", self.admin))
                .json(&serde_json::json!({ "uri": worker }))
                .send()
                .await;
            match reply {
                Ok(reply) if reply.status().is_success() => return,
                other if Instant::now() > deadline => panic!("cannot register {worker}: {other:?}"),
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Starts job `key` (fire and forget).
    pub async fn submit(&self, key: &str, body: Value) {
        let reply = self
            .client
            .post(format!("{}/restate/send/VideoJob/{key}/run", self.ingress))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            reply.status().is_success(),
            "submit {key}: {}",
            reply.status()
        );
    }

    /// Waits for job `key` to end: its HTTP status and body.
    pub async fn attach(&self, key: &str) -> (u16, Value) {
        let reply = self
            .client
            .get(format!(
                "{}/restate/workflow/VideoJob/{key}/attach",
                self.ingress
            ))
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .unwrap();
        let status = reply.status().as_u16();
        let text = reply.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Calls a shared handler of job `key`.
    pub async fn call(&self, key: &str, handler: &str, body: Value) -> Value {
        let reply = self
            .client
            .post(format!(
                "{}/restate/call/VideoJob/{key}/{handler}",
                self.ingress
            ))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            reply.status().is_success(),
            "{handler} {key}: {}",
            reply.status()
        );
        let text = reply.text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The job's status (the `status` handler).
    pub async fn status(&self, key: &str) -> Value {
        let reply = self
            .client
            .post(format!(
                "{}/restate/call/VideoJob/{key}/status",
                self.ingress
            ))
            .send()
            .await
            .unwrap();
        reply.json().await.unwrap()
    }
}

impl Drop for Restate {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `video-worker` process; SIGKILLed on drop.
pub struct Worker {
    child: Child,
    pub port: u16,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

impl Worker {
    /// Starts a worker on `port` with `args` and `env`, and waits until it listens; one that
    /// exits at once (its port taken meanwhile by another process) is started again on
    /// another free port, up to four times.
    pub async fn start(port: u16, args: &[&str], env: &[(String, String)]) -> Self {
        let mut port = port;
        for _ in 0..4 {
            let mut worker = Self {
                child: spawn(port, args, env),
                port,
                args: args.iter().map(|a| (*a).to_owned()).collect(),
                env: env.to_vec(),
            };
            if worker.wait_listening().await {
                return worker;
            }
            port = free_port();
        }
        panic!("video-worker did not start in four attempts");
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Whether it listens within 30 s (false when it exited first).
    async fn wait_listening(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "video-worker did not start");
            if !matches!(self.child.try_wait(), Ok(None)) {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL: no clean shutdown, no flushed state.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A new process with the same options on the same port.
    pub async fn restart(&mut self) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.child = spawn(self.port, &args, &self.env);
        assert!(self.wait_listening().await, "video-worker did not restart");
    }
}

fn spawn(port: u16, args: &[&str], env: &[(String, String)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_video-worker"));
    command
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .env_remove("KLING_ACCESS_KEY")
        .env_remove("KLING_SECRET_KEY")
        .env_remove("KLING_API_KEY")
        .env_remove("DMXAPI_API_KEY")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().unwrap()
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether `path` is an MP4 with an H.264 video track that has a duration.
pub fn is_playable_mp4(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(context) = mp4parse::read_mp4(&mut std::io::Cursor::new(bytes)) else {
        return false;
    };
    context.tracks.iter().any(|track| {
        track.track_type == mp4parse::TrackType::Video && track.duration.is_some_and(|d| d.0 > 0)
    })
}

/// SHA-256 of a file, lowercase hex.
pub fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
