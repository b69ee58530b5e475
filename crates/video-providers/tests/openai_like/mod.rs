//! A test-only third provider of the OpenAI videos shape, written on the SDK's seams
//! (`video-http`, `video-http::wire`, the registry) to show what a provider of another
//! shape costs: `client.rs` + `convert.rs` (the provider code) and `wire.rs`.

pub(crate) mod client;
pub(crate) mod convert;
pub(crate) mod wire;
