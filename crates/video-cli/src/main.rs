//! `video`: generate AI videos from the terminal. See `video --help`.

mod cli;
mod commands;
mod dates;
mod exit;
mod interrupt;
mod output;
mod progress;
mod providers;
mod report;
mod routes;
mod setup;
mod text;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    // First: from here on a signal ends the process in every phase.
    let mut stop = interrupt::watch();
    let cli = cli::Cli::parse();
    progress::set_quiet(cli.quiet);
    interrupt::set_json(cli.json);
    interrupt::set_resume_command(cli.journal.as_deref());
    let code = tokio::select! {
        code = commands::run(&cli) => code,
        // Dropping the command removes its partial files and releases its journal claims.
        signal = stop.signalled() => interrupt::report(signal),
    };
    ExitCode::from(code)
}
