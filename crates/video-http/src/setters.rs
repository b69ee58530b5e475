//! [`http_option_setters!`]: the HTTP setters every provider's builder offers, written once.

/// Expands, inside a builder's `impl` block, the setters of the [`crate::HttpOptions`] held in
/// field `$field`: timeouts, caps, the user agent, a caller-supplied client, insecure http,
/// reply and video size limits, download deadline and throughput. Each returns `Self`.
///
/// ```
/// use video_http::HttpOptions;
///
/// struct MyBuilder {
///     http: HttpOptions,
/// }
///
/// impl MyBuilder {
///     video_http::http_option_setters!(http);
/// }
///
/// let builder = MyBuilder { http: HttpOptions::new("my-provider/1") }
///     .request_timeout(std::time::Duration::from_secs(30))
///     .max_in_flight(16);
/// assert_eq!(builder.http.max_in_flight, 16);
/// ```
#[macro_export]
macro_rules! http_option_setters {
    ($field:ident) => {
        /// How long to wait for a connection (default 10 s). Ignored with `http_client`,
        /// which keeps its own.
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.connect_timeout = timeout;
            self
        }

        /// The whole-call limit of an API request, and the idle limit of a download
        /// (default 60 s).
        pub fn request_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.request_timeout = timeout;
            self
        }

        /// The most HTTP requests in flight at once, downloads included (default 64).
        pub fn max_in_flight(mut self, requests: usize) -> Self {
            self.$field.max_in_flight = requests;
            self
        }

        /// The most video downloads at once (default 8); each also takes a slot of
        /// `max_in_flight`. Downloads hold buffers while they run, so this bounds memory when
        /// many tasks finish together.
        pub fn max_downloads_in_flight(mut self, downloads: usize) -> Self {
            self.$field.max_downloads_in_flight = downloads;
            self
        }

        /// The `User-Agent` header (default `<crate>/<version>`).
        pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
            self.$field.user_agent = agent.into();
            self
        }

        /// Uses a caller-supplied HTTP client (proxies, custom roots, ...) for API calls and
        /// downloads. It keeps its own connect timeout and redirect policy; build it with
        /// `redirect(Policy::none())` or a capped policy: an API call that was redirected
        /// anyway fails with `VideoError::Configuration` naming the host. Do not give it
        /// default headers carrying secrets, since downloads go to third-party hosts.
        pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
            self.$field.http_client = Some(client);
            self
        }

        /// Allows plain `http` to non-loopback hosts (default false; loopback is always
        /// allowed): for the base URL, which would carry the credentials unencrypted, and for
        /// video downloads.
        pub fn allow_insecure_http(mut self, allow: bool) -> Self {
            self.$field.allow_insecure_http = allow;
            self
        }

        /// The largest API reply body read, and the largest single event of a streamed reply
        /// (default 4 MiB). A larger one fails with `VideoError::TooLarge` without being read
        /// on.
        pub fn max_reply_bytes(mut self, bytes: u64) -> Self {
            self.$field.max_reply_bytes = bytes;
            self
        }

        /// The overall deadline of a video download before its size allowance (default 2
        /// minutes). A download of `n` bytes may take this plus `n` divided by the minimum
        /// throughput; when the length is not announced, the allowance of the largest video.
        pub fn download_deadline(mut self, base: ::std::time::Duration) -> Self {
            self.$field.downloads.base_deadline = base;
            self
        }

        /// The slowest acceptable download: at least `bytes_per_sec` on average over every
        /// `window` (default 32 KiB/s over 30 s). A server dripping bytes fails the download
        /// with a retryable transport error instead of holding it open.
        pub fn download_min_throughput(
            mut self,
            bytes_per_sec: u64,
            window: ::std::time::Duration,
        ) -> Self {
            self.$field.downloads.min_bytes_per_sec = bytes_per_sec;
            self.$field.downloads.window = window;
            self
        }

        /// The largest video accepted (default 4 GiB): a larger announced length is refused
        /// before reading, and a body that grows past it is cut off, with
        /// `VideoError::TooLarge`.
        pub fn max_video_bytes(mut self, bytes: u64) -> Self {
            self.$field.downloads.max_bytes = bytes;
            self
        }
    };
}
