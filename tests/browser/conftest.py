"""Real-browser tests: Debian's Chromium driven by Selenium, against a live server.

One browser and one seeded server serve the whole session (starting Chromium costs ~1 s).
Every page a test opens through :class:`Pages` is screenshotted into
``test-artifacts/screenshots/`` (``NOTIFIER_SCREENSHOT_DIR`` overrides) and checked with
axe-core: a ``serious`` or ``critical`` violation fails the test, listing each one. Every
verdict is also written to ``axe-results.json`` beside the screenshots.

Without chromium, chromedriver or axe-core (``make test`` installs them) the tests skip with
one reason; ``NOTIFIER_REQUIRE_BROWSER=1`` (CI) turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers.live import LiveServer, start_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / ".axe/node_modules/axe-core/axe.min.js"
BLOCKING = ("serious", "critical")
DOCS_HEIGHT = 1400
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # Chromium refuses to run as root with its sandbox
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    # Every host but this machine fails to resolve, without a lookup: a page that links a CDN
    # (the mock OpenID provider's does) cannot make the browser reach the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _missing() -> str | None:
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        return "browser tests need Debian's chromium and chromium-driver (make browser-deps)"
    if not AXE_JS.is_file():
        return f"browser tests need axe-core in {AXE_JS.parent} (make test installs it)"
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("NOTIFIER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (NOTIFIER_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    raw = os.environ.get("NOTIFIER_SCREENSHOT_DIR")
    path = Path(raw).resolve() if raw else PROJECT_ROOT / "test-artifacts/screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    reason = _missing()
    if reason:
        _skip_or_fail(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    profile = tempfile.mkdtemp(prefix="notifier-chromium-")
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_argument("--window-size=1200,900")
    browser = webdriver.Chrome(
        options=options, service=DriverService(executable_path=str(shutil.which("chromedriver")))
    )
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("live"))
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Pages:
    """Opens pages of one server in the shared browser; each is screenshotted and axe-checked."""

    driver: Any
    server: LiveServer
    shots: Path
    axe_source: str
    results: dict[str, Any] = field(default_factory=dict)

    def open(self, path: str, name: str) -> None:
        self.driver.get(self.server.url + path)
        self.check(name)

    def check(self, name: str, *, width: int = 1200, docs: bool = False) -> None:
        """Screenshot the whole page at ``width`` px, then run axe on it. With ``docs`` and
        NOTIFIER_DOCS_SCREENSHOTS set (a folder), also the README's copy: the top of the page,
        at most DOCS_HEIGHT px tall."""
        self.screenshot(name, width=width)
        target = os.environ.get("NOTIFIER_DOCS_SCREENSHOTS")
        if docs and target:
            folder = PROJECT_ROOT / target  # relative to the project (tests run elsewhere)
            self.screenshot(name, width=width, folder=folder, max_height=DOCS_HEIGHT)
        violations = self.axe()
        self.results[name] = {
            "url": self.driver.current_url.replace(self.server.url, ""),
            "width": width,
            "violations": [
                {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations
            ],
        }
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {name}:\n" + "\n".join(
            f"  {v['impact']}: {v['id']} ({v['help']}) at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in blocking
        )

    def screenshot(
        self, name: str, *, width: int = 1200, folder: Path | None = None, max_height: int = 6000
    ) -> Path:
        self.driver.set_window_size(width, 900)
        height = self.driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)"
        )
        self.driver.set_window_size(width, min(max(int(height), 400), max_height))
        path = (folder or self.shots) / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1200, 900)
        return path

    def axe(self) -> list[dict[str, Any]]:
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.axe_source)
        outcome: dict[str, Any] = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done({violations: r.violations}))
              .catch(e => done({error: String(e)}));
            """
        )
        assert "error" not in outcome, f"axe failed: {outcome.get('error')}"
        violations: list[dict[str, Any]] = outcome["violations"]
        return violations


def click_and_wait(d: Any, element: Any) -> None:
    """Click a button that loads a new page, and wait until the new page is there."""
    old = d.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(d, 15).until(expected_conditions.staleness_of(old))
    WebDriverWait(d, 15).until(
        lambda drv: drv.execute_script("return document.readyState") == "complete"
    )


def text_of(pages: Pages) -> str:
    """The words of the page's main region, as a reader sees them."""
    return str(pages.driver.find_element(By.TAG_NAME, "main").text)


@pytest.fixture(scope="session")
def axe_results(screenshot_dir: Path) -> Iterator[dict[str, Any]]:
    results: dict[str, Any] = {}
    yield results
    (screenshot_dir / "axe-results.json").write_text(json.dumps(results, indent=2) + "\n")


@pytest.fixture
def pages(
    driver: Any, live_server: LiveServer, screenshot_dir: Path, axe_results: dict[str, Any]
) -> Iterator[Pages]:
    driver.delete_all_cookies()
    yield Pages(driver, live_server, screenshot_dir, AXE_JS.read_text(), axe_results)
