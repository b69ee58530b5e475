//! Reply bodies every Kling-speaking front shares (the task object, the envelope, business
//! errors, gateway and proxy pages, faulted replies), written as literal JSON from the
//! protocol notes — deliberately not from the clients' wire types, so a mistake the two
//! share cannot hide.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::engine::{Engine, FakeTask, Stage};

/// The message a task ending `failed` carries (a content-safety rejection, as Kling words it).
pub(crate) const FAILURE_MESSAGE: &str = "Failure to pass the risk control system";

/// A request id for a reply, unique per task and status.
pub(crate) fn request_id(seed: &str) -> String {
    let hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("fake-{hash:016x}")
}

/// The reply to a create that made a task: cut off mid-body instead when a lost create reply
/// is scripted ([`crate::Faults::dropped_create_replies`]; counted as a fault).
pub(crate) fn created(state: &Engine, body: &Value) -> Response {
    if state.take_dropped_create() {
        crate::engine::AtomicCounters::bump(&state.counters.faults_injected);
        return cut_off(body);
    }
    reply(state, body)
}

/// The value of `key` in a request's query string, if it is there.
pub(crate) fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.into_owned())
}

/// The signed-looking URL the relay serves a task's video at (a new link each time).
pub(crate) fn video_url(state: &Engine, task: &FakeTask) -> String {
    link_url(state, task, state.mint_link())
}

/// The URL of `task`'s video as link number `link`.
pub(crate) fn link_url(state: &Engine, task: &FakeTask, link: u64) -> String {
    let query = format!(
        "cacheKey=fake{}&x-kcdn-pid=112757&link={link}",
        state.config.seed
    );
    let Ok(mut url) = url::Url::parse(&state.base_url) else {
        return format!("{}/videos/{}.mp4?{query}", state.base_url, task.id);
    };
    if let Ok(mut segments) = url.path_segments_mut() {
        // Pushed as one segment: any `/` or `..` in a hostile id is percent-encoded.
        segments.push("videos").push(&format!("{}.mp4", task.id));
    }
    url.set_query(Some(&query));
    url.into()
}

/// The flat task object (the `data` of a reply, and the body of a callback).
pub(crate) fn task_object(state: &Engine, task: &FakeTask, now: Instant) -> Value {
    let render = state.config.render_time;
    let stage = task.stage_at(now, render);
    let mut object = json!({
        "task_id": task.id,
        "task_status": stage.as_str(),
        "task_status_msg": status_message(stage),
        "task_info": task_info(task),
        "created_at": task.created_ms,
        "updated_at": task.updated_ms(now, render),
    });
    if stage == Stage::Succeed {
        object["final_unit_deduction"] = json!("1");
        object["task_result"] = json!({
            "videos": [{
                "id": format!("{}1", task.id),
                "url": video_url(state, task),
                "duration": format!("{}.041", task.duration_secs),
            }]
        });
    }
    object
}

/// `task_info`: the external id when one was given, else `{}`.
fn task_info(task: &FakeTask) -> Value {
    match &task.external_id {
        Some(external) => json!({ "external_task_id": external }),
        None => json!({}),
    }
}

/// The task's message: the failure reason, or empty (the echo fault appends the credential
/// in `crate::echo`).
fn status_message(stage: Stage) -> String {
    if stage == Stage::Failed {
        FAILURE_MESSAGE.to_owned()
    } else {
        String::new()
    }
}

/// `{code: 0, message: "SUCCEED", request_id, data}`.
pub(crate) fn envelope(data: Value, request_id: String) -> Value {
    json!({ "code": 0, "message": "SUCCEED", "request_id": request_id, "data": data })
}

/// A Kling business error: `{code, message, request_id}` with its HTTP status.
pub(crate) fn kling_error(status: StatusCode, code: i64, message: &str) -> Response {
    let body = json!({ "code": code, "message": message, "request_id": request_id(message) });
    json_response(status, &body)
}

/// An nginx-style HTML gateway page.
pub(crate) fn gateway_page() -> Response {
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n";
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        html,
    )
        .into_response()
}

/// A proxy's HTML page refusing the request (401 or 403), before the relay sees it.
pub(crate) fn auth_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
    let reason = status.canonical_reason().unwrap_or("Unauthorized");
    let html = format!(
        "<html>\n<head><title>{code} {reason}</title></head>\n<body>\n<center><h1>{code} {reason}</h1></center>\n<hr><center>corporate-proxy</center>\n</body>\n</html>\n",
        code = status.as_u16()
    );
    (status, [(header::CONTENT_TYPE, "text/html")], html).into_response()
}

/// A `307 Temporary Redirect` of an API call to the same path on `base_url`.
pub(crate) fn redirect(base_url: &str, path: &str) -> Response {
    let location = format!("{}{path}", base_url.trim_end_matches('/'));
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A successful API reply with the configured body faults applied: cut off mid-body at the
/// configured rate, or padded to the configured size.
pub(crate) fn reply(state: &Engine, body: &Value) -> Response {
    let faults = &state.config.faults;
    if state.roll(faults.drop_mid_body_rate) {
        return cut_off(body);
    }
    if faults.huge_reply_bytes > 0 {
        return padded(&body.to_string(), faults.huge_reply_bytes);
    }
    json_response(StatusCode::OK, body)
}

/// `text` (a JSON object) with a `"padding"` member in front making it at least `at_least`
/// bytes, generated chunk by chunk.
fn padded(text: &str, at_least: u64) -> Response {
    let rest = text.strip_prefix('{').unwrap_or(text).to_owned();
    let head = "{\"padding\":\"";
    let overhead = (head.len() + 2 + rest.len()) as u64;
    let fill = at_least.saturating_sub(overhead);
    let total = overhead + fill;
    let body = Body::from_stream(padding_chunks(head, fill, format!("\",{rest}")));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    response
}

/// `head`, then `fill` bytes of `x` in 64 KiB chunks, then `tail`.
pub(crate) fn padding_chunks(
    head: &str,
    fill: u64,
    tail: String,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    const CHUNK: u64 = 64 * 1024;
    let block = Bytes::from(vec![b'x'; CHUNK as usize]);
    let filler = futures::stream::unfold(fill, move |left| {
        let block = block.clone();
        async move {
            (left > 0).then(|| {
                let take = left.min(CHUNK);
                (Ok(block.slice(..take as usize)), left - take)
            })
        }
    });
    let head = futures::stream::once(std::future::ready(Ok(Bytes::from(head.to_owned()))));
    let tail = futures::stream::once(std::future::ready(Ok(Bytes::from(tail))));
    futures::StreamExt::chain(futures::StreamExt::chain(head, filler), tail)
}

/// A JSON reply.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A JSON reply that announces its full length but is cut off halfway (the connection drops).
pub(crate) fn cut_off(body: &Value) -> Response {
    let bytes = Bytes::from(body.to_string());
    let half = bytes.slice(..bytes.len() / 2);
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault: dropped mid-body",
        )),
    ];
    let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    response
}
