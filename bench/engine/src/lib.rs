//! Nothing here: the benchmark is `benches/analyse_1000.rs` (`cargo bench -p engine-bench`).
