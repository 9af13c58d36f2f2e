//! `peacesim studio`: starts the trainers' page (the server is `peacesim::studio`).

use super::Failure;
use clap::Args;
use peacesim::scenario::{MAX_SCENARIO_BYTES, Scenario, printable};
use peacesim::studio::{MAX_BODY_BYTES, Shipped, Studio};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct StudioArgs {
    /// Scenario file (TOML) to open first. Without it, the training scenario; the page offers
    /// the shipped scenarios and an editor either way.
    file: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Open the page in a web browser (if one can be started).
    #[arg(long)]
    open: bool,
    /// Address to listen on [default: 127.0.0.1, this machine only]. Any other address lets
    /// other machines reach the studio, which has no authentication.
    #[arg(long, value_name = "ADDR")]
    bind: Option<IpAddr>,
}

pub fn studio(args: StudioArgs) -> Result<(), Failure> {
    let file = match &args.file {
        None => None,
        Some(path) => {
            // Read and checked as `peacesim check` reads it.
            Scenario::from_file(path).map_err(|e| Failure::Input(e.to_string()))?;
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Input(format!("{}: cannot read the file: {e}", path.display()))
            })?;
            if text.len() > MAX_BODY_BYTES {
                return Err(Failure::Input(format!(
                    "{}: {} bytes; the studio edits scenarios of at most {MAX_BODY_BYTES} bytes \
                     (`peacesim run` reads up to {MAX_SCENARIO_BYTES})",
                    path.display(),
                    text.len()
                )));
            }
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Some(Shipped {
                id: "file".into(),
                label: format!("File: {}", printable(&name)),
                source: path.display().to_string(),
                toml: text,
            })
        }
    };
    let ip = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !ip.is_loopback() {
        eprintln!(
            "warning: --bind {ip}: the studio is reachable from other machines on this \
             network; it has no authentication and runs simulations for anyone who asks"
        );
    }
    let studio = Studio::start(SocketAddr::new(ip, args.port), file)
        .map_err(|e| Failure::Input(format!("--port {}: {e}", args.port)))?;
    let url = studio.url();
    println!("peacesim studio: {url}  (Ctrl-C to stop)");
    if args.open {
        open_browser(&url);
    }
    studio.wait();
    Ok(())
}

/// Starts a browser on `url` if one can be found; says so if not, and carries on.
fn open_browser(url: &str) {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(b) = std::env::var("BROWSER") {
        candidates.extend(b.split(':').filter(|s| !s.is_empty()).map(String::from));
    }
    let system = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    candidates.push(system.to_string());
    for program in candidates {
        let started = std::process::Command::new(&program)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if started.is_ok() {
            return;
        }
    }
    eprintln!("note: could not start a web browser; open {url} yourself");
}
