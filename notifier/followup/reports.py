"""Each group's follow-up page in NOTIFIER_REPORTS_DIR, written shortly before it meets.

A page is written once NOTIFIER_REPORT_LEAD before the meeting and written again, up to the
meeting, whenever one of the group's clients has replied since (the database remembers when
each page was written, so replicas and restarts agree). Pages are written atomically, mode 600:
they hold health information. The retention job removes pages of meetings older than
NOTIFIER_RETENTION (:func:`remove_old_pages`).
"""

from __future__ import annotations

import logging
import os
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from notifier.core import state
from notifier.core.db import Database
from notifier.core.models import Client, Reply
from notifier.core.output import write_private
from notifier.core.settings import Settings
from notifier.followup.digest import NoSession, build_digest, next_session
from notifier.followup.render import page

log = logging.getLogger(__name__)

PAGE_NAME = re.compile(r"^followup-(?P<group>.+)-(?P<when>\d{4}-\d{2}-\d{2}-\d{4})\.html$")
TEMP_NAME = re.compile(r"^\.followup-.*\.tmp$")
STALE_TEMP_SECONDS = 3600  # a temporary file this old was left by a process that died


def page_name(group: str, local_start: datetime) -> str:
    return f"followup-{group}-{local_start:%Y-%m-%d-%H%M}.html"


def write_due_reports(db: Database, settings: Settings, now: datetime) -> list[str]:
    """Write (or rewrite) the pages due at ``now``; returns the paths written."""
    target = settings.reports_dir
    if target is None:
        return []
    written: list[str] = []
    with state.singleton(db, "reports") as mine:
        if not mine:
            return []
        for group in settings.groups:
            try:
                _sid, start, _end, _loc = next_session(db, settings, group.name, now)
            except NoSession:
                continue
            if not start - settings.report_lead <= now < start:
                continue
            key = f"report:{group.name}:{start.isoformat()}"
            before = state.updated_at(db, key)
            if before is not None and not replied_since(db, group.name, before):
                continue
            path = Path(target) / page_name(group.name, start.astimezone(settings.timezone))
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_private(
                path,
                page(build_digest(db, settings, group.name, now), settings.timezone),
                replace_links=True,
            )
            state.put(db, key, path.name, now)
            written.append(str(path))
            log.info(
                "follow-up page rewritten" if before else "follow-up page written",
                extra={"event": "report", "group": group.name, "file": path.name},
            )
    return written


def replied_since(db: Database, group: str, since: datetime) -> bool:
    """Has any client of ``group`` replied since ``since`` (by when the reply was stored, so a
    late delivery the poller recovers counts too)?"""
    with db.read() as s:
        found = s.scalar(
            select(Reply.id)
            .join(Client, Client.id == Reply.client_id)
            .where(Client.group_name == group, Reply.created_at >= since)
            .limit(1)
        )
    return found is not None


def remove_old_pages(directory: Path | None, cutoff: datetime, tz: ZoneInfo) -> int:
    """Delete follow-up pages of meetings that started before ``cutoff`` (every reply in them
    is older), and temporary files a dead writer left. Only regular files named as this module
    names them are touched; returns how many were removed."""
    if directory is None or not directory.is_dir():
        return 0
    removed = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            if _expired(entry, cutoff, tz):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    if removed:
        log.info("old follow-up pages removed", extra={"event": "purge.reports", "files": removed})
    return removed


def _expired(entry: os.DirEntry[str], cutoff: datetime, tz: ZoneInfo) -> bool:
    match = PAGE_NAME.match(entry.name)
    if match:
        meeting = datetime.strptime(match["when"], "%Y-%m-%d-%H%M").replace(tzinfo=tz)
        return meeting < cutoff
    if TEMP_NAME.match(entry.name):
        return entry.stat(follow_symlinks=False).st_mtime < time.time() - STALE_TEMP_SECONDS
    return False
