//! The error table, row by row.

use super::*;
use video_core::RateLimitScope;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn kling(code: i64, message: &str) -> Vec<u8> {
    serde_json::json!({"code": code, "message": message, "request_id": "req-1"})
        .to_string()
        .into_bytes()
}

fn relay(code: &str, message: &str) -> Vec<u8> {
    serde_json::json!({"error": {"message": message, "type": "dmxapi_error", "param": "", "code": code}})
        .to_string()
        .into_bytes()
}

fn secs(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n))
}

/// One row: what arrives, and what it must become.
struct Row {
    name: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
    call: Call,
    /// `VideoError::kind()`, or `ok`.
    kind: &'static str,
    retryable: bool,
    unaccepted: bool,
    expect_retry_after: Option<Duration>,
}

#[allow(clippy::too_many_arguments)]
fn row(
    name: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
    call: Call,
    kind: &'static str,
    retryable: bool,
    unaccepted: bool,
    expect_retry_after: Option<Duration>,
) -> Row {
    Row {
        name,
        status,
        retry_after,
        body,
        call,
        kind,
        retryable,
        unaccepted,
        expect_retry_after,
    }
}

#[rustfmt::skip]
fn table() -> Vec<Row> {
    use Call::{Query as Q, Submit as S};
    let f = fixture;
    vec![
        // Kling business codes, decided before the HTTP status.
        row("1000", 401, None, kling(1000, "auth failed"), S, "unauthorized", false, false, None),
        row("1004", 401, None, kling(1004, "key expired"), Q, "unauthorized", false, false, None),
        row("1100", 429, None, kling(1100, "account abnormal"), S, "quota_exceeded", false, false, None),
        row("1101", 429, None, kling(1101, "arrears"), S, "quota_exceeded", false, false, None),
        row("1102 fixture", 429, secs(5), f("error_kling_1102_quota.json"), S, "quota_exceeded", false, false, None),
        row("1103", 403, None, kling(1103, "no access"), S, "forbidden", false, false, None),
        row("1200", 400, None, kling(1200, "bad request"), S, "invalid_request", false, false, None),
        row("1201 fixture", 400, None, f("error_kling_1201_invalid.json"), S, "invalid_request", false, false, None),
        row("1202", 404, None, kling(1202, "unknown method"), S, "configuration", false, false, None),
        row("1203 submit", 404, None, kling(1203, "model not found"), S, "configuration", false, false, None),
        row("1203 query fixture", 404, None, f("error_task_not_found.json"), Q, "not_found", false, false, None),
        row("1300", 400, None, kling(1300, "policy"), S, "content_rejected", false, false, None),
        row("1301", 400, None, kling(1301, "content safety"), S, "content_rejected", false, false, None),
        row("1302 fixture", 429, secs(2), f("error_kling_1302_rate_limit.json"), S, "rate_limited", true, true, secs(2)),
        row("1302 no header", 429, None, kling(1302, "rate"), S, "rate_limited", true, true, secs(1)),
        row("1302 header 0", 429, secs(0), kling(1302, "rate"), S, "rate_limited", true, true, secs(1)),
        row("1303 fixture", 429, None, f("error_kling_1303_concurrency.json"), S, "rate_limited", true, true, None),
        row("1303 header", 429, secs(7), kling(1303, "parallel"), S, "rate_limited", true, true, secs(7)),
        row("1304 (429)", 429, secs(1), kling(1304, "ip not allowed"), S, "forbidden", false, false, None),
        row("5000", 500, None, kling(5000, "server error"), S, "provider", true, false, None),
        row("5001", 503, None, kling(5001, "unavailable"), Q, "provider", true, false, None),
        row("5002", 504, None, kling(5002, "timeout"), Q, "provider", true, false, None),
        row("unknown code", 400, None, kling(9999, "new"), S, "provider", false, false, None),
        row("kling code with HTTP 200", 200, None, kling(1303, "p"), S, "rate_limited", true, true, None),
        // Success, whatever the status.
        row("submit ok", 200, None, f("submit_ok.json"), S, "ok", false, false, None),
        row("wrapped success (400)", 400, None, f("submit_wrapped_success.json"), S, "ok", false, false, None),
        row("query succeed", 200, None, f("query_succeed.json"), Q, "ok", false, false, None),
        row("query failed task", 200, None, f("query_failed.json"), Q, "ok", false, false, None),
        row(
            "wrapped kling code, no top-level code",
            429,
            None,
            relay("dmxapi_kling_error_1303", "parallel"),
            S,
            "rate_limited",
            true,
            true,
            None,
        ),
        // Relay errors without a Kling code, by HTTP status.
        row("relay 400", 400, None, relay("invalid_request", "bad json"), S, "invalid_request", false, false, None),
        row("relay 401 fixture", 401, None, f("error_relay_unauthorized.json"), S, "unauthorized", false, false, None),
        row("relay 403", 403, None, relay("insufficient_quota", "quota used up"), S, "quota_exceeded", false, false, None),
        row("relay 404", 404, None, relay("not_found", "Invalid URL"), Q, "configuration", false, false, None),
        row("relay 413", 413, None, relay("too_large", "body too large"), S, "invalid_request", false, false, None),
        row("relay 429", 429, secs(3), relay("rate_limit", "upstream busy"), S, "rate_limited", true, true, secs(3)),
        row("relay 429 no header", 429, None, relay("rate_limit", "busy"), S, "rate_limited", true, true, None),
        row("relay 500", 500, None, relay("internal", "oops"), S, "provider", true, false, None),
        row("relay 502", 502, None, relay("bad_gateway", "upstream"), Q, "provider", true, false, None),
        row("relay 503 no channel fixture", 503, None, f("error_relay_no_channel.json"), S, "configuration", false, false, None),
        row("relay 503 busy", 503, None, relay("", "upstream overloaded"), Q, "provider", true, false, None),
        row("relay 504", 504, None, relay("timeout", "upstream timeout"), Q, "provider", true, false, None),
        row("relay 524", 524, None, relay("timeout", "a timeout occurred"), Q, "provider", true, false, None),
        row("relay 418", 418, None, relay("teapot", "odd"), Q, "provider", false, false, None),
        row("relay error with HTTP 200", 200, None, relay("weird", "odd"), Q, "provider", false, false, None),
        // Not what the protocol says.
        row("gateway html 502", 502, None, f("error_gateway.html"), Q, "provider", true, false, None),
        row("empty body 200", 200, None, Vec::new(), Q, "decode", true, false, None),
        row("json array", 200, None, b"[1,2]".to_vec(), Q, "decode", true, false, None),
        row("empty object 200", 200, None, b"{}".to_vec(), Q, "decode", true, false, None),
        row("code 0 without data", 200, None, br#"{"code":0,"message":"SUCCEED"}"#.to_vec(), S, "decode", true, false, None),
        row("html 429", 429, secs(4), b"<html>Too Many Requests</html>".to_vec(), S, "rate_limited", true, true, secs(4)),
        row("html 404", 404, None, b"<html>Not Found</html>".to_vec(), S, "configuration", false, false, None),
    ]
}

#[test]
fn every_row_of_the_error_table() {
    let task_id = TaskId::new("840242793980637239");
    let rows = table();
    assert!(rows.len() > 40);
    for row in rows {
        let result = classify(
            row.status,
            row.retry_after,
            &row.body,
            row.call,
            Some(&task_id),
        );
        match (&result, row.kind) {
            (Ok(envelope), "ok") => assert!(envelope.task_id().is_some(), "{}", row.name),
            (Ok(_), kind) => panic!("{}: expected {kind}, got success", row.name),
            (Err(error), kind) => {
                assert_eq!(error.kind(), kind, "{}: {error}", row.name);
                assert_eq!(
                    error.is_retryable(),
                    row.retryable,
                    "{}: retryable",
                    row.name
                );
                assert_eq!(
                    error.is_unaccepted_submission(),
                    row.unaccepted,
                    "{}: unaccepted",
                    row.name
                );
                assert_eq!(
                    error.retry_after(),
                    row.expect_retry_after,
                    "{}: retry_after",
                    row.name
                );
            }
        }
    }
}

fn error(status: u16, body: &[u8], call: Call) -> VideoError {
    let id = TaskId::new("840242793980637239");
    match classify(status, None, body, call, Some(&id)) {
        Err(error) => error,
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn details_are_kept() {
    match error(
        429,
        &fixture("error_kling_1303_concurrency.json"),
        Call::Submit,
    ) {
        error @ VideoError::RateLimited { .. } => {
            assert!(matches!(
                error,
                VideoError::RateLimited {
                    scope: RateLimitScope::Concurrency,
                    ..
                }
            ));
            assert!(
                error
                    .to_string()
                    .contains("parallel task over resource pack limit")
            );
            assert_eq!(
                error.request_id(),
                Some("9d9d9d9d-1111-2222-3333-444444444444")
            );
            assert_eq!(error.code(), Some("1303"));
        }
        other => panic!("{other:?}"),
    }
    match error(
        429,
        &fixture("error_kling_1302_rate_limit.json"),
        Call::Submit,
    ) {
        VideoError::RateLimited { scope, .. } => assert_eq!(scope, RateLimitScope::Requests),
        other => panic!("{other:?}"),
    }
    match error(503, &kling(5001, "unavailable"), Call::Query) {
        error @ VideoError::Provider { .. } => {
            assert_eq!(error.code(), Some("5001"));
            assert_eq!(error.request_id(), Some("req-1"));
            assert!(error.is_retryable());
            assert!(
                matches!(error, VideoError::Provider { ref message, .. } if message == "unavailable")
            );
        }
        other => panic!("{other:?}"),
    }
    match error(500, &relay("", "oops"), Call::Query) {
        error @ VideoError::Provider { .. } => assert_eq!(error.code(), Some("500")),
        other => panic!("{other:?}"),
    }
    match error(404, &fixture("error_task_not_found.json"), Call::Query) {
        VideoError::NotFound { task_id } => assert_eq!(task_id.as_str(), "840242793980637239"),
        other => panic!("{other:?}"),
    }
    match error(502, &fixture("error_gateway.html"), Call::Query) {
        error @ VideoError::Provider { .. } => {
            assert_eq!(error.details().and_then(|d| d.http_status()), Some(502));
            assert!(error.is_retryable(), "a gateway's page is transient");
            assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    match error(503, &fixture("error_relay_no_channel.json"), Call::Submit) {
        VideoError::Configuration { message, .. } => {
            assert!(message.contains("no available channel"));
        }
        other => panic!("{other:?}"),
    }
    match error(401, &fixture("error_relay_unauthorized.json"), Call::Submit) {
        VideoError::Unauthorized { message, .. } => assert!(message.contains("invalid token")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_request_names_the_field() {
    let field = |body: &[u8]| match error(400, body, Call::Submit) {
        VideoError::InvalidRequest { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(&fixture("error_kling_1201_invalid.json")),
        "duration_secs"
    );
    assert_eq!(field(&kling(1200, "bad")), "request");
    assert_eq!(field(&kling(1201, "invalid input format")), "request");
    assert_eq!(
        field(&kling(1201, "negative_prompt too long")),
        "negative_prompt"
    );
    assert_eq!(
        field(&kling(1201, "aspect_ratio not supported")),
        "aspect_ratio"
    );
    let with_param = serde_json::json!({"error": {"message": "bad", "param": "mode", "code": "x"}});
    assert_eq!(field(with_param.to_string().as_bytes()), "quality");
    let unknown_param =
        serde_json::json!({"error": {"message": "bad", "param": "cfg_scale", "code": "x"}});
    assert_eq!(field(unknown_param.to_string().as_bytes()), "cfg_scale");
}

#[test]
fn query_without_task_id_treats_1203_as_configuration() {
    let result = classify(404, None, &kling(1203, "not found"), Call::Query, None);
    assert!(matches!(result, Err(VideoError::Configuration { .. })));
}
