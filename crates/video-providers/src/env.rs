//! Where configuration comes from: [`Env`], with the process environment ([`ProcessEnv`])
//! and a map ([`VarMap`], for tests and apps that configure providers in code).

use std::collections::HashMap;

/// A source of configuration variables. Empty values count as unset everywhere.
pub trait Env: Send + Sync + std::fmt::Debug {
    /// The variable's value, if set.
    fn var(&self, name: &str) -> Option<String>;

    /// The variable's value when set and not blank.
    fn set(&self, name: &str) -> Option<String> {
        self.var(name).filter(|value| !value.trim().is_empty())
    }
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// Variables from a map.
///
/// ```
/// use video_providers::{Env, VarMap};
/// let env = VarMap::from([("DMXAPI_API_KEY", "sk-1"), ("EMPTY", " ")]);
/// assert_eq!(env.set("DMXAPI_API_KEY").as_deref(), Some("sk-1"));
/// assert_eq!(env.set("EMPTY"), None);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct VarMap(HashMap<String, String>);

impl VarMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `name` set to `value`.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(name.into(), value.into());
        self
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for VarMap {
    fn from(pairs: [(K, V); N]) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        )
    }
}

impl Env for VarMap {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// Names only: values may be credentials.
impl std::fmt::Debug for VarMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort();
        f.debug_tuple("VarMap").field(&names).finish()
    }
}
