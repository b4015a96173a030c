"""Retention: message and reply bodies older than NOTIFIER_RETENTION are erased, and report
pages (NOTIFIER_REPORTS_DIR) of meetings older than that are removed. :func:`housekeep` adds the
rest of what goes with time (expired staff sessions, idle throttle buckets, the numbers of
unknown senders kept 72 hours for callers): the service's
six-hourly job and ``notifier purge`` both run it.

What the follow-up list needs (scores, categories, labels, timestamps, statuses) stays; the
words people wrote and the texts we sent do not. Webhook deliveries that failed processing
(kept in the inbox for a person to look at) are deleted once older than the retention too.
Staff notes on alerts (what happened when someone called) are erased with the replies: the
note of an alert raised before the cutoff. Purging is idempotent (an erased body is the empty
string and is skipped) and is logged as counts only.

Every encrypted column is in :data:`ERASED` (retention erases it) or :data:`KEPT` (needed as
long as the record exists); a test walks the models, so a new one cannot be forgotten.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, update

from notifier.core import throttle
from notifier.core.db import Database, rowcount
from notifier.core.models import FINAL_STATUSES, Alert, InboxItem, Message, Reply
from notifier.core.settings import Settings
from notifier.followup.reports import remove_old_pages
from notifier.inbound import alerts, unknown
from notifier.inbound.inbox import DEAD
from notifier.staff import logins as staff_sessions

log = logging.getLogger(__name__)

# (table, column) of every encrypted column: erased after NOTIFIER_RETENTION, or kept.
ERASED = frozenset(
    {
        ("messages", "body"),
        ("messages", "recipient"),
        ("replies", "body"),
        ("replies", "urgent_evidence"),  # the words that made a reply urgent, with the body
        ("alerts", "note"),
        ("alert_events", "note"),
        ("alerts", "sender"),  # a number on no record, forgotten after 72 hours (housekeeping)
        ("inbox", "from_phone"),  # failed rows are deleted; processed ones at once
        ("inbox", "body"),
    }
)
KEPT = frozenset(
    {
        ("clients", "external_id"),  # the client's record, until the clinic removes it
        ("clients", "first_name"),
        ("clients", "phone"),
        ("staff", "totp_secret"),  # the account's second factor
        # A support person's 42 CFR Part 2 consent record (who, which number): kept with the
        # client's record like the consent itself, revoked or not.
        ("support_persons", "name"),
        ("support_persons", "phone"),
        # The 42 CFR 2.51 record of a medical-emergency disclosure: to whom, their facility,
        # the nature of the emergency; the regulation asks it be kept in the patient's record.
        ("alert_events", "disclosed_to"),
        ("alert_events", "facility"),
        ("alert_events", "emergency"),
    }
)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    message_bodies: int
    reply_bodies: int
    inbox_rows: int = 0  # failed webhook deliveries deleted
    report_pages: int = 0  # follow-up pages of old meetings removed
    staff_sessions: int = 0  # expired staff sessions ended (housekeep only)
    alert_notes: int = 0  # staff notes of old alerts erased
    unknown_senders: int = 0  # numbers on no record forgotten after 72 h (housekeep only)


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
                update(Reply)
                .where(Reply.received_at < cutoff, Reply.body != "")
                .values(body="", urgent_evidence=None)
            )
        )
        notes = rowcount(
            s.execute(
                update(Alert)
                .where(Alert.created_at < cutoff, Alert.note.is_not(None))
                .values(note=None)
            )
        )
        # Only rows given up on: a row still waiting is the backlog, processed (and deleted) next.
        inbox = rowcount(
            s.execute(
                delete(InboxItem).where(
                    InboxItem.claimed_by == DEAD, InboxItem.received_at < cutoff
                )
            )
        )
    # Notes in alert histories too; the 42 CFR 2.51 record of a disclosure stays (KEPT).
    notes += alerts.forget_notes(db, cutoff)
    pages = remove_old_pages(settings.reports_dir, cutoff, settings.timezone)
    log.info(
        "purged old bodies",
        extra={"event": "purge", "messages": messages, "replies": replies, "inbox": inbox,
               "report_pages": pages, "alert_notes": notes, "cutoff": cutoff.isoformat()},
    )  # fmt: skip
    return PurgeResult(cutoff, messages, replies, inbox, pages, alert_notes=notes)


def housekeep(db: Database, settings: Settings, now: datetime) -> PurgeResult:
    """:func:`purge`, plus the rows that only age out: throttle buckets idle for a day, and
    staff sessions past either limit (a lookup deletes only its own expired row; a browser
    that never comes back would otherwise leave its row forever)."""
    throttle.prune(db, now - throttle.IDLE_AFTER)
    ended = staff_sessions.end_expired(db, settings, now)
    forgotten = unknown.forget_senders(db, now)
    log.info(
        "expired staff sessions deleted, unknown senders forgotten",
        extra={"event": "purge.staff_sessions", "sessions": ended, "senders": forgotten},
    )
    return replace(purge(db, settings, now), staff_sessions=ended, unknown_senders=forgotten)
