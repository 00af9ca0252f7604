//! The `ebo` binary; everything lives in [`app::cli::main`].

fn main() -> std::process::ExitCode {
    app::cli::main()
}
