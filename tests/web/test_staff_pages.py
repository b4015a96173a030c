"""The group and client pages' rules over HTTP (SQLite and PostgreSQL): what each form accepts
and refuses, what it records and audits, and that the page shows the digest's own flags.
The same pages in a real browser: tests/browser/test_pages.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from notifier.core.models import REPLY, Alert, Attendance, Client, Message
from notifier.followup.digest import FLAG_TEXT
from notifier.roster import consent
from notifier.roster.clients import external_id_filter
from tests.helpers import add_client
from tests.helpers.staffkit import App, csrf_of, enrol

NY = ZoneInfo("America/New_York")
ANA_STAFF = "ana@clinic.org"
BEN, ZOE = "+13125550101", "+13125550102"
CRISIS = "I want to kill myself"


def setup(
    staff_app: Callable[..., App], groups: str = "evening", at: datetime | None = None
) -> tuple[App, TestClient]:
    app = staff_app()
    if at is not None:
        app.clock.now = at
    then = app.clock.now - timedelta(days=14)
    add_client(app.db, "E1", first_name="Ben", phone=BEN, group="evening", now=then)
    add_client(app.db, "E2", first_name="Zoe", phone=ZOE, group="evening", now=then)
    app.add_staff(ANA_STAFF, groups=groups)
    browser = app.browser()
    enrol(browser, ANA_STAFF, app.clock.now)
    return app, browser


def post(browser: TestClient, page: str, path: str, data: dict[str, str]) -> httpx.Response:
    shown = browser.get(page)
    assert shown.status_code == 200, shown.text[:300]
    r: httpx.Response = browser.post(
        path, data={"csrf_token": csrf_of(shown), **data}, follow_redirects=False
    )
    return r


def notice_after(browser: TestClient, r: httpx.Response) -> str:
    """The page a refused form leads back to (its notice travels in a signed cookie)."""
    assert r.status_code == 303 and "error=" not in r.headers["location"]
    return browser.get(r.headers["location"]).text


def query_of(r: httpx.Response) -> dict[str, list[str]]:
    return parse_qs(urlparse(r.headers["location"]).query)


# --- the group page --------------------------------------------------------------------------
def test_group_page_shows_the_digests_flags_in_its_order(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    app.service.receive(from_phone=ZOE, body=CRISIS, now=app.clock.now - timedelta(hours=1))
    digest = app.service.followup("evening")
    page = browser.get("/groups/evening").text
    order = [page.index(f'id="client-{c.external_id}"') for c in digest.clients]
    assert order == sorted(order) and digest.clients[0].external_id == "E2"
    for c in digest.clients:
        for flag in c.flags:
            assert FLAG_TEXT[flag] in page
    assert CRISIS in page


def test_group_page_date_must_be_a_date_of_a_meeting(staff_app: Callable[..., App]) -> None:
    _, browser = setup(staff_app)
    assert browser.get("/groups/evening?date=tomorrow").status_code == 400
    assert browser.get("/groups/evening?date=2026-12-01").status_code == 404  # a Tuesday
    assert browser.get("/groups/evening?date=2026-11-30").status_code == 200  # a Monday


def test_a_group_typed_in_another_case_leads_to_its_page(staff_app: Callable[..., App]) -> None:
    """Staff type "Evening" or "EVENING" in the address bar: the group's own page, not a 404;
    a name of no group is still 404, and a form is never redirected."""
    _, browser = setup(staff_app)
    r = browser.get("/groups/Evening?date=2026-11-30", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/groups/evening?date=2026-11-30"
    assert browser.get("/groups/EVENING").status_code == 200
    assert browser.get("/groups/nosuchgroup").status_code == 404
    assert browser.post("/groups/Evening/attendance/all", data={}).status_code in (403, 404)


def test_attendance_form_only_once_the_meeting_started(staff_app: Callable[..., App]) -> None:
    _, browser = setup(staff_app)
    assert 'name="status-E1"' not in browser.get("/groups/evening").text  # Wednesday's, ahead
    assert 'name="status-E1"' in browser.get("/groups/evening?date=2026-11-30").text


def test_attendance_is_recorded_with_staff_and_source_web_and_audited(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app)
    page = "/groups/evening?date=2026-11-30"
    data = {"date": "2026-11-30", "external_id": "E1", "status": "absent"}
    r = post(browser, page, "/groups/evening/attendance", data)
    assert r.status_code == 303 and query_of(r)["done"] == ["attendance:E1"]
    with app.db.read() as s:
        [mark] = s.scalars(select(Attendance)).all()
        assert (mark.status, mark.source, mark.marked_by) == (
            "absent",
            "web",
            app.staff(ANA_STAFF).id,
        )
    [event] = app.audit("attendance_change")
    assert event.detail == "2026-11-30: unmarked -> absent"


def test_attendance_before_the_meeting_starts_is_refused(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    data = {"date": "2026-12-02", "external_id": "E1", "status": "attended"}
    r = post(browser, "/groups/evening", "/groups/evening/attendance", data)
    assert r.status_code == 400 and "once the meeting has started" in r.text
    with app.db.read() as s:
        assert s.scalars(select(Attendance)).all() == []


def test_attendance_without_the_csrf_token_is_refused(staff_app: Callable[..., App]) -> None:
    _, browser = setup(staff_app)
    r = browser.post(
        "/groups/evening/attendance",
        data={"date": "2026-11-30", "external_id": "E1", "status": "late"},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_attendance_in_a_group_not_yours_is_refused(staff_app: Callable[..., App]) -> None:
    _, browser = setup(staff_app, groups="morning")
    shown = browser.get("/")
    r = browser.post(
        "/groups/evening/attendance",
        data={"csrf_token": csrf_of(shown), "date": "2026-11-30", "external_id": "E1",
              "status": "late"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 403


# --- the client page -------------------------------------------------------------------------
def test_phone_number_only_after_asking_and_audited(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    assert "tel:" not in browser.get("/clients/E1").text
    r = post(browser, "/clients/E1", "/clients/E1/phone", {})
    assert r.status_code == 200 and f'href="tel:{BEN}"' in r.text
    [event] = app.audit("show_phone")
    assert event.client_id is not None and event.detail is None


def open_alert(app: App) -> int:
    app.service.receive(from_phone=BEN, body=CRISIS, now=app.clock.now - timedelta(minutes=10))
    with app.db.read() as s:
        alert = s.scalar(select(Alert).where(Alert.kind == "crisis"))
        assert alert is not None
        return alert.id


def test_alert_outcome_records_who_when_and_the_note(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    alert_id = open_alert(app)
    data = {"outcome": "called_911", "note": "EMS on the way", "to": "911 dispatcher",
            "facility": "Cook County 911", "emergency": "overdose, not breathing"}  # fmt: skip
    r = post(browser, "/clients/E1", f"/clients/E1/alerts/{alert_id}", data)
    assert r.status_code == 303 and query_of(r)["done"] == ["alert:called_911"]
    with app.db.read() as s:
        alert = s.get(Alert, alert_id)
        assert alert is not None
        assert (alert.outcome, alert.note) == ("called_911", "EMS on the way")
        assert alert.acknowledged_by == app.staff(ANA_STAFF).id
        assert alert.acknowledged_at == app.clock.now
    [event] = app.audit("alert_ack")
    assert event.detail == f"alert {alert_id} (crisis): called_911"  # never the note
    page = browser.get("/groups/evening").text
    assert "Called 911 — Ana" in page


def test_an_escalated_crisis_says_so_on_the_group_and_client_pages(
    staff_app: Callable[..., App],
) -> None:
    # Whoever opens the page after the escalation should know on-call was alerted again.
    app, browser = setup(staff_app)
    alert_id = open_alert(app)
    assert "sent again to the escalation numbers" not in browser.get("/clients/E1").text
    later = app.clock.now + app.service.settings.crisis_escalate_after
    assert app.service.escalate_step(later).escalated == (alert_id,)
    for page in ("/clients/E1", "/groups/evening"):
        text = browser.get(page).text
        assert "No outcome recorded in time: sent again to the escalation numbers" in text, page


def test_alert_outcome_after_it_closed_is_refused_naming_who_closed_it(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app)
    alert_id = open_alert(app)
    post(browser, "/clients/E1", f"/clients/E1/alerts/{alert_id}", {"outcome": "reached"})
    r = post(browser, "/clients/E1", f"/clients/E1/alerts/{alert_id}", {"outcome": "left_message"})
    assert f"alert {alert_id} is closed: Reached them (Ana)" in notice_after(browser, r)
    assert len(app.audit("alert_ack")) == 1


def test_alert_outcome_must_be_one_of_the_outcomes(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    alert_id = open_alert(app)
    r = post(browser, "/clients/E1", f"/clients/E1/alerts/{alert_id}", {"outcome": "ignored"})
    assert "outcome: expected one of reached, safe, left_message" in notice_after(browser, r)
    assert app.audit("alert_ack") == []


def nonce_of(page: str) -> str:
    start = page.index('name="nonce" value="') + len('name="nonce" value="')
    return page[start : start + 32]


def test_staff_text_goes_out_at_once_and_is_audited(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    page = browser.get("/clients/E1").text
    data = {"text": "See you Wednesday, Ben", "nonce": nonce_of(page)}
    r = post(browser, "/clients/E1", "/clients/E1/text", data)
    assert query_of(r)["done"] == ["text:sent"]
    sent = app.service.transport.accepted  # type: ignore[attr-defined]
    assert [m.body for m in sent] == ["See you Wednesday, Ben"]
    [event] = app.audit("staff_text")
    assert event.detail is not None and event.detail.startswith("message ")
    assert "See you Wednesday, Ben" in browser.get("/clients/E1").text


def test_staff_text_to_an_opted_out_client_sends_nothing(staff_app: Callable[..., App]) -> None:
    app, browser = setup(staff_app)
    page = browser.get("/clients/E1").text
    with app.db.read() as s:
        ben = s.scalar(select(Client.id).where(external_id_filter(app.db.crypto, "E1")))
    assert ben is not None
    consent.opt_out(app.db, ben, app.clock.now, source="test")
    r = post(browser, "/clients/E1", "/clients/E1/text", {"text": "Hi", "nonce": nonce_of(page)})
    assert r.status_code == 400
    assert "Ben gets no texts (opted out), so nothing was sent." in r.text
    with app.db.read() as s:
        assert s.scalars(select(Message).where(Message.kind == REPLY)).all() == []
    assert app.audit("staff_text") == []


def test_a_refused_staff_text_keeps_what_was_typed_beside_the_reason(
    staff_app: Callable[..., App],
) -> None:
    """Issue 16, item 4: the text stays in the box, the reason is beside it in the error
    style (not a green notice at the top) and in plain words (not a log line)."""
    app, browser = setup(staff_app)
    page = browser.get("/clients/E1").text
    typed = "Ben, see you at rehab tonight & bring the form"
    r = post(browser, "/clients/E1", "/clients/E1/text", {"text": typed, "nonce": nonce_of(page)})
    assert r.status_code == 400
    box = r.text[r.text.index('<textarea id="text"') :]
    assert box[: box.index("</textarea>")].endswith(
        "Ben, see you at rehab tonight &amp; bring the form"
    )
    assert 'aria-invalid="true"' in box[: box.index(">")]
    error = r.text[r.text.index('<p class="field-error" id="text-error" role="alert">') :]
    assert error.index("“rehab”") < error.index("</p>")
    assert r.text.index('id="text-error"') < r.text.index('<textarea id="text"')
    assert r.text.index('id="text-h"') < r.text.index('id="text-error"')  # in the form
    assert "text: names" not in r.text and 'class="notice' not in r.text
    with app.db.read() as s:
        assert s.scalars(select(Message).where(Message.kind == REPLY)).all() == []
    # The form sent again as it is now, shortened, goes out.
    shown = r.text
    r = browser.post("/clients/E1/text", data={"csrf_token": csrf_of(r), "nonce": nonce_of(shown),
                                               "text": "Ben, see you tonight"},
                     follow_redirects=False)  # fmt: skip
    assert query_of(r)["done"] == ["text:sent"]


def test_staff_text_in_quiet_hours_waits_and_the_page_says_so(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app, at=datetime(2026, 12, 1, 22, 30, tzinfo=NY))
    page = browser.get("/clients/E1").text
    data = {"text": "Call us in the morning", "nonce": nonce_of(page)}
    r = post(browser, "/clients/E1", "/clients/E1/text", data)
    assert query_of(r)["done"] == ["text:later"]
    assert app.service.transport.accepted == []  # type: ignore[attr-defined]
    with app.db.read() as s:
        [m] = s.scalars(select(Message).where(Message.kind == REPLY)).all()
        assert m.due_at == datetime(2026, 12, 2, 8, 0, tzinfo=NY)
    shown = browser.get(r.headers["location"]).text
    assert "It is quiet hours where Ben lives" in shown


def test_client_page_shows_replies_scores_attendance_alerts_and_consent(
    staff_app: Callable[..., App],
) -> None:
    """Everything the issue puts on one client's page, each in its own section: replies over
    time with their scores, a chart per label, attendance, alerts with who handled them, and
    consent events."""
    from notifier.core.models import CHECKIN, SENT
    from notifier.outbound.planner import plan
    from tests.helpers import messages

    app, browser = setup(staff_app)
    now = app.clock.now  # Tuesday noon in New York: the check-ins are due
    assert plan(app.db, app.service.settings, now).messages_added > 0
    app.service.dispatch_step(now)
    sent = [m for m in messages(app.db, kind=CHECKIN) if m.status == SENT]
    assert sent, "a check-in went out to answer"
    label = sent[0].label
    answer = app.service.receive(from_phone=BEN, body="7", now=now + timedelta(minutes=1))
    assert answer.category == "checkin_answer" and answer.score == 7
    with app.db.read() as s:
        ben = s.scalar(select(Client.id).where(external_id_filter(app.db.crypto, "E1")))
    assert ben is not None
    consent.opt_out(app.db, ben, now + timedelta(minutes=2), source="sms")
    consent.opt_in(app.db, ben, now + timedelta(minutes=3), source="sms")
    app.clock.now = now + timedelta(minutes=5)
    post(browser, "/groups/evening?date=2026-11-30", "/groups/evening/attendance",
         {"date": "2026-11-30", "external_id": "E1", "status": "late"})  # fmt: skip
    alert_id = open_alert(app)
    post(browser, "/clients/E1", f"/clients/E1/alerts/{alert_id}", {"outcome": "reached"})

    page = browser.get("/clients/E1").text

    def section(heading_id: str) -> str:
        start = page.index(f'id="{heading_id}"')
        return page[start : page.find("</section>", start)]

    replies = section("replies-h")
    assert f'<td data-label="Score">{label} 7</td>' in replies and CRISIS in replies
    scores = section("now-h")
    assert "Scores by week" in scores and f"<figcaption>{label}" in scores
    assert "Nov 30: late" in scores
    alerts = section("alerts-h")
    assert "Reached them" in alerts and "Ana" in alerts
    consent_events = section("consent-h")
    assert "opt out" in consent_events and "opt in" in consent_events


# --- the whole group's attendance on one form --------------------------------------------------
def confirm_monday(app: App, external_id: str, category: str = "confirm") -> None:
    """A reply that answered the reminder for Monday Nov 30's meeting (confirm or decline)."""
    from datetime import date

    from notifier.core.models import Reply
    from notifier.roster.appointments import group_meeting

    at = datetime(2026, 11, 30, 14, 0, tzinfo=NY)
    with app.db.session() as s:
        meeting = group_meeting(s, app.service.settings, "evening", date(2026, 11, 30), at)
        client = s.scalar(select(Client.id).where(external_id_filter(app.db.crypto, external_id)))
        s.add(Reply(client_id=client, received_at=at, body="1", category=category,
                    session_id=meeting.id, source="cli", created_at=at))  # fmt: skip


def test_attendance_is_one_form_for_the_whole_group_prefilled_from_confirmations(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app)
    confirm_monday(app, "E2")
    page = browser.get("/groups/evening?date=2026-11-30").text
    assert page.count('action="/groups/evening/attendance/all"') == 1
    assert page.count("<form") == page.count('action="/groups/evening/attendance/all"') + 1
    assert 'name="status-E1"' in page and 'name="status-E2"' in page
    # Zoe said yes to the reminder: pre-marked attended (not saved until the counselor saves).
    assert 'name="status-E2" value="attended" checked' in page
    assert 'name="status-E1" value="attended" checked' not in page
    with app.db.read() as s:
        assert s.scalars(select(Attendance)).all() == []


def test_attendance_whole_group_saves_once_and_shows_it_by_the_button_and_on_each_card(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app)
    page = "/groups/evening?date=2026-11-30"
    r = post(browser, page, "/groups/evening/attendance/all",
             {"date": "2026-11-30", "status-E1": "late", "status-E2": "attended"})  # fmt: skip
    assert r.status_code == 303 and query_of(r)["done"] == ["attendance:all"]
    assert r.headers["location"].endswith("#attendance-save")
    with app.db.read() as s:
        assert sorted(m.status for m in s.scalars(select(Attendance))) == ["attended", "late"]
    assert len(app.audit("attendance_change")) == 2
    shown = browser.get(r.headers["location"]).text
    save = shown[shown.index('id="attendance-save"') :]
    assert "Saved: 1 attended, 1 late" in save[: save.index("</div>")]
    ben = shown[shown.index('id="client-E1"') :]
    assert '<dt>This meeting</dt><dd class="mark-late">late</dd>' in ben[: ben.index("</article>")]
    assert "Not marked" not in shown
    # Saving again with one change corrects that one (one answer per person per meeting).
    r = post(browser, page, "/groups/evening/attendance/all",
             {"date": "2026-11-30", "status-E1": "absent", "status-E2": "attended"})  # fmt: skip
    assert r.status_code == 303
    assert [e.detail for e in app.audit("attendance_change")][-1] == "2026-11-30: late -> absent"
    assert len(app.audit("attendance_change")) == 3


def test_attendance_whole_group_with_a_bad_entry_changes_nothing(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app)
    page = "/groups/evening?date=2026-11-30"
    cases = [
        ({"status-E1": "late", "status-E2": "napping"}, "status: expected"),
        ({"status-E1": "late", "status-X9": "attended"}, "no client &#39;X9&#39; in group"),
        ({}, "no one to mark"),
    ]
    for data, error in cases:
        r = post(browser, page, "/groups/evening/attendance/all", {"date": "2026-11-30", **data})
        assert r.status_code == 400, data
        # The page comes back with the one line beside the save button and the choices kept.
        save = r.text[r.text.index('id="attendance-save"') :]
        assert error in save[: save.index("</div>")], save[:600]
        if data.get("status-E1") == "late":
            assert 'name="status-E1" value="late" checked' in r.text
    with app.db.read() as s:
        assert s.scalars(select(Attendance)).all() == []
    assert app.audit("attendance_change") == []


def test_attendance_whole_group_before_the_meeting_is_refused_in_words(
    staff_app: Callable[..., App],
) -> None:
    app, browser = setup(staff_app)
    r = post(browser, "/groups/evening", "/groups/evening/attendance/all",
             {"date": "2026-12-02", "status-E1": "attended"})  # fmt: skip
    assert r.status_code == 400
    assert 'role="alert">Nothing saved: attendance can be marked once the meeting' in r.text
    with app.db.read() as s:
        assert s.scalars(select(Attendance)).all() == []


def test_attendance_whole_group_answers_alike_for_another_groups_client_and_audits_it(
    staff_app: Callable[..., App],
) -> None:
    """N6 on the whole-group form: a record number in another group gets the answer an unknown
    one gets, the probe is audited, and nothing is marked."""
    app, browser = setup(staff_app)
    add_client(app.db, "M1", first_name="Mo", phone="+13125550109", group="morning",
               now=app.clock.now - timedelta(days=14))  # fmt: skip
    answers = []
    for ext in ("M1", "Q7"):
        data = {"date": "2026-11-30", "status-E1": "late", f"status-{ext}": "attended"}
        r = post(browser, "/groups/evening?date=2026-11-30", "/groups/evening/attendance/all", data)
        save = r.text[r.text.index('id="attendance-save"') :]
        answers.append((r.status_code, save[: save.index("</div>")].replace(ext, "<id>")))
    assert answers[0] == answers[1] and answers[0][0] == 400
    denied = [e for e in app.audit("access_denied") if e.detail and "attendance" in e.detail]
    assert len(denied) == 2 and all(e.group_name == "evening" for e in denied)
    assert app.audit("attendance_change") == []
