"""Retention: message and reply bodies older than NOTIFIER_RETENTION are erased, and report
pages (NOTIFIER_REPORTS_DIR) of meetings older than that are removed.

What the follow-up list needs (scores, categories, labels, timestamps, statuses) stays; the
words people wrote and the texts we sent do not. Purging is idempotent (an erased body is the
empty string and is skipped) and is logged as counts only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from notifier.db import Database, rowcount
from notifier.models import FINAL_STATUSES, Message, Reply
from notifier.reports import remove_old_pages
from notifier.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    message_bodies: int
    reply_bodies: int
    report_pages: int = 0


def purge(db: Database, settings: Settings, now: datetime) -> PurgeResult:
    cutoff = now - settings.retention
    with db.session() as s:
        messages = rowcount(
            s.execute(
                update(Message)
                .where(
                    Message.created_at < cutoff,
                    Message.status.in_(FINAL_STATUSES | {"sent"}),
                    Message.body != "",
                )
                .values(body="", recipient=None)
            )
        )
        replies = rowcount(
            s.execute(
                update(Reply).where(Reply.received_at < cutoff, Reply.body != "").values(body="")
            )
        )
    pages = remove_old_pages(settings.reports_dir, cutoff, settings.timezone)
    log.info(
        "purged old bodies",
        extra={"event": "purge", "messages": messages, "replies": replies,
               "report_pages": pages, "cutoff": cutoff.isoformat()},
    )  # fmt: skip
    return PurgeResult(cutoff, messages, replies, pages)
