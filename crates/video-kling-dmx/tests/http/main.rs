//! Integration tests over real HTTP on loopback: wiremock for fine-grained replies, tiny raw
//! TCP servers for dropped connections and chunked writes. One test binary, several modules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod conformance;
mod download;
mod images;
mod network;
mod replies;
mod retry;
mod secrets;
mod stream;
