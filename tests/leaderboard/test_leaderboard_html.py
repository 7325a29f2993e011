"""The HTML leaderboard in a real headless Chromium, opened from file:// with no network."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from teachbench.leaderboard.publish import publish

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CAMPAIGN = Path(__file__).resolve().parents[2] / "results" / "baselines"
CHALLENGE = "teachmyagent/surrogate/mostly-unfeasible"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """The leaderboard page of one challenge of the committed campaign (288 real records)."""
    root = tmp_path_factory.mktemp("html")
    shutil.copytree(CAMPAIGN / CHALLENGE, root / "records" / CHALLENGE)
    publish(root / "records", root / "site", formats=["html"], reps=200)
    return root / "site" / "index.html"


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        missing = (
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("TEACHBENCH_REQUIRE_BROWSER"):  # CI installs them: absence is a failure
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def _column(driver, table, index: int) -> list[str]:
    return driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('tr.row'), "
        "r => r.cells[arguments[1]].dataset.sort)",
        table,
        index,
    )


def test_page_is_self_contained(page):
    text = page.read_text()
    for remote in ('src="http', "src='http", 'href="http', "@import", "url(http"):
        assert remote not in text


def test_rows_sorting_and_screenshot(page, browser):
    from selenium.webdriver.common.by import By

    browser.get(page.as_uri())
    tables = browser.find_elements(By.CSS_SELECTOR, "table.lb")
    assert len(tables) == 3  # one per expert-knowledge level
    high = tables[-1]
    rows = high.find_elements(By.CSS_SELECTOR, "tbody tr.row")
    assert len(rows) == 12  # every registered baseline at level high
    headers = [th.text for th in high.find_elements(By.TAG_NAME, "th")]
    column = headers.index("all challenges")
    initial = [float(v) for v in _column(browser, high, column)]
    assert initial == sorted(initial, reverse=True), "best aggregate IQM first"
    high.find_elements(By.TAG_NAME, "th")[column].click()
    ascending = [float(v) for v in _column(browser, high, column)]
    assert ascending == sorted(initial)
    high.find_elements(By.TAG_NAME, "th")[0].click()
    names = _column(browser, high, 0)
    assert names == sorted(names)
    first = high.find_elements(By.CSS_SELECTOR, "tbody tr.row")[0]
    details = first.find_element(By.XPATH, "following-sibling::tr[1]")
    assert not details.is_displayed()
    first.find_element(By.CSS_SELECTOR, "button.prov").click()
    assert details.is_displayed() and "entry point" in details.text
    assert "protocol hash" in details.text and "env steps" in details.text
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(r.startswith(("data:", "file:")) for r in resources), resources
    images = browser.execute_script("return Array.from(document.images, i => i.naturalWidth)")
    assert images and all(w > 500 for w in images), "every embedded figure decodes"
    browser.execute_script("arguments[0].scrollIntoView()", high)
    shot = page.parent / "screenshot.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("TEACHBENCH_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
