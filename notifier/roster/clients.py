"""The client roster: CSV import (all or nothing), listing, discharge, finding a client.

A roster file with one bad row imports no row: staff get every problem at once, by line and
column, fix the file and run the import again.

External ids are encrypted at rest: a client is found by the keyed hash of the id
(:func:`external_id_filter`, :func:`client_by_external_id`), never by comparing the column, and
lists are sorted here in Python, since ciphertext has no useful order.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from notifier.core import grammar
from notifier.core.crypto import Crypto
from notifier.core.db import Database, rowcount
from notifier.core.enums import LANGUAGES
from notifier.core.models import ALERT, CANCELED, PENDING, Client, ConsentEvent, Message
from notifier.core.settings import Settings
from notifier.core.settings_values import to_e164

log = logging.getLogger(__name__)

COLUMNS = (
    "external_id",
    "first_name",
    "phone",
    "group",
    "start_date",
    "end_date",
    "timezone",
    "consent",
)
OPTIONAL_COLUMNS = ("language",)
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_FIRST_NAME = re.compile(r"^[^\W\d_][^\W\d_ '’.-]*(?:[ '’.-][^\W\d_]+)*\.?$")
_YES = {"yes", "y", "true", "1", "signed"}
_NO = {"", "no", "n", "false", "0"}


def external_id_filter(crypto: Crypto | None, external_id: str) -> ColumnElement[bool]:
    """A WHERE clause matching the client with this external id (exact, as typed).

    By the keyed hash under every configured key, so a lookup also works half-way through a
    key rotation. Use it wherever a query filters or joins on an external id."""
    if crypto is None:
        raise RuntimeError("finding a client needs the database's keys (notifier.core.keys)")
    return Client.external_id_hash.in_(crypto.external_id_hashes(external_id))


def external_ids_filter(crypto: Crypto | None, external_ids: Iterable[str]) -> ColumnElement[bool]:
    """A WHERE clause matching every client with one of these external ids (by keyed hash)."""
    if crypto is None:
        raise RuntimeError("finding a client needs the database's keys (notifier.core.keys)")
    hashes = [h for e in external_ids for h in crypto.external_id_hashes(e)]
    return Client.external_id_hash.in_(hashes)


def client_by_external_id(
    session: Session, crypto: Crypto | None, external_id: str
) -> Client | None:
    """The client with this external id, or None."""
    return session.scalar(select(Client).where(external_id_filter(crypto, external_id)))


def roster_order(client: Client) -> tuple[str, str]:
    """How client lists are shown: by group (none first), then external id."""
    return (client.group_name or "", client.external_id)


class RosterError(Exception):
    """The file cannot be imported; ``problems`` lists every bad row by line and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class RosterRow:
    line: int
    external_id: str
    first_name: str
    phone: str
    group: str | None
    start_date: date | None
    end_date: date | None
    timezone: str
    consent: bool
    consent_at: datetime | None
    language: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    consent_recorded: int = 0
    consent_withdrawn: int = 0
    problems: list[str] = field(default_factory=list)
    consented: list[int] = field(default_factory=list)  # client ids: consent recorded now


def parse_roster(
    text: str, settings: Settings, now: datetime, progress: Callable[[int], None] | None = None
) -> list[RosterRow]:
    """Validate every row; raise RosterError listing all problems, or return the rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    reader.fieldnames = _header(reader.fieldnames)
    problems: list[str] = []
    rows: list[RosterRow] = []
    seen = _Seen(groups={g.name for g in settings.groups})
    for index, raw in enumerate(reader):
        line = reader.line_num
        if progress and index % 500 == 0:
            progress(index)
        if None in raw:  # more cells than header columns
            problems.append(f"line {line}: more values than columns in the header")
            continue
        values = {k: (v or "").strip() for k, v in raw.items()}
        if not any(values.values()):
            continue  # a blank line

        def bad(column: str, why: str, _line: int = line) -> None:
            problems.append(f"line {_line}, column {column}: {why}")

        row = _check_row(values, line, bad, seen, settings, now)
        if row is not None:
            rows.append(row)
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError(["the file has a header but no client rows"])
    return rows


def _header(fieldnames: Sequence[str] | None) -> list[str]:
    """The header's column names, lower-cased; RosterError when one is missing or unknown."""
    header = [h.strip().lower() for h in (fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterError(
            [
                f"line 1 (header): missing column(s) {', '.join(missing)}; expected "
                f"{','.join(COLUMNS)}[,language]"
            ]
        )
    unknown = [h for h in header if h not in COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise RosterError([f"line 1 (header): unknown column(s) {', '.join(unknown)}"])
    return header


@dataclass
class _Seen:
    """What earlier rows of the file used: ids and numbers must be unique within it."""

    groups: set[str]
    ids: dict[str, int] = field(default_factory=dict)
    phones: dict[str, int] = field(default_factory=dict)


def _check_row(
    values: dict[str, str],
    line: int,
    bad: Callable[[str, str], None],
    seen: _Seen,
    settings: Settings,
    now: datetime,
) -> RosterRow | None:
    """One row, every problem reported through ``bad``; the row when it has a usable number."""
    ext = values.get("external_id", "")
    if not _EXTERNAL_ID.match(ext):
        bad("external_id", "expected 1-64 letters, digits, '.', '_' or '-'")
    elif ext in seen.ids:
        bad("external_id", f"{ext!r} already appears on line {seen.ids[ext]}")
    else:
        seen.ids[ext] = line
    first = values.get("first_name", "")
    if not first or len(first) > 40 or not _FIRST_NAME.match(first):
        bad("first_name", "expected a first name (letters only, up to 40 characters)")
    phone = to_e164(values.get("phone", ""), settings.default_region)
    if phone is None:
        # The value itself is not echoed: a roster error is still not a place for numbers.
        bad("phone", f"not a valid phone number for region {settings.default_region}")
    elif phone in seen.phones:
        bad("phone", f"same number as line {seen.phones[phone]}")
    else:
        seen.phones[phone] = line
    group = values.get("group", "").lower() or None
    if group is not None and group not in seen.groups:
        known = ", ".join(sorted(seen.groups)) or "(none configured in NOTIFIER_GROUPS)"
        bad("group", f"{group!r} is not one of: {known}")
    start = _date(values.get("start_date", ""), "start_date", bad)
    end = _date(values.get("end_date", ""), "end_date", bad)
    if start and end and end < start:
        bad("end_date", "is before start_date")
    tz_name = values.get("timezone", "") or settings.timezone.key
    try:
        grammar.parse_zone(tz_name)
    except ValueError as exc:
        bad("timezone", str(exc))
    consent, consent_at = _consent(values.get("consent", "").lower(), settings, now, bad)
    language = values.get("language", "").lower() or "en"
    if language not in LANGUAGES:
        bad("language", f"expected one of {', '.join(LANGUAGES)}")
    if phone is None:
        return None
    return RosterRow(
        line, ext, first, phone, group, start, end, tz_name, consent, consent_at, language
    )


def _consent(
    raw: str, settings: Settings, now: datetime, bad: Callable[[str, str], None]
) -> tuple[bool, datetime | None]:
    """yes / no / the date consent was given."""
    if raw in _YES:
        return True, now
    if raw in _NO:
        return False, None
    try:
        when = grammar.parse_instant(raw, settings.timezone)
    except ValueError:
        bad("consent", "expected yes, no, or the date consent was given (YYYY-MM-DD)")
        return False, None
    return True, when.astimezone(UTC)


def _date(raw: str, column: str, bad: Callable[[str, str], None]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        bad(column, f"expected a date as YYYY-MM-DD, got {raw!r}")
        return None


def import_roster(
    db: Database,
    path: Path,
    settings: Settings,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError([f"{path}: no such file"]) from None
    except UnicodeDecodeError:
        raise RosterError([f"{path}: expected a UTF-8 CSV file"]) from None
    rows = parse_roster(text, settings, now, progress)
    return apply_rows(db, rows, now, source=f"roster:{path.name}")


def apply_rows(db: Database, rows: Iterable[RosterRow], now: datetime, source: str) -> ImportResult:
    """Upsert by external_id in one transaction. Opt-outs are never undone by an import."""
    rows = list(rows)
    result = ImportResult()
    crypto = db.crypto
    if crypto is None:
        raise RuntimeError(
            "the roster needs an encrypting database (notifier.core.keys.open_database)"
        )
    with db.session() as s:
        existing = {c.external_id: c for c in s.scalars(select(Client))}
        by_phone = {c.phone: c.external_id for c in existing.values()}
        clashes = [
            f"line {r.line}, column phone: same number as existing client {by_phone[r.phone]}"
            for r in rows
            if r.phone in by_phone
            and by_phone[r.phone] != r.external_id
            and by_phone[r.phone] not in {x.external_id for x in rows}
        ]
        if clashes:
            raise RosterError(clashes)
        for r in rows:
            client = existing.get(r.external_id)
            if client is None:
                client = Client(
                    external_id=r.external_id,
                    external_id_hash=crypto.external_id_hash(r.external_id),
                    created_at=now,
                )
                s.add(client)
                result.created += 1
                before = None
            else:
                before = _snapshot(client)
            client.first_name, client.phone, client.group_name = r.first_name, r.phone, r.group
            client.phone_hash = crypto.lookup_hash(r.phone)
            client.start_date, client.end_date = r.start_date, r.end_date
            client.timezone, client.language = r.timezone, r.language
            consent_event = None
            if r.consent and client.consent_at is None:
                client.consent_at, client.consent_source = r.consent_at, source
                consent_event = "consent"
                result.consent_recorded += 1
            elif not r.consent and client.consent_at is not None:
                client.consent_at, client.consent_source = None, None
                consent_event = "withdrawn"
                result.consent_withdrawn += 1
            if before is not None:
                if _snapshot(client) == before:
                    result.unchanged += 1
                else:
                    result.updated += 1
            client.updated_at = now
            if consent_event:
                s.flush()
                if consent_event == "consent":
                    result.consented.append(client.id)
                at = client.consent_at if consent_event == "consent" and client.consent_at else now
                s.add(ConsentEvent(client_id=client.id, event=consent_event, at=at, source=source))
    log.info(
        "roster imported",
        extra={
            "event": "roster.import",
            "new": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result


def _snapshot(c: Client) -> tuple[object, ...]:
    return (
        c.first_name,
        c.phone,
        c.group_name,
        c.start_date,
        c.end_date,
        c.timezone,
        c.language,
        c.consent_at,
    )


def discharge(db: Database, external_id: str, now: datetime) -> int:
    """Discharge a client: no more texts. Returns how many pending messages were canceled."""
    with db.session() as s:
        client = client_by_external_id(s, db.crypto, external_id)
        if client is None:
            raise LookupError(f"no client with external_id {external_id!r}")
        if client.discharged_at is None:
            client.discharged_at = now
            client.updated_at = now
            # Not a consent change, but it stops texts: auditors want it on the same record.
            s.add(ConsentEvent(client_id=client.id, event="discharged", at=now, source="staff"))
        res = s.execute(
            update(Message)
            .where(Message.client_id == client.id, Message.status == PENDING, Message.kind != ALERT)
            .values(status=CANCELED, reason="discharged", status_at=now)
        )
        count = rowcount(res)
    log.info("client discharged", extra={"event": "roster.discharge", "canceled": count})
    return count


def list_clients(db: Database, group: str | None = None) -> list[Client]:
    with db.session() as s:
        q = select(Client)
        if group:
            q = q.where(Client.group_name == group)
        return sorted(s.scalars(q), key=roster_order)
