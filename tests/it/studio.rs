//! `peacesim studio`'s server: real HTTP requests to a studio started on port 0 in this
//! process. Replicate K in the studio is replicate K of `peacesim run` (compared with the
//! library and with the binary's runs.csv); bad input gets `peacesim check`'s messages; no
//! request, however malformed, goes unanswered or stops the server.

use peacesim::experiment::{self, Design, run_replicate};
use peacesim::regime;
use peacesim::scenario::{BASELINE_TOML, Scenario};
use peacesim::studio::{MAX_BODY_BYTES, MAX_REPLICATES, Studio};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};
use tempfile::TempDir;

use crate::common::*;

const TRAINING: &str = include_str!("../../scenarios/training_parallel_processes.toml");

fn start() -> Studio {
    Studio::start("127.0.0.1:0".parse().unwrap(), None).expect("the studio starts on port 0")
}

/// One answer: status, head (lower-case) and body.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw bytes and reads the answer until the server closes the connection.
fn raw(addr: SocketAddr, bytes: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // The server may answer (413) and close before reading all of a large body.
    let _ = stream.write_all(bytes);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&out)));
    let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    let mut body = out[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Answer { status, head, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Answer {
    let mut bytes = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        addr.port(),
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes)
}

fn post(addr: SocketAddr, path: &str, body: &Value) -> Answer {
    request(addr, "POST", path, body.to_string().as_bytes())
}

#[test]
fn serves_the_embedded_page_and_refuses_wrong_paths_and_methods() {
    let studio = start();
    let addr = studio.addr();
    assert!(addr.ip().is_loopback());
    let page = request(addr, "GET", "/", b"");
    assert_eq!(page.status, 200);
    assert!(
        page.head.contains("content-type: text/html"),
        "{}",
        page.head
    );
    assert!(page.text().contains("/studio.js") && page.text().contains("/studio.css"));
    // No asset comes from elsewhere.
    assert!(!page.text().contains("http://") && !page.text().contains("https://"));
    for (path, kind) in [
        ("/studio.js", "text/javascript"),
        ("/studio.css", "text/css"),
    ] {
        let a = request(addr, "GET", path, b"");
        assert_eq!(a.status, 200, "{path}");
        assert!(a.head.contains(kind), "{}", a.head);
        assert!(
            !a.text().contains("https://"),
            "{path} loads nothing from the network"
        );
    }
    let list = request(addr, "GET", "/api/scenarios", b"").json();
    let ids: Vec<&str> = list["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"baseline") && ids.contains(&"training_parallel_processes"));
    assert_eq!(list["scenarios"][1]["toml"], BASELINE_TOML);

    let missing = request(addr, "GET", "/nope/../../etc/passwd", b"");
    assert_eq!(missing.status, 404);
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap()
            .contains("no such page")
    );
    for (method, path, allow) in [
        ("POST", "/", "get"),
        ("GET", "/api/trace", "post"),
        ("DELETE", "/api/replicates", "post"),
        ("PUT", "/api/scenarios", "get"),
    ] {
        let a = request(addr, method, path, b"{}");
        assert_eq!(a.status, 405, "{method} {path}");
        assert!(a.head.contains(&format!("allow: {allow}")), "{}", a.head);
    }
    // A page of another site that resolves its name to 127.0.0.1 is refused.
    let rebound = raw(
        addr,
        b"GET /api/scenarios HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(rebound.status, 403);
    studio.stop();
}

#[test]
fn malformed_and_oversized_requests_get_4xx_and_the_server_goes_on() {
    let studio = start();
    let addr = studio.addr();
    let bodies: [&[u8]; 8] = [
        b"",
        b"not json",
        b"{",
        b"[]",
        b"{}",
        b"{\"toml\": 5}",
        b"{\"toml\": \"\", \"unknown\": 1}",
        b"{\"toml\": \"x\", \"replicates\": -1}",
    ];
    for route in [
        "/api/describe",
        "/api/trace",
        "/api/replicates",
        "/api/export",
    ] {
        for body in bodies {
            let a = request(addr, "POST", route, body);
            assert!(
                (400..500).contains(&a.status),
                "{route} {:?}: {}",
                String::from_utf8_lossy(body),
                a.status
            );
            assert!(a.json()["error"].is_string());
        }
    }
    // Deeply nested JSON, invalid UTF-8 and a scenario of nothing but brackets.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        request(addr, "POST", "/api/trace", deep.as_bytes()).status,
        400
    );
    assert_eq!(
        request(addr, "POST", "/api/trace", b"\xff\xfe{}").status,
        400
    );
    let brackets = json!({ "toml": "[".repeat(50_000) });
    assert_eq!(post(addr, "/api/describe", &brackets).status, 422);

    // Too large: refused from the announced length, and when actually sent.
    let announced = format!(
        "POST /api/describe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{{",
        MAX_BODY_BYTES + 1
    );
    assert_eq!(raw(addr, announced.as_bytes()).status, 413);
    let huge = json!({ "toml": "#".repeat(MAX_BODY_BYTES) });
    assert_eq!(post(addr, "/api/describe", &huge).status, 413);
    // A body sent in chunks, without a length, is bounded too.
    let mut chunked = b"POST /api/describe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
        Transfer-Encoding: chunked\r\n\r\n"
        .to_vec();
    let piece = vec![b' '; 1 << 20];
    for _ in 0..3 {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(&piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(raw(addr, &chunked).status, 413);

    // Garbage instead of HTTP: answered or dropped, never a crash.
    for junk in [
        &b"GARBAGE\r\n\r\n"[..],
        b"\x00\x01\x02\r\n\r\n",
        b"GET\r\n\r\n",
    ] {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(junk);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        if !out.is_empty() {
            let head = String::from_utf8_lossy(&out);
            assert!(head.starts_with("HTTP/1.1 4"), "{head}");
        }
    }
    // Still serving.
    assert_eq!(request(addr, "GET", "/api/scenarios", b"").status, 200);
    studio.stop();
}

#[test]
fn bad_scenarios_get_the_messages_of_peacesim_check() {
    let studio = start();
    let addr = studio.addr();
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("bad.toml");
    let source = file.display().to_string();
    for (from, to) in [
        ("build_rate = 0.04", "build_rate = 1.5"),
        ("build_rate = 0.04", "build_rat = 0.04"),
        ("[trust]", "[trust"),
    ] {
        assert!(BASELINE_TOML.contains(from));
        let text = BASELINE_TOML.replacen(from, to, 1);
        std::fs::write(&file, &text).unwrap();
        let check = peacesim(&["check", path_str(&file)]);
        assert_eq!(check.status.code(), Some(2));
        let printed = stderr(&check);
        let a = post(
            addr,
            "/api/describe",
            &json!({ "toml": text, "source": source }),
        );
        assert_eq!(a.status, 422);
        let answer = a.json();
        let message = answer["message"].as_str().unwrap();
        assert_eq!(format!("error: {message}\n"), printed);
        assert_eq!(
            message,
            Scenario::from_toml_str(&text, &source)
                .unwrap_err()
                .to_string()
        );
        // Syntax and spelling mistakes name their line, for the editor.
        if to != "build_rate = 1.5" {
            assert!(answer["line"].as_u64().is_some(), "{answer}");
        } else {
            assert_eq!(answer["problems"][0]["field"], "trust.build_rate");
        }
    }

    // Settings are checked like the file: out of range, unknown, of the wrong kind.
    let out_of_range = post(
        addr,
        "/api/trace",
        &json!({ "toml": TRAINING, "set": { "third_parties[2].recognition": 1.5 } }),
    );
    assert_eq!(out_of_range.status, 422);
    let v = out_of_range.json();
    // Validation names the actor; the control of that setting carries the same name.
    let described = post(addr, "/api/describe", &json!({ "toml": TRAINING })).json();
    let control = described["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "third_parties[2].recognition")
        .expect("a control for the third party's recognition motive")
        .clone();
    assert_eq!(
        control["field"],
        "third_parties.\"Neighbouring State\".recognition"
    );
    assert_eq!(
        v["problems"][0]["field"],
        "third_parties.\"Neighbouring State\".recognition"
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("must be a number from 0 to 1")
    );
    for set in [
        json!({ "scenario.name": "x" }),
        json!({ "mechanisms.trust": 1 }),
        json!({ "regimes.hierarchical.lead": "Nobody" }),
        json!({ "experiment.seed": -3 }),
    ] {
        let a = post(
            addr,
            "/api/describe",
            &json!({ "toml": TRAINING, "set": set }),
        );
        assert_eq!(a.status, 422, "{set}");
    }
    for body in [
        json!({ "toml": TRAINING, "regimes": ["nope", "competitive"] }),
        json!({ "toml": TRAINING, "regimes": [] }),
        json!({ "toml": TRAINING, "replicates": 0 }),
        json!({ "toml": TRAINING, "replicates": MAX_REPLICATES + 1 }),
    ] {
        let a = post(addr, "/api/replicates", &body);
        assert_eq!(a.status, 422, "{body}: {}", a.text());
        assert!(
            a.json()["error"].as_str().unwrap().contains("regimes")
                || a.json()["error"].as_str().unwrap().contains("replicates")
        );
    }
    studio.stop();
}

/// `runs.csv` rows of a `peacesim run` of `file`: (regime, replicate) → row by column name.
fn runs_csv(
    file: &Path,
    replicates: u64,
    out: &Path,
) -> Vec<std::collections::HashMap<String, String>> {
    let o = peacesim(&[
        "run",
        path_str(file),
        "--replicates",
        &replicates.to_string(),
        "--regimes",
        "competitive,hierarchical",
        "--no-plots",
        "--quiet",
        "--out",
        path_str(out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = csv_table(&out.join("runs.csv"));
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

#[test]
fn replicate_k_in_the_studio_is_replicate_k_of_peacesim_run() {
    let studio = start();
    let addr = studio.addr();
    let tmp = TempDir::new().unwrap();
    // Changed settings, as a trainer would set them; exported, the file runs the same.
    let set = json!({ "forums.shop_rate": 0.2, "mechanisms.rotation": false, "third_parties[1].ambition": 0.3 });
    let export = post(
        addr,
        "/api/export",
        &json!({ "toml": TRAINING, "set": set }),
    );
    assert_eq!(export.status, 200);
    assert!(
        export.head.contains("content-disposition: attachment"),
        "{}",
        export.head
    );
    let file = tmp.path().join("exported.toml");
    std::fs::write(&file, export.body).unwrap();
    let scenario = Scenario::from_file(&file).expect("the exported file is a valid scenario");
    assert_eq!(scenario.forums.shop_rate, 0.2);
    assert!(!scenario.mechanisms.rotation);
    assert_eq!(scenario.third_parties[1].ambition, Some(0.3));
    let rows = runs_csv(&file, 6, &tmp.path().join("out"));
    let regimes: Vec<_> = ["competitive", "hierarchical"]
        .iter()
        .map(|n| regime::by_name(n, &scenario).unwrap())
        .collect();
    for k in [0u64, 5] {
        let a = post(
            addr,
            "/api/trace",
            &json!({ "toml": TRAINING, "set": set, "regimes": ["competitive", "hierarchical"], "replicate": k }),
        );
        assert_eq!(a.status, 200, "{}", a.text());
        let trace = a.json();
        let library = run_replicate(&scenario, &regimes, scenario.experiment.seed, k);
        assert_eq!(trace["seed"], library.seed.to_string());
        for (r, name) in ["competitive", "hierarchical"].iter().enumerate() {
            let run = &trace["runs"][r];
            assert_eq!(run["regime"], *name);
            let o = &library.outcomes[r];
            assert_eq!(run["outcome"]["agreement_month"], json!(o.agreement_month));
            assert_eq!(run["outcome"]["relapse_month"], json!(o.relapse_month));
            assert_eq!(run["outcome"]["forum_switches"], json!(o.forum_switches));
            assert_eq!(run["outcome"]["rotations"], json!(o.rotations));
            assert_eq!(run["outcome"]["defections"], json!(o.defections));
            assert_eq!(
                run["frames"].as_array().unwrap().len(),
                scenario.total_months()
            );
            let row = rows
                .iter()
                .find(|row| row["regime"] == *name && row["replicate"] == k.to_string())
                .expect("the row of replicate k");
            assert_eq!(row["seed"], library.seed.to_string());
            let month = run["outcome"]["agreement_month"]
                .as_u64()
                .map_or(String::new(), |m| m.to_string());
            assert_eq!(row["agreement_month"], month, "{name} replicate {k}");
            assert_eq!(row["forum_switches"], o.forum_switches.to_string());
            let violence: f64 = row["cumulative_violence"].parse().unwrap();
            let shown = run["outcome"]["cumulative_violence"].as_f64().unwrap();
            assert!((violence - shown).abs() < 1e-3, "{violence} vs {shown}");
        }
    }
    // The training story: replicate 98 signs in month 26 under hierarchical coordination.
    let story = post(
        addr,
        "/api/trace",
        &json!({ "toml": TRAINING, "regimes": ["competitive", "hierarchical"], "replicate": 98 }),
    )
    .json();
    assert_eq!(story["runs"][1]["outcome"]["agreement_month"], 26);
    let lines = story["runs"][1]["chronicle"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["month"] == 26 && l["text"].as_str().unwrap().contains("sign an agreement"))
    );
    studio.stop();
}

#[test]
fn paired_replicates_match_the_experiment_runner_and_are_fast() {
    let studio = start();
    let addr = studio.addr();
    let started = Instant::now();
    let a = post(
        addr,
        "/api/replicates",
        &json!({ "toml": TRAINING, "regimes": ["competitive", "hierarchical"], "replicates": 500 }),
    );
    let wall = started.elapsed();
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    eprintln!(
        "studio: 500 paired replicates × 2 regimes in {} ms on the server ({} ms with HTTP)",
        v["elapsed_ms"],
        wall.as_millis()
    );
    let scenario = Scenario::from_toml_str(TRAINING, "training").unwrap();
    let design = Design {
        replicates: 500,
        seed: scenario.experiment.seed,
        threads: 1,
        regimes: ["competitive", "hierarchical"]
            .iter()
            .map(|n| regime::by_name(n, &scenario).unwrap())
            .collect(),
    };
    let results = experiment::run(&scenario, &design, &mut (), &mut |_| {}).unwrap();
    for (r, name) in ["competitive", "hierarchical"].iter().enumerate() {
        let summary = results.get(name, "agreement").unwrap();
        let shown = &v["regimes"][r];
        assert_eq!(shown["name"], *name);
        assert_eq!(shown["agreement"]["n"], 500);
        let rate = summary.values.mean().unwrap();
        assert!((shown["agreement"]["rate"].as_f64().unwrap() - rate).abs() < 1e-4);
        let (lo, hi) = summary.values.wilson95().unwrap();
        assert!((shown["agreement"]["ci95"][0].as_f64().unwrap() - lo).abs() < 1e-4);
        assert!((shown["agreement"]["ci95"][1].as_f64().unwrap() - hi).abs() < 1e-4);
    }
    // The scenario's documented result: +20 pp for hierarchical coordination.
    let diff = v["difference"]["mean"].as_f64().unwrap();
    assert!((diff - 0.198).abs() < 1e-3, "{diff}");
    // Generous bound for a loaded CI machine; an idle two-core machine takes about 0.15 s.
    assert!(
        v["elapsed_ms"].as_f64().unwrap() < 10_000.0,
        "500 × 2 replicates took {} ms",
        v["elapsed_ms"]
    );
    studio.stop();
}

#[test]
fn the_studio_command_refuses_a_bad_file_as_check_does() {
    let tmp = TempDir::new().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        BASELINE_TOML.replacen("build_rate = 0.04", "build_rate = 1.5", 1),
    )
    .unwrap();
    let missing = tmp.path().join("missing.toml");
    for file in [&bad, &missing] {
        let check = peacesim(&["check", path_str(file)]);
        // The file is refused before any server starts: no port is taken, no address printed.
        let studio = peacesim(&["studio", path_str(file), "--port", "0"]);
        assert_eq!(studio.status.code(), Some(2));
        assert_eq!(stderr(&studio), stderr(&check));
        assert!(studio.stdout.is_empty());
    }
}
