//! Runnable examples for the video SDK; see the `examples` targets. This library only
//! compiles (and runs) README.md's code as a doc test, so what it shows keeps working
//! (docs/testing.md is a doc test of `video-mock`).

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
