//! [`Registry`] and its [`ProviderRow`]s: which providers exist, how each is configured and
//! built, and which one a command should use.

use std::sync::Arc;

use video_core::{Capabilities, PollPolicy, Rule, VideoError, VideoProvider};

use crate::env::Env;

/// An environment variable a provider reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarDoc {
    /// Its name (`DMXAPI_API_KEY`).
    pub name: &'static str,
    /// What it does.
    pub about: &'static str,
    /// Whether a credential (its value is never printed).
    pub secret: bool,
}

/// A model a provider serves, with what it accepts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ModelInfo {
    /// The id the provider's API names it by.
    pub id: String,
    /// What this model value accepts.
    pub capabilities: Capabilities,
    /// Its modes in words, when the capabilities do not say it all (`first frame only`,
    /// `references`).
    pub modes: Option<String>,
}

impl ModelInfo {
    /// A model `id` accepting `capabilities`.
    pub fn new(id: impl Into<String>, capabilities: Capabilities) -> Self {
        Self {
            id: id.into(),
            capabilities,
            modes: None,
        }
    }

    /// With its modes in words.
    #[must_use]
    pub fn with_modes(mut self, modes: impl Into<String>) -> Self {
        self.modes = Some(modes.into());
        self
    }
}

/// What a provider is built with.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Settings<'a> {
    /// Where its variables come from.
    pub env: &'a dyn Env,
    /// The model to serve (the row's default when `None`).
    pub model: Option<&'a str>,
    /// Allow plain http to a non-loopback host (the credentials would travel unencrypted).
    pub allow_insecure_http: bool,
}

impl<'a> Settings<'a> {
    /// Settings reading `env`, with the default model and https required.
    pub fn new(env: &'a dyn Env) -> Self {
        Self {
            env,
            model: None,
            allow_insecure_http: false,
        }
    }

    /// With a model.
    #[must_use]
    pub fn model(mut self, model: Option<&'a str>) -> Self {
        self.model = model;
        self
    }

    /// With plain http to non-loopback hosts allowed (or not).
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }
}

/// A built provider and the policy its tasks are waited with by default.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Built {
    /// The provider value (one model on one route).
    pub provider: Arc<dyn VideoProvider>,
    /// Its default poll policy.
    pub policy: PollPolicy,
}

/// One provider: everything a command, a worker or an app needs to know to offer it.
#[derive(Debug, Clone, Copy)]
pub struct ProviderRow {
    /// Its name (`--provider`, and in the journal).
    pub name: &'static str,
    /// What it is, in one line.
    pub about: &'static str,
    /// Whether it is a real, paid provider (the mock is not: it is never picked
    /// automatically over a configured real one).
    pub paid: bool,
    /// The variables that configure it.
    pub env: &'static [VarDoc],
    /// The `--option KEY=VALUE` keys it takes, each with what it does.
    pub options: &'static [(&'static str, &'static str)],
    /// Its models, with what each accepts.
    pub models: fn() -> Vec<ModelInfo>,
    /// The model it serves unless told otherwise.
    pub default_model: Option<&'static str>,
    /// How its tasks are waited for by default.
    pub policy: fn() -> PollPolicy,
    /// Whether `env` configures it (its credentials are set).
    pub configured: fn(&dyn Env) -> bool,
    /// Builds it.
    pub build: fn(&Settings<'_>) -> Result<Arc<dyn VideoProvider>, VideoError>,
}

/// Which provider to use, and why.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Choice<'r> {
    /// Named by the caller.
    Named(&'r ProviderRow),
    /// The one paid provider the environment configures.
    Configured(&'r ProviderRow),
    /// Nothing is configured: the local fallback (say so to the user).
    Fallback(&'r ProviderRow),
}

impl<'r> Choice<'r> {
    /// The chosen row.
    pub fn row(self) -> &'r ProviderRow {
        match self {
            Self::Named(row) | Self::Configured(row) | Self::Fallback(row) => row,
        }
    }
}

/// Every provider known to a program: [`builtin`](Self::builtin) (one row per enabled cargo
/// feature) plus any added with [`with`](Self::with).
#[derive(Debug, Clone)]
pub struct Registry {
    rows: Vec<ProviderRow>,
}

impl Registry {
    /// The providers of the enabled features, paid ones first.
    pub fn builtin() -> Self {
        Self {
            rows: crate::rows::builtin(),
        }
    }

    /// An empty registry.
    pub fn empty() -> Self {
        Self { rows: Vec::new() }
    }

    /// With `row` added (replacing a row of the same name).
    #[must_use]
    pub fn with(mut self, row: ProviderRow) -> Self {
        self.rows.retain(|known| known.name != row.name);
        self.rows.push(row);
        self
    }

    /// Every row, in order.
    pub fn rows(&self) -> &[ProviderRow] {
        &self.rows
    }

    /// Every provider's name.
    pub fn names(&self) -> Vec<&'static str> {
        self.rows.iter().map(|row| row.name).collect()
    }

    /// The row called `name`.
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] (field `provider`, [`Rule::OneOf`] the known names).
    pub fn find(&self, name: &str) -> Result<&ProviderRow, VideoError> {
        self.rows
            .iter()
            .find(|row| row.name == name)
            .ok_or_else(|| {
                let known: Vec<String> = self.names().into_iter().map(str::to_owned).collect();
                let reason = format!(
                    "`{}` is not a provider (known: {})",
                    name.escape_debug(),
                    known.join(", ")
                );
                VideoError::invalid_by("provider", Rule::OneOf { allowed: known }, reason)
            })
    }

    /// The provider to use: `name` when given; else the one paid provider `env` configures
    /// (rows configured by the very same credentials count as one: the first is chosen, so
    /// the relay key alone still means `kling-dmx`); else, when none is, the first unpaid
    /// one (the mock).
    ///
    /// # Errors
    /// An unknown `name`; several paid providers configured (the message names them:
    /// choose one); nothing configured and no unpaid fallback.
    pub fn choose(&self, name: Option<&str>, env: &dyn Env) -> Result<Choice<'_>, VideoError> {
        if let Some(name) = name {
            return self.find(name).map(Choice::Named);
        }
        let configured: Vec<&ProviderRow> = self
            .rows
            .iter()
            .filter(|row| row.paid && (row.configured)(env))
            .collect();
        // Rows configured by the very same credentials are one account: its first row.
        let mut accounts: Vec<&ProviderRow> = Vec::new();
        for row in configured {
            if !accounts
                .iter()
                .any(|known| known.credentials() == row.credentials())
            {
                accounts.push(row);
            }
        }
        match accounts.as_slice() {
            [one] => Ok(Choice::Configured(one)),
            [] => self
                .rows
                .iter()
                .find(|row| !row.paid)
                .map(Choice::Fallback)
                .ok_or_else(|| self.nothing_configured()),
            several => {
                let names: Vec<&str> = several.iter().map(|row| row.name).collect();
                Err(VideoError::invalid(
                    "provider",
                    format!(
                        "several providers are configured ({}): choose one with --provider",
                        names.join(", ")
                    ),
                ))
            }
        }
    }

    fn nothing_configured(&self) -> VideoError {
        let env: Vec<String> = self
            .rows
            .iter()
            .flat_map(|row| row.env.iter().filter(|var| var.secret))
            .map(|var| var.name.to_owned())
            .collect();
        VideoError::MissingCredentials {
            provider: "any provider".to_owned(),
            env,
        }
    }

    /// Builds provider `name` with `settings`.
    ///
    /// # Errors
    /// An unknown name; the provider's configuration error
    /// ([`VideoError::MissingCredentials`], [`VideoError::InsecureHttp`], ...).
    pub fn build(&self, name: &str, settings: &Settings<'_>) -> Result<Built, VideoError> {
        self.find(name)?.built(settings)
    }
}

impl ProviderRow {
    /// Builds this provider with `settings`, with its default poll policy.
    ///
    /// # Errors
    /// The provider's configuration error.
    pub fn built(&self, settings: &Settings<'_>) -> Result<Built, VideoError> {
        Ok(Built {
            provider: (self.build)(settings)?,
            policy: (self.policy)(),
        })
    }

    /// The secret variables, any one group of which configures it, as a user reads them.
    pub fn credentials(&self) -> Vec<&'static str> {
        self.env
            .iter()
            .filter(|var| var.secret)
            .map(|var| var.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::VarMap;

    #[test]
    fn names_are_found_and_unknown_ones_list_the_known() {
        let registry = Registry::builtin();
        for name in registry.names() {
            assert_eq!(registry.find(name).unwrap().name, name);
        }
        let error = registry.find("nope").unwrap_err();
        assert!(
            matches!(error.rule(), Some(Rule::OneOf { allowed }) if allowed.len() == registry.rows().len())
        );
    }

    #[test]
    fn the_one_configured_paid_provider_is_chosen_else_the_mock() {
        let registry = Registry::builtin();
        let nothing = VarMap::new();
        assert!(matches!(
            registry.choose(None, &nothing).unwrap(),
            Choice::Fallback(row) if row.name == "mock"
        ));
        let dmx = VarMap::from([("DMXAPI_API_KEY", "sk-1")]);
        assert!(matches!(
            registry.choose(None, &dmx).unwrap(),
            Choice::Configured(row) if row.name == "kling-dmx"
        ));
        let both = dmx.with("KLING_API_KEY", "k");
        let error = registry.choose(None, &both).unwrap_err();
        assert!(error.to_string().contains("kling-dmx, kling"), "{error}");
        assert!(matches!(
            registry.choose(Some("kling"), &both).unwrap(),
            Choice::Named(row) if row.name == "kling"
        ));
    }

    #[test]
    fn missing_credentials_name_the_variables() {
        let error = Registry::builtin()
            .build("kling-dmx", &Settings::new(&VarMap::new()))
            .unwrap_err();
        assert!(
            matches!(&error, VideoError::MissingCredentials { env, .. } if env == &["DMXAPI_API_KEY"]),
            "{error:?}"
        );
        let insecure = VarMap::from([
            ("DMXAPI_API_KEY", "sk-1"),
            ("DMXAPI_BASE_URL", "http://relay.example"),
        ]);
        let error = Registry::builtin()
            .build("kling-dmx", &Settings::new(&insecure))
            .unwrap_err();
        assert!(
            matches!(error, VideoError::InsecureHttp { .. }),
            "{error:?}"
        );
        let allowed = Settings::new(&insecure).allow_insecure_http(true);
        assert!(Registry::builtin().build("kling-dmx", &allowed).is_ok());
    }

    #[test]
    fn every_row_describes_models_that_validate_their_own_defaults() {
        for row in Registry::builtin().rows() {
            let models = (row.models)();
            assert!(!models.is_empty(), "{} lists no model", row.name);
            if let Some(default) = row.default_model {
                assert!(
                    models.iter().any(|model| model.id == default),
                    "{}: default model {default} is not listed",
                    row.name
                );
            }
        }
    }
}
