//! The `ebo` binary: parse the command line, run it on a Tokio runtime. Nothing else.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = app::cli::Cli::parse();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt.block_on(app::cli::run(cli)),
        Err(e) => {
            eprintln!("ebo: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}
