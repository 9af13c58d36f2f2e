//! The `peacesim` command: wiring only; the work is in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    // Like other command-line tools, stop quietly when the reader of the output goes away
    // (`peacesim trace … | head`) instead of panicking on a broken pipe.
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread
    // exists, has no other effect.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}
