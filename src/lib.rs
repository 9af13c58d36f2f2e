//! # peacesim
//!
//! An agent-based simulation of peace processes in which mediators, diplomats, mediation
//! support organisations and insider mediators either **compete** or **coordinate**
//! (hierarchically, as a network, or as a contact group), run side by side over paired
//! replicates so that the difference a regime makes can be measured.
//!
//! The library has the three parts ABM users expect:
//! - [`model`]: agents, state and one month of the process ([`model::simulate`]);
//! - [`regime`]: coordination strategies behind the small [`regime::Regime`] trait;
//! - [`experiment`]: replicates, seeds, parallel execution and statistics;
//!
//! plus [`scenario`] (TOML input, validation), [`output`] (CSV and manifest writers),
//! [`commands`] (what the command line and the Python package share) and [`studio`] (the
//! trainers' interactive page and its local server).
//! Data flows one way: scenario → experiment → model + regime → records → writers.

pub mod commands;
pub mod experiment;
pub mod model;
pub mod output;
pub mod regime;
pub mod scenario;
pub mod studio;
