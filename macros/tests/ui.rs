//! Compile-fail cases: each misuse of the attribute language gives one clear message at the
//! offending token. Regenerate the expected output with `TRYBUILD=overwrite cargo test -p ebo-macros`.
#![allow(missing_docs)]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
}
