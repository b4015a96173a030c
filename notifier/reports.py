"""Write each group's follow-up page to NOTIFIER_REPORTS_DIR shortly before it meets.

A page is written once per meeting (remembered in the database, so replicas and restarts do
not write it again), atomically, readable by its owner only: it holds health information.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from notifier import state
from notifier.followup import NoSession, next_session
from notifier.followup_render import page
from notifier.output import write_private

if TYPE_CHECKING:
    from notifier.service import Service

log = logging.getLogger(__name__)


def write_due_reports(service: Service, now: datetime) -> list[str]:
    settings = service.settings
    target = settings.reports_dir
    if target is None:
        return []
    written: list[str] = []
    with state.singleton(service.db, "reports") as mine:
        if not mine:
            return []
        for group in settings.groups:
            try:
                _sid, start, _end, _loc = next_session(service.db, settings, group.name, now)
            except NoSession:
                continue
            if not start - settings.report_lead <= now < start:
                continue
            key = f"report:{group.name}:{start.isoformat()}"
            if state.get(service.db, key):
                continue
            local = start.astimezone(settings.timezone)
            path = Path(target) / f"followup-{group.name}-{local:%Y-%m-%d-%H%M}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_private(path, page(service.followup(group.name, now), settings.timezone))
            state.put(service.db, key, path.name, now)
            written.append(str(path))
            log.info(
                "follow-up page written",
                extra={"event": "report", "group": group.name, "file": path.name},
            )
    return written
