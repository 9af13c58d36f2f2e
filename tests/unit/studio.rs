//! Unit tests of `studio` (`src/studio/mod.rs`).

use peacesim::studio::*;

#[test]
fn hosts_on_loopback_only() {
    assert!(host_allowed("127.0.0.1:8787", 8787));
    assert!(host_allowed("localhost:8787", 8787));
    assert!(host_allowed("[::1]:8787", 8787));
    assert!(host_allowed("localhost", 8787));
    assert!(!host_allowed("evil.example:8787", 8787));
    assert!(!host_allowed("127.0.0.1:9999", 8787));
}
