//! Ctrl-C and SIGTERM: the running command is dropped (its partial download files are
//! removed, its journal claims released) and the user is told how to finish the task.

use std::sync::{Mutex, PoisonError};

use crate::progress::current_task;
use crate::text::clean;

/// The `video resume` command that finishes this process's tasks (with `--journal` when one
/// was given).
static RESUME: Mutex<Option<String>> = Mutex::new(None);

/// Remembers the exact resume command for this invocation.
pub(crate) fn set_resume_command(journal: Option<&std::path::Path>) {
    let command = match journal {
        Some(path) => format!(
            "video --journal {} resume",
            shell_quote(&path.display().to_string())
        ),
        None => "video resume".to_owned(),
    };
    *RESUME.lock().unwrap_or_else(PoisonError::into_inner) = Some(command);
}

/// The exact `video resume` command for this invocation.
pub(crate) fn resume_command() -> String {
    RESUME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .unwrap_or_else(|| "video resume".to_owned())
}

/// `text` quoted for a POSIX shell when it needs it.
fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Which signal stopped the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// SIGINT (Ctrl-C): exit 130.
    Interrupt,
    /// SIGTERM: exit 143.
    Terminate,
}

/// Resolves when the process is asked to stop.
pub(crate) async fn signalled() -> Signal {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => Signal::Interrupt,
            _ = terminate.recv() => Signal::Terminate,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            return std::future::pending().await;
        }
        Signal::Interrupt
    }
}

/// Says what happened to the task and returns the exit code.
pub(crate) fn report(signal: Signal) -> u8 {
    let resume = resume_command();
    match current_task() {
        Some(id) => eprintln!(
            "interrupted: task {} goes on at the provider and is in the journal; run \
             `{resume}` to finish it",
            clean(&id)
        ),
        None => eprintln!(
            "interrupted: if a submission was in flight, `video tasks` shows it and \
             `{resume}` reports it"
        ),
    }
    match signal {
        Signal::Interrupt => 130,
        Signal::Terminate => 143,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("/tmp/j.sqlite3"), "/tmp/j.sqlite3");
        assert_eq!(shell_quote("/tmp/my journal"), "'/tmp/my journal'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
