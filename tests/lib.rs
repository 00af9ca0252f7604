//! End-to-end test crate: the tests live in `api/`, the CLI binary they run in `bin/`.
