"""The audit trail: who signed in, looked at or changed what, when and from where.

``record()`` adds one ``audit_events`` row, inside the caller's ORM session when given one (so
the record commits or rolls back with the change it describes) or in its own transaction when
given the :class:`~notifier.core.db.Database`. Rows are never purged (retention does not touch
them). What is stored:

- ``staff_id``: the signed-in person; for a failed sign-in with a known e-mail, that account;
  for an unknown e-mail, nothing (None, detail "unknown account": the typed address is never
  stored, not even hashed); for ``staff_added/disabled/enabled/reset`` from the CLI, the account
  changed (``address`` is then "cli").
- ``client_id``: the client's integer id; the export resolves it to the external id.
- ``detail``: at most 200 characters, never a message body or a phone number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifier.core import output
from notifier.core.db import Database
from notifier.core.models import AuditEvent, Client, Staff

# The actions in use; record() refuses others so a typo cannot slip into the trail.
ACTIONS = frozenset(
    {
        "sign_in",
        "sign_in_failed",
        "sign_in_throttled",
        "sign_in_refused",
        "sign_out",
        "session_expired",
        "mfa_enrolled",
        "password_set",
        "view_home",
        "view_group",
        "view_client",
        "view_records",
        "client_change",
        "access_denied",
        "show_phone",
        "attendance_change",
        "alert_ack",
        "alert_claim",
        "part2_disclosure",
        "view_alert",
        "show_sender",
        "open_alert_link",
        "staff_text",
        "staff_text_override",
        "staff_added",
        "staff_disabled",
        "staff_enabled",
        "staff_reset",
    }
)
EXPORT_COLUMNS = ("at", "staff_email", "action", "client", "group", "address", "detail")


def record(
    session_or_db: Session | Database,
    *,
    action: str,
    staff_id: int | None,
    now: datetime,
    address: str | None,
    client_id: int | None = None,
    group: str | None = None,
    detail: str | None = None,
) -> None:
    """Add one audit row (see the module docstring for what each field holds)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        at=now,
        staff_id=staff_id,
        action=action,
        client_id=client_id,
        group_name=group[:40] if group else None,
        address=address[:64] if address else None,
        detail=detail[:200] if detail else None,
    )
    if isinstance(session_or_db, Session):
        session_or_db.add(event)
        return
    with session_or_db.session() as s:
        s.add(event)


def export_rows(db: Database, since: datetime | None = None) -> Iterator[dict[str, object]]:
    """Every audit row from ``since`` on, oldest first, e-mails and external ids resolved."""
    q = (
        select(AuditEvent, Staff.email, Client.external_id)
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .outerjoin(Client, Client.id == AuditEvent.client_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    if since is not None:
        q = q.where(AuditEvent.at >= since)
    with db.read() as s:
        for event, email, external_id in s.execute(q):
            yield {
                "at": event.at.isoformat(),
                "staff_email": email or "",
                "action": event.action,
                "client": external_id or "",
                "group": event.group_name or "",
                "address": event.address or "",
                "detail": event.detail or "",
            }


def export_csv(db: Database, since: datetime | None = None) -> tuple[str, int]:
    """The CSV text of :func:`export_rows` (formula-safe cells) and how many rows it holds."""
    rows = list(export_rows(db, since))
    return output.csv_text(rows, EXPORT_COLUMNS), len(rows)


# --- lock-outs --------------------------------------------------------------------------------
LOCKOUT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Lockouts:
    """An account's sign-in attempts refused by the throttle within the window."""

    staff_id: int
    email: str
    count: int
    last_at: datetime


def lockouts(db: Database, now: datetime, window: timedelta = LOCKOUT_WINDOW) -> list[Lockouts]:
    """Accounts with ``sign_in_throttled`` rows since ``now - window``, most recent first: what
    an admin sees (home page, ``notifier staff list``). Attempts for unknown e-mails name no
    account and are not listed."""
    q = (
        select(AuditEvent.staff_id, Staff.email, func.count(), func.max(AuditEvent.at))
        .join(Staff, Staff.id == AuditEvent.staff_id)
        .where(AuditEvent.action == "sign_in_throttled", AuditEvent.at >= now - window)
        .group_by(AuditEvent.staff_id, Staff.email)
    )
    with db.read() as s:
        found = [Lockouts(i, e, n, last) for i, e, n, last in s.execute(q).all() if i is not None]
    return sorted(found, key=lambda x: x.last_at, reverse=True)


def record_cli_read(
    db: Database, command: str, now: datetime, *, client: str | None = None
) -> None:
    """A read of client data from the shell (``notifier replies``, ``clients list``, ...): one
    row, address "cli", the OS user in the detail. With ``client`` (the external id a
    ``--client`` named) it is ``view_client`` with that client's row id (the typed id is never
    stored); otherwise ``view_records``."""
    action = "view_client" if client else "view_records"
    _record_cli(db, action, command, now, client)


def record_cli_change(db: Database, command: str, now: datetime, *, client: str) -> None:
    """A change to a client's care made from the shell (``clients phase``): ``client_change``
    with the client's row id, the command and the OS user, as :func:`record_cli_read`."""
    _record_cli(db, "client_change", command, now, client)


def _record_cli(db: Database, action: str, command: str, now: datetime, client: str | None) -> None:
    import getpass

    from notifier.roster.clients import external_id_filter

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container user with no name
        user = "unknown"
    client_id = None
    if client:
        with db.read() as s:
            client_id = s.scalar(select(Client.id).where(external_id_filter(db.crypto, client)))
    record(db, action=action, staff_id=None, now=now, address="cli", client_id=client_id,
           detail=f"notifier {command} (os user {user})")  # fmt: skip
