//! `KlingClient` over real HTTP on loopback (wiremock): every `direct_*` fixture, every row
//! of Kling's error table, token re-minting after a refusal, lookup by client reference.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod common;
mod errors;
mod fixtures;
mod lookup;
