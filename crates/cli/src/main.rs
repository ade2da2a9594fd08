//! The `rampart` binary: parse arguments, run one subcommand, turn the result
//! into an exit code (0 ok, 1 gate failed, 2 error with a one-line cause).

mod args;
mod choice;
mod cmd;
mod config;
mod history;
mod ignore;
mod output;
mod progress;
mod project;
mod say;
mod stream;

use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => return usage(&err),
    };
    say::set(cli.quiet, cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => return fail(&anyhow::anyhow!("cannot start the async runtime: {err}")),
    };
    let result = runtime.block_on(async {
        match cli.command {
            args::Command::Scan(scan) => cmd::scan::run(&scan).await,
            args::Command::Checks(checks) => cmd::checks::run(&checks),
            args::Command::Demo(demo) => cmd::demo::run(&demo).await,
            args::Command::Diff(diff) => cmd::diff::run(&diff),
            args::Command::Mcp(mcp) => cmd::mcp::run(&mcp).await,
            args::Command::Serve(serve) => cmd::serve::run(&serve).await,
            args::Command::Token(token) => cmd::serve::token(&token).await,
            args::Command::Worker(worker) => cmd::worker::run(&worker).await,
            args::Command::List(list) => cmd::list::run(&list).await,
            args::Command::Results(results) => cmd::results::run(&results).await,
            args::Command::Replay(replay) => cmd::replay::run(&replay).await,
            args::Command::Review(review) => cmd::review::run(&review),
            args::Command::Completions(shell) => cmd::shell::completions(shell.shell),
            args::Command::Man => cmd::shell::man(),
        }
    });
    match result {
        Ok(code) => code,
        Err(err) => fail(&err),
    }
}

/// A command line clap refused: its cause and the values it expects, on one
/// line (as every other error), exit 2.
fn usage(err: &clap::Error) -> ExitCode {
    let text = err.render().to_string();
    let cause: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let cause = cause.join(" ");
    eprintln!(
        "rampart: {} (see --help)",
        cause.strip_prefix("error: ").unwrap_or(&cause)
    );
    ExitCode::from(2)
}

/// Exit 2 with a one-line cause; a failed login discovery adds, on the
/// following lines, what it found, what is missing and a flow skeleton.
fn fail(err: &anyhow::Error) -> ExitCode {
    if let Some(rampart_engine::Error::Discovery(report)) = err.downcast_ref() {
        eprintln!("rampart: {report}");
        return ExitCode::from(2);
    }
    let message = format!("{err:#}").replace('\n', " ");
    eprintln!("rampart: {message}");
    ExitCode::from(2)
}
