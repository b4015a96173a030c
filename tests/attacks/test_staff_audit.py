"""Attacks on the access records (issue 17): what the audit trail keeps about clients, and what
it records when a request is refused.

- N1: the request path (``GET /clients/C002``), typed paths under ``access_denied`` included,
  put record numbers in clear in ``audit_events.detail``; audit rows are never purged, so a
  copied database linked a record number to its group and its crisis alert.
- N6: the attendance form told "no such client" from "not in this group", unaudited.
- N14: a POST refused for its CSRF token still wrote a ``view_client`` / ``view_group`` row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select, text

from notifier.core.models import AuditEvent, Client
from notifier.roster.clients import external_id_filter
from tests.helpers import add_client
from tests.helpers.staffkit import App, csrf_of, enrol, staff_app

__all__ = ["staff_app"]

ANA = "ana@clinic.org"
# Record numbers shaped like a clinic's: nothing in the trail may carry them.
MINE, OTHERS, TYPED = "MRN40021", "MRN40077", "MRN99999"


def setup(staff_app: Callable[..., App]) -> App:
    app = staff_app()
    then = app.clock.now - timedelta(days=14)
    add_client(app.db, MINE, first_name="Ben", phone="+13125550101", group="evening", now=then)
    add_client(app.db, OTHERS, first_name="Zoe", phone="+13125550102", group="morning", now=then)
    app.add_staff(ANA, groups="evening")
    return app


def raw_audit(url: str) -> list[tuple[object, ...]]:
    """The audit table as a thief with a copy sees it: every column, as stored."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM audit_events"))]
    engine.dispose()
    return rows


def revision_before(revision: str) -> str:
    from alembic.script import ScriptDirectory

    from notifier.core import db as dbmod

    found = ScriptDirectory.from_config(dbmod.alembic_config("sqlite://")).get_revision(revision)
    assert found is not None and isinstance(found.down_revision, str)
    return found.down_revision


def client_id(app: App, external_id: str) -> int:
    with app.db.read() as s:
        found = s.scalar(select(Client.id).where(external_id_filter(app.db.crypto, external_id)))
        assert found is not None
        return found


def test_audit_rows_name_clients_by_row_id_never_by_record_number(
    staff_app: Callable[..., App], database_url: str
) -> None:
    app = setup(staff_app)
    browser = app.browser()
    enrol(browser, ANA, app.clock.now)
    assert browser.get(f"/clients/{MINE}").status_code == 200
    page = browser.get(f"/clients/{MINE}")
    assert browser.post(f"/clients/{MINE}/phone",
                        data={"csrf_token": csrf_of(page)}).status_code == 200  # fmt: skip
    assert browser.get(f"/clients/{OTHERS}").status_code == 404  # another group's client
    assert browser.get(f"/clients/{TYPED}").status_code == 404  # typed, does not exist
    assert browser.get(f"/clients/{MINE}x").status_code == 404
    rows = raw_audit(database_url)
    dump = repr(rows)
    for record_number in (MINE, OTHERS, TYPED, "MRN"):
        assert record_number not in dump, [r for r in rows if record_number in repr(r)]
    viewed = app.audit("view_client")
    assert viewed and {e.client_id for e in viewed} == {client_id(app, MINE)}
    denied = app.audit("access_denied")
    assert {e.client_id for e in denied} == {client_id(app, OTHERS), None}
    # The export still names the client: it resolves the row id with the key, at export time.
    from notifier.staff.audit import export_rows

    exported = [r for r in export_rows(app.db) if r["action"] == "view_client"]
    assert exported and {r["client"] for r in exported} == {MINE}


def test_migration_rewrites_old_audit_rows_that_hold_record_numbers(
    database_url: str, tmp_path: object
) -> None:
    """Rows written before the fix (0011 and earlier) get their paths rewritten by 0014."""
    import uuid

    from alembic import command
    from sqlalchemy.engine import make_url

    from notifier.core import db as dbmod

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/old.db"
        admin = None
    else:
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        name = f"notifier_mig_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(dbmod.alembic_config(url), revision_before("0014"))
        old = [
            ("view_client", 7, f"GET /clients/{MINE}"),
            ("show_phone", 7, None),
            ("view_client", 7, f"POST /clients/{MINE}/alerts/3"),
            ("access_denied", None, f"GET /clients/{TYPED}"),
            ("access_denied", 9, f"POST /clients/{OTHERS}/text"),
            ("access_denied", None, "GET /clients/" + "x" * 186),
            ("view_group", None, "GET /groups/evening"),
        ]
        engine = create_engine(url)
        with engine.begin() as conn:
            for i, (action, cid, detail) in enumerate(old, start=1):
                conn.execute(
                    text("INSERT INTO audit_events (id, at, action, client_id, detail) "
                         "VALUES (:i, :at, :a, :c, :d)"),
                    {"i": i, "at": datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None),
                     "a": action, "c": cid, "d": detail},
                )  # fmt: skip
        engine.dispose()
        command.upgrade(dbmod.alembic_config(url), "head")
        rows = raw_audit(url)
        assert MINE not in repr(rows) and TYPED not in repr(rows) and OTHERS not in repr(rows)
        assert "x" * 20 not in repr(rows)
        engine = create_engine(url)
        with engine.connect() as conn:
            details = [r[0] for r in conn.execute(text(
                "SELECT detail FROM audit_events ORDER BY id"))]  # fmt: skip
            assert details == [
                "GET /clients/{external_id}",
                None,
                "POST /clients/{external_id}/alerts/3",
                "GET /clients/{external_id}",
                "POST /clients/{external_id}/text",
                "GET /clients/{external_id}",
                "GET /groups/evening",
            ]
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_attendance_for_another_groups_client_answers_as_for_no_client_and_is_audited(
    staff_app: Callable[..., App],
) -> None:
    """N6: "not in this group" told a facilitator that the record number exists elsewhere."""
    app = setup(staff_app)
    app.clock.now = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # Wed 18:30 NY: meeting started
    browser = app.browser()
    enrol(browser, ANA, app.clock.now)
    page = browser.get("/groups/evening")
    answers = {}
    for ext in (OTHERS, TYPED):
        r = browser.post("/groups/evening/attendance",
                         data={"csrf_token": csrf_of(page), "external_id": ext,
                               "status": "attended", "date": "2026-12-02"})  # fmt: skip
        answers[ext] = (r.status_code, r.text.replace(ext, "<id>"))
    assert answers[OTHERS] == answers[TYPED]
    assert answers[OTHERS][0] == 400
    denied = [e for e in app.audit("access_denied") if e.detail and "attendance" in e.detail]
    assert {e.client_id for e in denied} == {client_id(app, OTHERS), None}
    assert all(e.group_name == "evening" for e in denied)
    assert app.audit("attendance_change") == []


def test_post_refused_for_its_csrf_token_writes_no_view_row(
    staff_app: Callable[..., App],
) -> None:
    """N14: audit what happened, not what was asked."""
    app = setup(staff_app)
    browser = app.browser()
    enrol(browser, ANA, app.clock.now)
    before = len(app.audit())
    for path in (f"/clients/{MINE}/phone", f"/clients/{MINE}/text",
                 "/groups/evening/attendance"):  # fmt: skip
        r = browser.post(path, data={"csrf_token": "forged", "text": "hi"})
        assert r.status_code == 403, path
    after = app.audit()[before:]
    assert [e.action for e in after if e.action in ("view_client", "view_group",
                                                    "show_phone")] == []  # fmt: skip


def test_audit_detail_column_stays_free_of_typed_text(staff_app: Callable[..., App]) -> None:
    """Whatever a person types in a path is not stored: not for a group either."""
    app = setup(staff_app)
    browser = app.browser()
    enrol(browser, ANA, app.clock.now)
    browser.get("/groups/morning")  # not hers: 403, audited
    browser.get("/groups/morning?date=MRN12345")
    with app.db.read() as s:
        details = list(s.scalars(select(AuditEvent.detail)))
    assert not [d for d in details if d and "MRN" in d]
