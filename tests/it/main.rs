//! The integration tests, one module per subject, in one test binary: one crate to compile and
//! one link instead of one per file (`cargo test --release --test it`; one subject:
//! `cargo test --release --test it errors::`).
//!
//! Two suites keep binaries of their own: `tests/soak.rs`, whose kill moments are fractions of
//! run times it measures, which tests of other subjects running beside it would distort, and
//! `tests/fuzz_input.rs`, whose allocator and watchdog guard every thread of its process (and
//! which compiles on the other core meanwhile).

#[path = "../common/mod.rs"]
mod common;
mod counting;

mod allocation;
mod benchmark;
mod bounds;
mod cli;
mod consistency;
mod custom_regime;
mod errors;
mod example_regime_sweep;
mod figures;
mod first_hour;
mod invariants;
mod output_safety;
mod pairing;
mod record;
mod safe_output;
mod scenarios;
mod sobol;
mod strategies;
mod studio;
mod stylized_facts;
mod sweep;
mod sweep_integrity;
mod sweep_report;
mod validation;
