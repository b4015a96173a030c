"""The group page shows each client's step-down phase (NOTIFIER_PHASES), and nothing without."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from notifier.roster.phases import set_phase
from tests.helpers import add_client
from tests.helpers.staffkit import App, enrol

TABLE = "intensive: 0w mon,tue,wed,thu,fri; step-down: 6w mon,wed,fri"


def page(app: App) -> str:
    then = app.clock.now - timedelta(days=14)
    add_client(app.db, "E1", first_name="Ben", phone="+13125550101", now=then)
    add_client(app.db, "E2", first_name="Zoe", phone="+13125550102", now=then)
    app.add_staff("ana@clinic.org", groups="evening")
    browser = app.browser()
    enrol(browser, "ana@clinic.org", app.clock.now)
    if app.service.settings.phases:
        set_phase(app.db, "E2", "step-down", app.service.settings, app.clock.now)
    shown = browser.get("/groups/evening")
    assert shown.status_code == 200
    return shown.text


def test_group_page_shows_each_clients_phase(staff_app: Callable[..., App]) -> None:
    text = page(staff_app(phases=TABLE))
    assert "phase: step-down" in text and "phase: intensive" in text


def test_group_page_without_phases_shows_none(staff_app: Callable[..., App]) -> None:
    assert "phase:" not in page(staff_app())
