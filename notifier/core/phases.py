"""Step-down: the program's phases and how often each one gets a check-in (NOTIFIER_PHASES).

A client moves from a more intensive phase to a lighter one as the weeks since their start
date pass (``step-down: 6w mon,wed,fri`` begins six weeks after it), unless staff set a phase
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

_ENTRY = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9_-]{1,40})\s*:\s*(?P<weeks>\d{1,3})w\s+(?P<days>\S.*)$"
)


@dataclass(frozen=True)
class Phase:
    name: str
    from_week: int  # the program week (0 = the start date) the phase begins
    days: CheckinDays


def parse_phases(text: str) -> tuple[Phase, ...]:
    """``intensive: 0w mon,tue,wed,thu,fri; step-down: 6w mon,wed,fri; continuing: 12w wed``.
    The first phase begins at 0w, each later one after the one before; days as in
    NOTIFIER_CHECKIN_DAYS (weekdays, ``daily``, ``non-session`` or ``off``)."""
    phases: list[Phase] = []
    for raw in (p for p in text.split(";") if p.strip()):
        m = _ENTRY.match(raw)
        if m is None:
            raise ValueError(
                'expected "name: Nw days; ..." like "intensive: 0w mon,tue,wed,thu,fri; '
                f'step-down: 6w mon,wed,fri", got {raw.strip()!r}'
            )
        name, weeks = m.group("name").lower(), int(m.group("weeks"))
        days = parse_checkin_days(m.group("days"))
        if any(p.name == name for p in phases):
            raise ValueError(f"expected each phase once, {name!r} is repeated")
        if not phases and weeks != 0:
            raise ValueError(
                f"expected the first phase to begin at 0w, {name!r} begins at {weeks}w"
            )
        if phases and weeks <= phases[-1].from_week:
            raise ValueError(
                f"expected each phase to begin after the one before, {name!r} begins at {weeks}w"
            )
        phases.append(Phase(name, weeks, days))
    return tuple(phases)


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
