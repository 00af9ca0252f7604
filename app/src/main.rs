//! The `ebo` binary; everything lives in [`app::cli::main`].

/// jemalloc, whose background threads return freed memory to the system, so RSS falls back
/// after a connection flood (glibc's allocator kept it: `bench/connections.py`).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    app::cli::main()
}
