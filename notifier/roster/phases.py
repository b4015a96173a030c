"""A client's phase (step-down): set by staff, or following the weeks since the start date.

The phase table is NOTIFIER_PHASES (notifier.core.phases). Setting a phase here holds it until
staff set another or ``auto`` (back to the weeks); the next plan tapers the check-ins to it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from notifier.core.db import Database
from notifier.core.phases import Phase, phase_named, phase_on
from notifier.core.program import ClientPhase
from notifier.core.settings import Settings
from notifier.roster.clients import client_by_external_id

log = logging.getLogger(__name__)

AUTO = "auto"


def set_phase(
    db: Database, external_id: str, name: str, settings: Settings, now: datetime
) -> Phase | None:
    """Set (or with ``auto`` clear) the client's phase; returns their phase today."""
    if not settings.phases:
        raise ValueError("no phases configured: set NOTIFIER_PHASES first")
    wanted = name.strip().lower()
    if wanted != AUTO and phase_named(settings.phases, wanted) is None:
        known = ", ".join(p.name for p in settings.phases)
        raise ValueError(f"--set {name!r}: expected one of {known} or {AUTO}")
    today = now.astimezone(settings.timezone).date()
    with db.session() as s:
        client = client_by_external_id(s, db.crypto, external_id)
        if client is None:
            raise LookupError(f"no client with external_id {external_id!r}")
        row = s.get(ClientPhase, client.id)
        if wanted == AUTO:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(ClientPhase(client_id=client.id, phase=wanted, set_at=now))
        else:
            row.phase, row.set_at = wanted, now
        staff_set = None if wanted == AUTO else wanted
        current = phase_on(settings.phases, client.start_date, today, staff_set)
        client_id = client.id
    log.info("phase set", extra={"event": "client.phase", "client_id": client_id})
    return current


def phase_name(
    settings: Settings, start_date: date | None, staff_set: str | None, day: date
) -> str | None:
    """The name of a client's phase on ``day``, or None without NOTIFIER_PHASES."""
    phase = phase_on(settings.phases, start_date, day, staff_set)
    return phase.name if phase is not None else None
