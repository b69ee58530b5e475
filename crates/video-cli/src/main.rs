//! `video`: generate AI videos from the terminal. See `video --help`.

mod cli;
mod commands;
mod exit;
mod interrupt;
mod progress;
mod providers;
mod report;
mod setup;
mod text;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    progress::set_quiet(cli.quiet);
    providers::set_allow_insecure_http(cli.allow_insecure_http);
    interrupt::set_resume_command(cli.journal.as_deref());
    let code = tokio::select! {
        code = commands::run(&cli) => code,
        // Dropping the command removes its partial files and releases its journal claims.
        signal = interrupt::signalled() => interrupt::report(signal),
    };
    ExitCode::from(code)
}
