//! `video`: generate AI videos from the terminal. See `video --help`.

mod backend;
mod cli;
mod commands;
mod exit;
mod fetch;
mod progress;
mod report;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    ExitCode::from(commands::run(&cli).await)
}
