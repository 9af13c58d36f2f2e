//! `peacesim studio`: an interactive page for trainers, served from this process.
//!
//! A small synchronous HTTP/1.1 server ([`tiny_http`], a few worker threads, no async
//! runtime) on the loopback interface serves one page, whose HTML, CSS and JavaScript are
//! embedded in the binary, and a small JSON API (`api`) that runs the model with the same
//! engine and seeds as the command line: replicate K in the studio is replicate K of
//! `peacesim run` (seed `run_seed(master, K)`), and the page's replicate batches go through
//! [`crate::experiment::run`].
//!
//! Requests are bounded: bodies at [`MAX_BODY_BYTES`], batches at [`MAX_REPLICATES`] paired
//! replicates and [`MAX_WORK`] actor-months, traces at [`MAX_TRACE_VALUES`] numbers. Every
//! request gets an answer (4xx for the client's mistakes); a handler that panicked anyway
//! answers 500 and the server goes on.

mod api;
pub mod params;

pub use api::{Reply, State, handle};

use crate::scenario::{BASELINE_SOURCE, BASELINE_TOML};
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Largest request body read (bytes); larger ones are refused with 413 before reading.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Most paired replicates one batch may run.
pub const MAX_REPLICATES: u64 = 5_000;
/// Most replicates × regimes × months × actors one batch may simulate (the training scenario's
/// 500 × 2 takes 2.5 million; the largest batch of the baseline 15 million).
pub const MAX_WORK: usize = 40_000_000;
/// Most numbers a trace answer may hold.
pub const MAX_TRACE_VALUES: usize = 4_000_000;
/// Worker threads answering requests (a batch of replicates runs on its own thread pool).
const WORKERS: usize = 4;

/// A scenario the page offers.
#[derive(Debug, Clone)]
pub struct Shipped {
    /// Short identifier.
    pub id: String,
    /// What the menu shows.
    pub label: String,
    /// How messages name it (a file name).
    pub source: String,
    /// Its text.
    pub toml: String,
}

/// The scenarios shipped in `scenarios/`, embedded: (id, label, file, text).
const SHIPPED: [(&str, &str, &str, &str); 6] = [
    (
        "training_parallel_processes",
        "Training: why parallel processes hurt",
        "scenarios/training_parallel_processes.toml",
        include_str!("../../scenarios/training_parallel_processes.toml"),
    ),
    (
        "baseline",
        "Built-in baseline",
        BASELINE_SOURCE,
        BASELINE_TOML,
    ),
    (
        "mali_ecowas",
        "Case: Mali and ECOWAS (illustration)",
        "scenarios/mali_ecowas.toml",
        include_str!("../../scenarios/mali_ecowas.toml"),
    ),
    (
        "myanmar_spiraling",
        "Case: Myanmar, spiralling (illustration)",
        "scenarios/myanmar_spiraling.toml",
        include_str!("../../scenarios/myanmar_spiraling.toml"),
    ),
    (
        "philippines_icg",
        "Case: the Philippines' contact group (illustration)",
        "scenarios/philippines_icg.toml",
        include_str!("../../scenarios/philippines_icg.toml"),
    ),
    (
        "strategies",
        "Baseline with strategies written in TOML",
        "scenarios/strategies.toml",
        include_str!("../../scenarios/strategies.toml"),
    ),
];

/// The shipped scenarios.
pub fn shipped() -> Vec<Shipped> {
    SHIPPED
        .iter()
        .map(|&(id, label, source, toml)| Shipped {
            id: id.into(),
            label: label.into(),
            source: source.into(),
            toml: toml.into(),
        })
        .collect()
}

/// A running studio server.
pub struct Studio {
    server: Arc<tiny_http::Server>,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Studio {
    /// Starts serving on `bind` (port 0: any free port). `file`, if given, is offered first and
    /// opened; otherwise the page opens with the training scenario.
    pub fn start(bind: SocketAddr, file: Option<Shipped>) -> std::io::Result<Studio> {
        let server = tiny_http::Server::http(bind)
            .map_err(|e| std::io::Error::other(format!("cannot listen on {bind}: {e}")))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("the server has no IP address"))?;
        let mut scenarios = shipped();
        let initial = match file {
            Some(f) => {
                let id = f.id.clone();
                scenarios.insert(0, f);
                id
            }
            None => SHIPPED[0].0.to_string(),
        };
        let state = Arc::new(State { scenarios, initial });
        let server = Arc::new(server);
        let stopping = Arc::new(AtomicBool::new(false));
        let loopback = bind.ip().is_loopback();
        let workers = (0..WORKERS)
            .map(|_| {
                let (server, state, stopping) = (server.clone(), state.clone(), stopping.clone());
                std::thread::spawn(move || {
                    while !stopping.load(Ordering::SeqCst) {
                        // An error is a failed connection (or the stop signal): go on.
                        if let Ok(request) = server.recv() {
                            serve(request, &state, addr, loopback);
                        }
                    }
                })
            })
            .collect();
        Ok(Studio {
            server,
            addr,
            stopping,
            workers,
        })
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, for people.
    pub fn url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}/", self.addr.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}/", self.addr.port()),
        }
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }

    /// Stops serving and waits for the requests in progress.
    pub fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

/// Whether a Host header names this server on the loopback interface. A page of another site
/// that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
#[doc(hidden)]
pub fn host_allowed(host: &str, port: u16) -> bool {
    let host = host.trim().to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == *name || host == format!("{name}:{port}"))
}

/// Reads one request's body (bounded) and answers it.
fn serve(mut request: tiny_http::Request, state: &State, addr: SocketAddr, loopback: bool) {
    let method = request.method().as_str().to_ascii_uppercase();
    let url = request.url().to_string();
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    let reply = if loopback
        && host
            .as_deref()
            .is_some_and(|h| !host_allowed(h, addr.port()))
    {
        Reply::error(
            403,
            "this studio answers only requests addressed to 127.0.0.1 or localhost",
            serde_json::json!({}),
        )
    } else if request.body_length().is_some_and(|n| n > MAX_BODY_BYTES) {
        too_large()
    } else {
        let mut body = Vec::new();
        let read = request
            .as_reader()
            .take(MAX_BODY_BYTES as u64 + 1)
            .read_to_end(&mut body);
        if read.is_err() {
            Reply::error(400, "cannot read the request body", serde_json::json!({}))
        } else if body.len() > MAX_BODY_BYTES {
            too_large()
        } else {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                handle(&method, &url, &body, state)
            }))
            .unwrap_or_else(|_| {
                Reply::error(500, "internal error while answering", serde_json::json!({}))
            })
        }
    };
    let mut response = tiny_http::Response::from_data(if method == "HEAD" {
        Vec::new()
    } else {
        reply.body
    })
    .with_status_code(reply.status);
    let mut headers: Vec<(&str, String)> = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             frame-ancestors 'none'"
                .to_string(),
        ),
    ];
    headers.extend(reply.headers);
    for (name, value) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

fn too_large() -> Reply {
    Reply::error(
        413,
        &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        serde_json::json!({ "limit": MAX_BODY_BYTES }),
    )
}
