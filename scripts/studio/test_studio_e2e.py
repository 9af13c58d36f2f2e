"""End-to-end test of `peacesim studio` in a real headless browser (Debian's chromium and
chromium-driver, driven through WebDriver by selenium).

Starts the release binary on a free port of 127.0.0.1, opens the page, changes a slider, plays
some months, steps and scrubs, runs paired replicates and checks what the page shows; then
checks that a bad value typed into a field gets `peacesim check`'s message next to that field
and that a broken scenario text gets it in the editor.

Run through scripts/studio/e2e.sh (which CI calls). Environment:
  PEACESIM_CLI       the binary (default: target/release/peacesim)
  STUDIO_SCREENSHOT  if set, a PNG of the page after playing is written there
  CHROMIUM, CHROMEDRIVER  the browser and its driver (default: /usr/bin/chromium,
                     /usr/bin/chromedriver). Neither is optional: a missing one fails the test.
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("PEACESIM_CLI", str(ROOT / "target" / "release" / "peacesim"))
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (
    os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
)


@pytest.fixture(scope="module")
def studio():
    assert Path(CLI).is_file(), f"no peacesim binary at {CLI}; run `cargo build --release`"
    proc = subprocess.Popen(
        [CLI, "studio", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert match, f"no address printed: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), f"chromium is missing ({CHROMIUM}): apt-get install -y chromium"
    assert Path(CHROMEDRIVER).is_file(), (
        f"chromedriver is missing ({CHROMEDRIVER}): apt-get install -y chromium-driver"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1050"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait(driver, seconds=60):
    return WebDriverWait(driver, seconds)


def month(driver):
    text = driver.find_element(By.ID, "month-label").text
    return int(re.search(r"Month (\d+)", text).group(1))


def chronicle_count(driver, panel):
    return len(driver.find_elements(By.CSS_SELECTOR, f"#panel-{panel} .chronicle li"))


def test_studio_in_a_browser(studio, browser):
    d = browser
    d.get(studio)
    # The page loads the training scenario and traces replicate 0 of both regimes.
    wait(d).until(lambda d: "ok — scenario" in d.find_element(By.ID, "status").text)
    wait(d).until(lambda d: d.find_element(By.CSS_SELECTOR, "#panel-1 .regime-name").text != "")
    assert d.find_element(By.ID, "scenario").get_attribute("value") == "training_parallel_processes"
    assert d.find_element(By.CSS_SELECTOR, "#panel-0 .regime-name").text == "competitive"
    assert d.find_element(By.CSS_SELECTOR, "#panel-1 .regime-name").text == "hierarchical"
    # Controls are generated: mechanism toggles, sliders, motives of every third party.
    assert len(d.find_elements(By.CSS_SELECTOR, "#controls input[type=checkbox]")) == 11
    assert d.find_elements(By.CSS_SELECTOR, 'input[data-id="third_parties[2].recognition"]')
    assert month(d) == 1

    # The story of replicate 98: pick it, and the seed note names it.
    rep = d.find_element(By.ID, "replicate")
    rep.clear()
    rep.send_keys("98", Keys.TAB)
    wait(d).until(lambda d: "Replicate 98 of master seed 7" in d.find_element(By.ID, "seed-note").text)

    # Change a slider with the keyboard, as a person would: the shopping rate goes down.
    slider = d.find_element(By.CSS_SELECTOR, 'input[type=range][data-id="forums.shop_rate"]')
    before = float(slider.get_attribute("value"))
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    slider.click()
    for _ in range(5):
        slider.send_keys(Keys.ARROW_LEFT)
    after = float(slider.get_attribute("value"))
    assert after < before
    box = d.find_element(By.CSS_SELECTOR, 'input.value[data-id="forums.shop_rate"]')
    assert abs(float(box.get_attribute("value")) - after) < 1e-9
    wait(d).until(lambda d: "setting(s) changed" in d.find_element(By.ID, "status").text)
    control = d.find_element(By.CSS_SELECTOR, '[data-control="forums.shop_rate"]')
    assert "changed" in control.get_attribute("class")

    # Play some months, pause, then step and scrub.
    d.find_element(By.ID, "speed").send_keys("fast")
    d.find_element(By.ID, "play").click()
    wait(d).until(lambda d: month(d) >= 30)
    d.find_element(By.ID, "play").click()
    paused = month(d)
    time.sleep(0.5)
    assert month(d) == paused, "pause stops the clock"
    d.find_element(By.ID, "step").click()
    assert month(d) == paused + 1
    d.find_element(By.ID, "back").click()
    assert month(d) == paused
    # Chronicle lines appear as months pass: none after month 1's, more by now.
    assert chronicle_count(d, 1) > 0
    lines_now = chronicle_count(d, 1)
    scrub = d.find_element(By.ID, "scrub")
    d.execute_script(
        "arguments[0].value = 1; arguments[0].dispatchEvent(new Event('input'))", scrub)
    assert month(d) == 1
    assert chronicle_count(d, 1) <= lines_now
    d.execute_script(
        "arguments[0].value = 60; arguments[0].dispatchEvent(new Event('input'))", scrub)
    assert month(d) == 60
    # The network view and the charts are drawn for both regimes.
    for k in (0, 1):
        assert d.find_elements(By.CSS_SELECTOR, f"#panel-{k} .network g[data-actor]")
        assert d.find_elements(By.CSS_SELECTOR, f"#panel-{k} .network g[data-party]")
        assert d.find_element(By.CSS_SELECTOR, f"#panel-{k} .phase").text
    for series in ("readiness", "pressure", "violence", "open_tables"):
        lines = d.find_elements(By.CSS_SELECTOR, f'.chart[data-series="{series}"] polyline')
        assert len(lines) == 2
        assert len(lines[0].get_attribute("points").split()) == 60

    # Paired replicates, with 95% intervals per regime.
    n = d.find_element(By.ID, "n")
    n.clear()
    n.send_keys("500")
    d.find_element(By.ID, "run-batch").click()
    wait(d).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#batch-result tr[data-regime]"))
    rows = d.find_elements(By.CSS_SELECTOR, "#batch-result tr[data-regime]")
    assert [r.get_attribute("data-regime") for r in rows] == ["competitive", "hierarchical"]
    for r in rows:
        assert re.fullmatch(r"\d+\.\d%", r.find_element(By.CSS_SELECTOR, "td.rate").text)
        assert re.search(r"\d+\.\d% – \d+\.\d%", r.text)
    status = d.find_element(By.ID, "batch-status").text
    assert re.search(r"500 replicates × 2 regimes in [\d.]+ ms", status), status
    assert "Paired difference in agreement" in d.find_element(By.ID, "batch-result").text

    # Classroom view: larger type; high contrast: a dark page.
    size = lambda: float(d.execute_script(
        "return parseFloat(getComputedStyle(document.body).fontSize)"))
    normal = size()
    d.find_element(By.ID, "classroom").click()
    assert size() > normal * 1.3
    d.find_element(By.ID, "contrast").click()
    assert d.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    d.find_element(By.ID, "contrast").click()
    d.find_element(By.ID, "classroom").click()

    shot = os.environ.get("STUDIO_SCREENSHOT")
    if shot:
        d.set_window_size(1400, 1480)
        d.execute_script("window.scrollTo(0, 0); document.getElementById('controls').scrollTop = 0")
        time.sleep(0.3)
        d.save_screenshot(shot)
        d.set_window_size(1400, 1050)

    # A value out of range typed into a field: check's message next to the field.
    box = d.find_element(By.CSS_SELECTOR, 'input.value[data-id="forums.shop_rate"]')
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.clear()
    box.send_keys("1.7", Keys.TAB)
    err = d.find_element(By.CSS_SELECTOR, '[data-err-for="forums.shop_rate"]')
    wait(d).until(lambda d: "must be a number from 0 to 1" in err.text)
    assert "forums.shop_rate" in err.text
    d.find_element(By.ID, "reset").click()
    wait(d).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".control.invalid"))

    # The same for a third party's motive: check names the actor by its name, and the message
    # still lands next to that actor's control.
    box = d.find_element(By.CSS_SELECTOR, 'input.value[data-id="third_parties[2].recognition"]')
    d.execute_script(
        "arguments[0].closest('details').open = true;"
        "arguments[0].scrollIntoView({block: 'center'})", box)
    box.clear()
    box.send_keys("1.5", Keys.TAB)
    err = d.find_element(
        By.CSS_SELECTOR, '[data-err-for=\'third_parties."Neighbouring State".recognition\']')
    wait(d).until(lambda d: "must be a number from 0 to 1" in err.text)
    d.find_element(By.ID, "reset").click()
    wait(d).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".control.invalid"))

    # A broken scenario text: check's message in the editor, with its line marked.
    d.find_element(By.ID, "edit-toggle").click()
    editor = d.find_element(By.ID, "editor")
    wait(d).until(lambda d: editor.is_displayed())
    text = editor.get_attribute("value")
    assert "[forums]" in text
    d.execute_script(
        "arguments[0].value = arguments[0].value.replace('[forums]', '[forums');", editor)
    d.find_element(By.ID, "apply").click()
    errors = d.find_element(By.ID, "editor-errors")
    wait(d).until(lambda d: errors.is_displayed() and "line" in errors.text)
    assert errors.text.startswith("error: ")
    assert d.find_elements(By.CSS_SELECTOR, "#gutter .bad")
    # The page still shows the last valid scenario.
    assert d.find_element(By.CSS_SELECTOR, "#panel-0 .regime-name").text == "competitive"
