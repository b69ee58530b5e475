//! Ctrl-C and SIGTERM: the running command is dropped (its partial download files are
//! removed, its journal claims released) and the user is told how to finish the task.

use crate::progress::current_task;
use crate::text::clean;

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
    match current_task() {
        Some(id) => eprintln!(
            "interrupted: task {} goes on at the provider and is in the journal; run \
             `video resume` to finish it",
            clean(&id)
        ),
        None => eprintln!(
            "interrupted: if a submission was in flight, `video tasks` shows it and \
             `video resume` reports it"
        ),
    }
    match signal {
        Signal::Interrupt => 130,
        Signal::Terminate => 143,
    }
}
