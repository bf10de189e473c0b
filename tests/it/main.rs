//! End-to-end tests of the `reckon` binary: golden output, bad input, tampering, concurrency,
//! and the project's own log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod audit_spec;
mod bad_input;
mod cli;
mod concurrency;
mod extract;
mod fuzz_corpus;
mod interchange;
mod population;
mod query;
mod reconcile;
mod reliability;
mod seed_log;
mod support;
mod tamper;
mod tiles;
mod vetting;
mod web;
mod witness;
