//! Runnable examples for the video SDK; see the `examples` targets. This library only
//! compiles README.md's code as a doc test.

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
