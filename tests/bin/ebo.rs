//! The `ebo` program built inside the e2e crate, so its tests can run the real CLI as a
//! process (`CARGO_BIN_EXE_ebo-e2e`); identical to `app/src/main.rs`.

fn main() -> std::process::ExitCode {
    app::cli::main()
}
