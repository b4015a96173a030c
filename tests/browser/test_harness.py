"""The browser harness itself: the live server answers, the seeded data is there, a page is
screenshotted and axe runs on it."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Pages
from tests.conftest import BASE_SETTINGS
from tests.helpers.live import CRISIS_TEXT

STAFF_TOKEN = BASE_SETTINGS["staff_token"]


def test_harness_serves_the_seeded_follow_up_page_and_axe_runs_on_it(pages: Pages) -> None:
    pages.driver.execute_cdp_cmd("Network.enable", {})
    pages.driver.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Bearer {STAFF_TOKEN}"}}
    )
    try:
        pages.open("/followup/evening", "harness-bearer-followup")
        body: Any = pages.driver.find_element("tag name", "body").text
        assert "Ben" in body and CRISIS_TEXT in body
        assert (pages.shots / "harness-bearer-followup.png").stat().st_size > 1000
        assert "harness-bearer-followup" in pages.results
    finally:
        pages.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
