//! Writing to stdout and stderr without panicking: a closed stdout (`video tasks | head -2`)
//! ends the process quietly with the status a shell gives a pipe's writer (141), and a
//! closed stderr is ignored. Every line the command prints goes through [`out!`] and
//! [`err!`].

use std::io::Write;

/// The exit status for a closed stdout: 128 + SIGPIPE, what a shell reports for a writer
/// whose reader went away.
pub(crate) const EXIT_PIPE_CLOSED: i32 = 141;

/// Writes one line to stdout; a closed pipe ends the process quietly.
pub(crate) fn stdout_line(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"));
    if let Err(error) = written.and_then(|()| stdout.flush())
        && error.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(EXIT_PIPE_CLOSED);
    }
}

/// Writes one line to stderr; any failure (a closed stderr) is ignored.
pub(crate) fn stderr_line(args: std::fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| stderr.write_all(b"\n"));
}

/// `println!` that never panics on a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::stdout_line(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics on a closed stderr.
macro_rules! err {
    ($($arg:tt)*) => { $crate::output::stderr_line(format_args!($($arg)*)) };
}

pub(crate) use {err, out};
