//! Ctrl-C and SIGTERM: the running command is dropped (its partial download files are
//! removed, its journal claims released) and the user is told how to finish the task.

use std::sync::{Mutex, PoisonError};

use crate::output::{err, out};
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

/// How long the command gets, after a signal, to stop on its own (dropping its work removes
/// partial files and releases journal claims) before the process ends regardless — e.g.
/// when the command is stuck in a blocking call that never returns.
const GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Signals, watched from the first moment of `main` on a task of their own, so that
/// SIGINT/SIGTERM end the process in every phase, even one blocked in a system call.
pub(crate) struct Watch {
    heard: tokio::sync::watch::Receiver<Option<Signal>>,
}

/// Whether `--json` is on (set once the command line is parsed), for the report printed
/// when the process is ended by the watchdog.
static JSON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records whether the report is JSON.
pub(crate) fn set_json(json: bool) {
    JSON.store(json, std::sync::atomic::Ordering::Relaxed);
}

/// Installs the handlers and starts the watchdog. Call first thing in `main`.
pub(crate) fn watch() -> Watch {
    let (tell, heard) = tokio::sync::watch::channel(None);
    let listening = listen();
    tokio::spawn(async move {
        let signal = listening.await;
        let _ = tell.send(Some(signal));
        // The command had its chance to stop cleanly; it did not (it is blocked).
        tokio::time::sleep(GRACE).await;
        let code = report(signal);
        std::process::exit(i32::from(code));
    });
    Watch { heard }
}

impl Watch {
    /// Resolves when a signal arrives.
    pub(crate) async fn signalled(&mut self) -> Signal {
        loop {
            if let Some(signal) = *self.heard.borrow_and_update() {
                return signal;
            }
            if self.heard.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }
}

/// Installs the signal handlers now and resolves with the first signal.
fn listen() -> std::pin::Pin<Box<dyn std::future::Future<Output = Signal> + Send>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return Box::pin(std::future::pending());
        };
        Box::pin(async move {
            tokio::select! {
                _ = interrupt.recv() => Signal::Interrupt,
                _ = terminate.recv() => Signal::Terminate,
            }
        })
    }
    #[cfg(not(unix))]
    {
        Box::pin(async {
            if tokio::signal::ctrl_c().await.is_err() {
                return std::future::pending().await;
            }
            Signal::Interrupt
        })
    }
}

/// Says what happened to the task (on stdout as the command's JSON object with `--json`)
/// and returns the exit code.
pub(crate) fn report(signal: Signal) -> u8 {
    let code = match signal {
        Signal::Interrupt => 130,
        Signal::Terminate => 143,
    };
    let resume = resume_command();
    let task = current_task();
    let message = match &task {
        Some(id) => format!(
            "interrupted: task {} goes on at the provider and is in the journal; run \
             `{resume}` to finish it",
            clean(id)
        ),
        None => format!(
            "interrupted: if a submission was in flight, `video tasks` shows it and \
             `{resume}` reports it"
        ),
    };
    if JSON.load(std::sync::atomic::Ordering::Relaxed) {
        let report = serde_json::json!({
            "task_id": task,
            "status": null,
            "message": null,
            "videos": [],
            "error": { "kind": "interrupted", "message": message, "exit_code": code },
        });
        out!("{report}");
    }
    err!("{message}");
    code
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
