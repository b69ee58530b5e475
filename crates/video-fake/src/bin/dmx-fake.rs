//! `dmx-fake`: a local fake of the DMXAPI relay for Kling text-to-video.
//!
//! ```text
//! dmx-fake --port 8787 --render-ms 3000
//! curl -s http://127.0.0.1:8787/v1/responses -H 'Authorization: sk-fake-dmxapi-key' \
//!      -d '{"model":"kling-v2-6-text2video","input":"a fox"}'
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use video_fake::{
    DEFAULT_FAIL_MARKER, DEFAULT_FAKE_KEY, DEFAULT_KLING_ACCESS_KEY, DEFAULT_KLING_API_KEY,
    DEFAULT_KLING_SECRET_KEY, FakeRelay, FakeRelayConfig, Faults, RateLimitFault,
};

/// A wire-compatible fake of the DMXAPI relay (`/v1/responses`: Kling v2.6 and v3, Seedance
/// 2.0, Hailuo, Vidu, Wan 2.6, PixVerse V6) and of Kling's own API (`/v1/videos/*`), on one
/// port.
#[derive(Debug, Parser)]
#[command(name = "dmx-fake", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// The API key to accept (sent raw in `Authorization`).
    #[arg(long, default_value = DEFAULT_FAKE_KEY)]
    key: String,
    /// Milliseconds from submission to a finished task.
    #[arg(long, default_value_t = 3000)]
    render_ms: u64,
    /// Prompts containing this text end `failed`.
    #[arg(long, default_value = DEFAULT_FAIL_MARKER)]
    fail_marker: String,
    /// Size of each served video in bytes.
    #[arg(long, default_value_t = 256 * 1024)]
    video_bytes: u64,
    /// Seed for fault decisions and video bytes.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Milliseconds between progress events on the streaming query.
    #[arg(long, default_value_t = 500)]
    stream_interval_ms: u64,
    /// Refuse submissions at this rate with 429 + `--rate-limit-code`.
    #[arg(long, default_value_t = 0.0)]
    rate_limit_rate: f64,
    /// Refuse the first N submissions with 429 + `--rate-limit-code`.
    #[arg(long, default_value_t = 0)]
    rate_limit_first: u32,
    /// Kling code of rate-limit refusals: 1302 (rate) or 1303 (concurrency).
    #[arg(long, default_value_t = 1302)]
    rate_limit_code: u16,
    /// Send `Retry-After: N` with rate-limit refusals.
    #[arg(long)]
    retry_after: Option<u64>,
    /// Refuse submissions with 1303 while this many tasks are running.
    #[arg(long)]
    max_running: Option<usize>,
    /// Rate of HTTP 500 (code 5000) answers.
    #[arg(long, default_value_t = 0.0)]
    server_error_rate: f64,
    /// Rate of HTML 502 gateway pages.
    #[arg(long, default_value_t = 0.0)]
    gateway_page_rate: f64,
    /// Milliseconds of latency before each API answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Rate of API replies cut off mid-body.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Rate of downloads cut off halfway.
    #[arg(long, default_value_t = 0.0)]
    truncate_rate: f64,
    /// Rate of downloads answered 403 (expired link).
    #[arg(long, default_value_t = 0.0)]
    expired_rate: f64,
    /// Echo the caller's key in replies (messages, the streaming text).
    #[arg(long)]
    echo_key: bool,
    /// Answer every API request with a 307 redirect to this base URL (another host).
    #[arg(long, value_name = "URL")]
    redirect_api_to: Option<String>,
    /// Answer the OpenAI front's content route with a 302 to another origin (`localhost`).
    #[arg(long)]
    redirect_content: bool,
    /// Pad successful API replies (and the first streaming event) to this many bytes.
    #[arg(long, default_value_t = 0, value_name = "BYTES")]
    huge_reply_bytes: u64,
    /// Send videos one byte at a time, pausing this many milliseconds between bytes.
    #[arg(long, value_name = "MS")]
    drip_download_ms: Option<u64>,
    /// Answer API requests with a proxy's HTML page of this status (401 or 403).
    #[arg(long, value_parser = ["401", "403"])]
    auth_page: Option<String>,
    /// Answer submissions with HTTP 200 and this unknown business code.
    #[arg(long, value_name = "CODE")]
    unknown_submit_code: Option<i64>,
    /// Prefix every task id with this text (e.g. `../../`), as a hostile relay might.
    #[arg(long, value_name = "TEXT")]
    task_id_prefix: Option<String>,
    /// Create the first N submitted tasks but cut their replies off (a lost create reply).
    #[arg(long, default_value_t = 0, value_name = "N")]
    drop_first_creates: u32,
    /// Refuse the next N Kling-front requests with 401/1004 (token expired).
    #[arg(long, default_value_t = 0, value_name = "N")]
    expire_tokens: u32,
    /// Hold each accepted submission's reply this long after creating the task.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    create_reply_delay_ms: u64,
    /// The Kling front's access key (the JWT `iss`).
    #[arg(long, default_value = DEFAULT_KLING_ACCESS_KEY)]
    kling_access_key: String,
    /// The Kling front's secret key (verifies JWTs).
    #[arg(long, default_value = DEFAULT_KLING_SECRET_KEY)]
    kling_secret_key: String,
    /// The Kling front's API key.
    #[arg(long, default_value = DEFAULT_KLING_API_KEY)]
    kling_api_key: String,
    /// Sign the Kling front's callbacks with this secret (`whsec_<base64>`).
    #[arg(long, value_name = "SECRET")]
    webhook_secret: Option<String>,
}

impl Args {
    fn config(&self) -> FakeRelayConfig {
        let mut faults = Faults::default();
        if self.rate_limit_rate > 0.0 || self.rate_limit_first > 0 {
            let mut limit = RateLimitFault::rate(self.rate_limit_code, self.rate_limit_rate);
            limit.first = self.rate_limit_first;
            limit.retry_after_secs = self.retry_after;
            faults.rate_limit = Some(limit);
        }
        faults.max_running_tasks = self.max_running;
        faults.server_error_rate = self.server_error_rate;
        faults.gateway_page_rate = self.gateway_page_rate;
        faults.latency = Duration::from_millis(self.latency_ms);
        faults.drop_mid_body_rate = self.drop_rate;
        faults.truncate_download_rate = self.truncate_rate;
        faults.expired_link_rate = self.expired_rate;
        faults.echo_key = self.echo_key;
        faults.redirect_api_to = self.redirect_api_to.clone();
        faults.redirect_content = self.redirect_content;
        faults.huge_reply_bytes = self.huge_reply_bytes;
        faults.drip_download = self.drip_download_ms.map(Duration::from_millis);
        faults.auth_page = self.auth_page.as_deref().and_then(|s| s.parse().ok());
        faults.unknown_submit_code = self.unknown_submit_code;
        faults.task_id_prefix = self.task_id_prefix.clone();
        faults.dropped_create_replies = self.drop_first_creates;
        faults.expired_tokens = self.expire_tokens;
        faults.create_reply_delay = Duration::from_millis(self.create_reply_delay_ms);
        let mut config = FakeRelayConfig::default()
            .with_kling_keys(self.kling_access_key.clone(), self.kling_secret_key.clone())
            .with_kling_api_key(self.kling_api_key.clone());
        if let Some(secret) = &self.webhook_secret {
            config = config.with_webhook_secret(secret.clone());
        }
        config
            .with_port(self.port)
            .with_key(self.key.clone())
            .with_render_time(Duration::from_millis(self.render_ms))
            .with_fail_marker(self.fail_marker.clone())
            .with_video_bytes(self.video_bytes)
            .with_seed(self.seed)
            .with_stream_interval(Duration::from_millis(self.stream_interval_ms))
            .with_faults(faults)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match FakeRelay::start(args.config()).await {
        Ok(relay) => {
            println!("{}", relay.base_url());
            eprintln!(
                "dmx-fake: relay key {:?} (also the key of the OpenAI front at {}, MiniMax at {}, \
                 Runway at {}); Kling access key {:?}, secret key {:?}, API key {:?}; counters at \
                 {}/debug/counters; Ctrl-C stops",
                relay.key(),
                relay.openai_base_url(),
                relay.minimax_base_url(),
                relay.runway_base_url(),
                relay.kling_access_key(),
                relay.kling_secret_key(),
                relay.kling_api_key(),
                relay.base_url()
            );
            relay.run_until_ctrl_c().await;
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "dmx-fake: cannot listen on 127.0.0.1:{}: {error}",
                args.port
            );
            ExitCode::FAILURE
        }
    }
}
