"""The welcome text: once, when a client's consent is recorded at enrolment (``notifier clients
import``). CTIA's messaging principles and the FCC expect the brand, what is sent and how
often, HELP and STOP; a clinic needs clients to know the texts are not read 24/7 and where to
turn instead (911, 988). Its words are in the ``welcome`` template.

Queued like a planned text (kind ``welcome``, no words until it is sent: the dispatcher renders
it), so it waits for the end of the client's quiet hours and is never sent to a client who has
opted out since. The key ``welcome:<client id>`` makes it once per client, whatever re-imports
or consent changes follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import WELCOME, Client
from notifier.core.settings import Settings
from notifier.outbound import outbox
from notifier.outbound.quiet import placement

FRESHNESS = timedelta(days=2)  # a welcome that could not go in two days is not sent late


def queue(db: Database, settings: Settings, client_ids: Sequence[int], now: datetime) -> int:
    """Queue one welcome for each of these clients that has none yet; returns how many."""
    if not client_ids:
        return 0
    with db.session() as s:
        found = s.execute(select(Client.id, Client.timezone).where(Client.id.in_(client_ids)))
        zones = {row[0]: row[1] for row in found.all()}
        rows = []
        for client_id, zone in zones.items():
            due = placement(WELCOME, WELCOME, now, None, ZoneInfo(zone), settings.quiet_hours)
            due = due or now
            rows.append(
                outbox.message(
                    WELCOME, dedupe_key=f"welcome:{client_id}", body="", due_at=due,
                    not_after=due + FRESHNESS, client_id=client_id, label=WELCOME,
                    created_at=now,
                )
            )  # fmt: skip
        return outbox.enqueue(s, rows)
