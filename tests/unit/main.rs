//! The library's unit tests: one file per module of `src/`, named by its path
//! (`model_random.rs` tests `src/model/random.rs`). They live here, not in `cfg(test)` modules,
//! so that `cargo test --release` compiles the library once (`[lib] test = false` in
//! `Cargo.toml`); the internals they check are public but `#[doc(hidden)]`.

mod experiment_design;
mod experiment_pipeline;
mod experiment_sobol;
mod experiment_stats;
mod experiment_sweep;
mod experiment_validation;
mod model;
mod model_random;
mod model_record;
mod model_trust;
mod output_plots;
mod output_plots_bitmap_text;
mod output_plots_gif_writer;
mod output_plots_sobol_figure;
mod output_plots_sweep_figures;
mod output_report;
mod output_target;
mod regime_written;
mod scenario;
mod scenario_locate;
mod scenario_suggest;
mod scenario_sweep;
mod studio;
