#!/usr/bin/env bash
# End-to-end test of `peacesim studio` in a real headless browser: Debian's chromium and
# chromium-driver (installed with apt-get when missing and run as root, as in CI), selenium and
# pytest from PyPI in a virtual environment, and the release binary.
#
#   bash scripts/studio/e2e.sh [VENV]
#
# VENV: a virtual environment to reuse (selenium and pytest are installed into it); without it,
# a fresh one in a temporary folder. A missing browser, driver or binary FAILS the run: nothing
# is skipped. Set STUDIO_SCREENSHOT=path.png to keep a screenshot of the page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
fi
command -v chromium >/dev/null 2>&1 || { echo "error: chromium is missing (apt-get install -y chromium)" >&2; exit 1; }
command -v chromedriver >/dev/null 2>&1 || { echo "error: chromedriver is missing (apt-get install -y chromium-driver)" >&2; exit 1; }

bin="${PEACESIM_CLI:-$PWD/target/release/peacesim}"
[ -x "$bin" ] || { echo "error: no release binary at $bin; run cargo build --release" >&2; exit 1; }

venv="${1:-}"
if [ -z "$venv" ]; then
    venv="$(mktemp -d)/venv"
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check selenium pytest
PEACESIM_CLI="$bin" "$venv/bin/python" -m pytest -p no:cacheprovider -v scripts/studio/test_studio_e2e.py
