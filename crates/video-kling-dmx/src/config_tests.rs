//! Tests of the builder: defaults, the environment, the endpoint and refusals.

use super::*;
use video_dmx::endpoint;

#[test]
fn the_key_never_goes_over_plain_http_to_a_remote_host() {
    let build = |url: &str, allow: bool| {
        KlingDmxClientBuilder::new()
            .api_key("sk-TEST-SECRET-9f8e7d")
            .base_url(url)
            .allow_insecure_http(allow)
            .build()
    };
    let refused = build("http://relay.example.com", false).unwrap_err();
    assert!(refused.to_string().contains("plain http"), "{refused}");
    assert!(!refused.to_string().contains("sk-TEST"));
    assert!(build("http://relay.example.com", true).is_ok());
    assert!(build("http://localhost:8787", false).is_ok());
    assert!(build("https://www.dmxapi.cn", false).is_ok());
}

#[test]
fn base_url_variants_all_reach_the_same_endpoint() {
    for base in [
        "https://www.dmxapi.cn",
        "https://www.dmxapi.cn/",
        "https://www.dmxapi.cn/v1",
        "https://www.dmxapi.cn/v1/",
        "https://www.dmxapi.cn/v1/responses",
        "  https://www.dmxapi.cn//  ",
    ] {
        assert_eq!(
            endpoint(base).unwrap().as_str(),
            "https://www.dmxapi.cn/v1/responses",
            "{base}"
        );
    }
    assert_eq!(
        endpoint("http://127.0.0.1:8080/proxy/v1").unwrap().as_str(),
        "http://127.0.0.1:8080/proxy/v1/responses"
    );
}

#[test]
fn bad_base_urls_are_configuration_errors() {
    for base in [
        "",
        "www.dmxapi.cn",
        "ftp://host/",
        "not a url",
        "file:///tmp",
    ] {
        assert!(
            matches!(endpoint(base), Err(VideoError::Configuration { .. })),
            "{base}"
        );
    }
}

#[test]
fn missing_or_empty_key_fails_without_leaking() {
    for builder in [
        KlingDmxClientBuilder::new(),
        KlingDmxClientBuilder::new().api_key(""),
        KlingDmxClientBuilder::new().api_key("   "),
    ] {
        match builder.build() {
            Err(VideoError::MissingCredentials { env, .. }) => assert_eq!(env, [ENV_API_KEY]),
            other => panic!("{other:?}"),
        }
    }
    let secret = "sk-TEST-SECRET-9f8e7d\n\u{7}";
    let error = KlingDmxClientBuilder::new()
        .api_key(secret)
        .build()
        .unwrap_err();
    assert!(!format!("{error} {error:?}").contains("sk-TEST-SECRET"));
}

#[test]
fn other_options_are_checked() {
    let base = || KlingDmxClientBuilder::new().api_key("sk-x");
    assert!(base().max_in_flight(0).build().is_err());
    assert!(base().max_downloads_in_flight(0).build().is_err());
    assert!(base().submit_model(" ").build().is_err());
    assert!(base().user_agent("bad\nagent").build().is_err());
    assert!(base().base_url("ftp://x").build().is_err());
    assert!(base().build().is_ok());
}

#[test]
fn from_lookup_reads_key_and_base_url() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let client = KlingDmxClientBuilder::from_lookup(env(&[
        (ENV_API_KEY, "sk-env"),
        (ENV_BASE_URL, "http://127.0.0.1:9/v1"),
    ]))
    .build()
    .unwrap();
    assert_eq!(client.endpoint(), "http://127.0.0.1:9/v1/responses");

    let client =
        KlingDmxClientBuilder::from_lookup(env(&[(ENV_API_KEY, "sk-env"), (ENV_BASE_URL, "")]))
            .build()
            .unwrap();
    assert_eq!(client.endpoint(), "https://www.dmxapi.cn/v1/responses");

    let missing = KlingDmxClientBuilder::from_lookup(env(&[(ENV_API_KEY, "")])).build();
    assert!(matches!(
        missing,
        Err(VideoError::MissingCredentials { .. })
    ));
}

#[test]
fn debug_never_prints_the_key() {
    let secret = "sk-TEST-SECRET-9f8e7d";
    let builder = KlingDmxClientBuilder::new().api_key(secret);
    let shown = format!("{builder:?}");
    assert!(shown.contains("api_key: [redacted]"), "{shown}");
    assert!(!shown.contains(secret));
    let client = builder.build().unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert!(shown.contains("[redacted]"));
    assert!(!shown.contains(secret));
}

#[test]
fn image_options_are_checked() {
    let base = || KlingDmxClientBuilder::new().api_key("sk-x");
    assert!(base().image_submit_model(" ").build().is_err());
    assert!(base().image_query_model("").build().is_err());
    assert!(base().snapshot_window(Duration::ZERO).build().is_err());
    let client = base()
        .image_submit_model("kling-v2-6-image2video")
        .image_query_form(QueryForm::Json)
        .snapshot_window(Duration::from_secs(5))
        .build();
    assert!(client.is_ok());
}
