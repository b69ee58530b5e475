//! # video-providers
//!
//! Every provider the SDK ships, listed once: a [`ProviderRow`] per provider (its name,
//! what it is, its models with their capabilities, the environment variables that configure
//! it, its `--option`s, its default [`PollPolicy`], whether it is configured, how to build
//! it), each behind a cargo feature. The `video` command, the Restate worker, the examples
//! and the benches build providers only through a [`Registry`], so adding a provider is its
//! crate plus one row; `video providers` and `video models` print it.
//!
//! ```
//! use video_providers::{Registry, Settings, VarMap};
//!
//! let registry = Registry::builtin();
//! let env = VarMap::from([("VIDEO_MOCK_RENDER_MS", "10")]);
//! let built = registry.build("mock", &Settings::new(&env)).unwrap();
//! assert_eq!(built.provider.name(), "mock");
//! assert!(registry.names().contains(&"mock"));
//! ```
//!
//! Configuration is read through an [`Env`] (the process environment, or a map in tests),
//! never from global state the caller did not hand over.

mod catalog;
mod env;
mod registry;
mod rows;

pub use catalog::{CATALOG_VAR, Catalog, CatalogModel, Price, Route, Tier};
pub use env::{Env, ProcessEnv, VarMap};
pub use registry::{Built, Choice, ModelInfo, ProviderRow, Registry, Settings, VarDoc};
pub use video_core::PollPolicy;
