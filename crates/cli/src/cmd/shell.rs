//! `rampart completions SHELL` and `rampart man`: both generated from the
//! clap definitions, so they never drift from the options.

use crate::args::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rampart", &mut out);
    emit(&out)
}

/// One page: rampart's own sections, then each subcommand's synopsis and options.
pub fn man() -> Result<ExitCode> {
    let mut out = Vec::new();
    let rampart = Cli::command();
    clap_mangen::Man::new(rampart.clone())
        .render(&mut out)
        .context("cannot render the man page")?;
    for sub in rampart.get_subcommands() {
        let name = format!("rampart {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(&name));
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff_text(&about.to_string()))?;
        }
        page.render_synopsis_section(&mut out)?;
        page.render_options_section(&mut out)?;
    }
    emit(&out)
}

/// Plain text as one roff paragraph: no line may start a request.
fn roff_text(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .replace("\n.", "\n\\&.")
        .replace("\n'", "\n\\&'")
}

/// Write to stdout; a reader that stops early (`| head`) is no error.
fn emit(bytes: &[u8]) -> Result<ExitCode> {
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("cannot write to stdout"),
        _ => Ok(ExitCode::SUCCESS),
    }
}
