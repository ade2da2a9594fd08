//! A fast loopback API of generated operations for throughput benchmarks
//! (`bench/api.py`). Prints its URL on the first line of stdout, then serves
//! until it is stopped.
//!
//! Usage: `apiserver [--ops N] [--port P]` (default 1000 operations, any free port).

use rampart_bench::apiserver;
use std::io::Write;
use std::process::ExitCode;

/// Most operations the server generates.
const MAX_OPS: usize = 100_000;

struct Args {
    ops: usize,
    port: u16,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args { ops: 1000, port: 0 };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--ops" => {
                parsed.ops = value.parse().map_err(|_| format!("--ops: not a number: {value}"))?;
                if !(1..=MAX_OPS).contains(&parsed.ops) {
                    return Err(format!("--ops must be between 1 and {MAX_OPS}"));
                }
            }
            "--port" => parsed.port = value.parse().map_err(|_| format!("--port: not a port: {value}"))?,
            _ => {
                return Err(format!(
                    "unknown argument {flag} (usage: apiserver [--ops N] [--port P])"
                ));
            }
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("apiserver: {e}");
            return ExitCode::from(2);
        }
    };
    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("apiserver: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: Args) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let addr = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "http://{addr}")?;
    out.flush()?;
    drop(out);
    axum::serve(listener, apiserver::router(apiserver::operations(args.ops))).await
}
