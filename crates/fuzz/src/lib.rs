//! What each fuzz target checks, as plain functions: the coverage-guided targets in
//! `fuzz_targets/` call them with libFuzzer's inputs, and the workspace's tests call them with
//! every input of the committed corpora (`corpus/TARGET/`), so that an input that once found a
//! bug keeps being checked on the stable toolchain, in CI, without libFuzzer.
//!
//! Every check must hold for **any** bytes: no panic, no stack overflow, no unbounded work;
//! and where an invariant exists (parse, print, parse again), it is asserted.

pub mod checks;
