"""Step-down: the program's phases and how often each one gets a check-in (NOTIFIER_PHASES).

A client moves from a more intensive phase to a lighter one as the weeks since their start
date pass (``intensive: mon,tue,wed,thu,fri until week 6; step-down: mon,wed,fri`` steps
down after six weeks), unless staff set a phase
(``notifier clients phase``), which then holds until they set another or ``auto``. Without
NOTIFIER_PHASES nobody has a phase and NOTIFIER_CHECKIN_DAYS applies to everyone, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_settings import NoDecode

from notifier.core.calendar import CheckinDays
from notifier.core.grammar import parse_checkin_days

# Two ways to write one phase: from which week it begins ("step-down: 6w mon,wed,fri"), or
# DESIGN.md's "until which program week" ("intensive: mon-fri until week 6"; the last phase
# may leave "until" out: it lasts for good). Both give the same table.
_FROM = re.compile(r"^\s*(?P<name>[A-Za-z0-9_-]{1,40})\s*:\s*(?P<weeks>\d{1,3})w\s+(?P<days>\S.*)$")
_UNTIL = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9_-]{1,40})\s*:\s*(?P<days>\S.*?)"
    r"(?:\s+until\s+(?:week\s+)?(?P<until>\d{1,3})\s*w?)?\s*$",
    re.IGNORECASE,
)
_SHAPE = (
    'expected "name: days until week N; ...; name: days" like "intensive: mon,tue,wed,thu,fri '
    'until week 6; step-down: mon,wed,fri until week 12; continuing: wed" (or "name: Nw days":'
    " from week N)"
)


@dataclass(frozen=True)
class Phase:
    name: str
    from_week: int  # the program week (0 = the start date) the phase begins
    days: CheckinDays


def parse_phases(text: str) -> tuple[Phase, ...]:
    """The phase table, in either form (see above); days as in NOTIFIER_CHECKIN_DAYS
    (weekdays, ``daily``, ``non-session`` or ``off``). Phases follow each other in time."""
    entries = [p for p in text.split(";") if p.strip()]
    if not entries:
        return ()
    if _FROM.match(entries[0]):
        return _from_weeks(entries)
    return _until_weeks(entries)


def _from_weeks(entries: list[str]) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    for raw in entries:
        m = _FROM.match(raw)
        if m is None:
            raise ValueError(f"{_SHAPE}, got {raw.strip()!r}")
        name, weeks = m.group("name").lower(), int(m.group("weeks"))
        if not phases and weeks != 0:
            raise ValueError(
                f"expected the first phase to begin at 0w, {name!r} begins at {weeks}w"
            )
        _add(phases, name, weeks, m.group("days"))
    return tuple(phases)


def _until_weeks(entries: list[str]) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    begins = 0
    for i, raw in enumerate(entries):
        m = _UNTIL.match(raw)
        if m is None:
            raise ValueError(f"{_SHAPE}, got {raw.strip()!r}")
        name, until = m.group("name").lower(), m.group("until")
        if until is None and i < len(entries) - 1:
            raise ValueError(
                f'expected "until week N" on every phase but the last: only the last phase '
                f"lasts for good, {name!r} has no end"
            )
        _add(phases, name, begins, m.group("days"))
        if until is not None:
            if int(until) < 1:
                raise ValueError(f"expected an end at week 1 or later, {name!r} ends at {until}")
            if int(until) <= begins:
                raise ValueError(
                    f"expected each phase to end after the one before, {name!r} ends at week "
                    f"{until}"
                )
            begins = int(until)
    return tuple(phases)


def _add(phases: list[Phase], name: str, weeks: int, days_text: str) -> None:
    if any(p.name == name for p in phases):
        raise ValueError(f"expected each phase once, {name!r} is repeated")
    if phases and weeks <= phases[-1].from_week:
        raise ValueError(
            f"expected each phase to begin after the one before, {name!r} begins at {weeks}w"
        )
    phases.append(Phase(name, weeks, parse_checkin_days(days_text)))


def _coerce(v: Any) -> tuple[Phase, ...]:
    return tuple(v) if not isinstance(v, str) else parse_phases(v)


# The settings field's type: parsed from the env text, given as Phase values in tests.
Phases = Annotated[tuple[Phase, ...], NoDecode, BeforeValidator(_coerce)]


def phase_named(phases: tuple[Phase, ...], name: str) -> Phase | None:
    wanted = name.strip().lower()
    return next((p for p in phases if p.name == wanted), None)


def phase_on(
    phases: tuple[Phase, ...], start_date: date | None, day: date, staff_set: str | None = None
) -> Phase | None:
    """The client's phase on local date ``day``: the one staff set, else the last whose week
    has begun since ``start_date`` (the first phase without a start date). None without
    phases. A staff phase that is no longer configured falls back to the weeks."""
    if not phases:
        return None
    if staff_set:
        chosen = phase_named(phases, staff_set)
        if chosen is not None:
            return chosen
    if start_date is None:
        return phases[0]
    weeks = (day - start_date).days // 7
    current = phases[0]
    for p in phases:
        if p.from_week <= weeks:
            current = p
    return current
