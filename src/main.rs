//! The `peacesim` command: wiring only; the work is in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
