"""The reply path of the risk tiers and signals, against real databases: concern, crisis
wording, call-backs and program hours, signals and rules stored, attendance acknowledgements,
attribution that never reaches a meeting that started, coping skills per question, and the
alerts table."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from notifier.cli import main
from notifier.core.models import (
    ALERT,
    CANCELED,
    CHECKIN,
    PENDING,
    REMINDER,
    SENT,
    Alert,
    Appointment,
    Client,
    Reply,
)
from notifier.core.settings import Settings
from notifier.inbound.replies import InboundResult
from notifier.outbound.texts import DEFAULT_SKILLS_BY_LABEL
from notifier.roster.appointments import add_individual
from notifier.roster.clients import external_id_filter
from notifier.service import Service
from tests.conftest import TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock, add_client, messages, ny

ANA, CARLA, ONCALL = "+13125550101", "+13125550103", "+13125550190"
BEN = "+13125550102"


@pytest.fixture
def clock() -> Clock:
    return Clock(ny(2026, 11, 29, 9, 0))  # a Sunday


@pytest.fixture
def fake() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def service(
    database_url: str, make_settings: Callable[..., Settings], clock: Clock, fake: FakeTransport
) -> Iterator[Service]:
    s = make_settings(database_url=database_url, checkin_days="daily")
    svc = Service(s, transport=fake, clock=clock, worker_id="t")
    add_client(svc.db, "C1", phone=ANA, now=clock.now)
    add_client(svc.db, "C3", first_name="Carla", phone=CARLA, language="es", now=clock.now)
    add_client(svc.db, "C2", first_name="Ben", phone=BEN, now=clock.now)
    yield svc
    svc.close()


def run_until(service: Service, clock: Clock, at: datetime) -> None:
    t = clock.now
    while t <= at:
        clock.now = t
        service.tick(t)
        t += timedelta(hours=1)
    clock.now = at
    service.tick(at)


def say(service: Service, phone: str, body: str, at: datetime) -> InboundResult:
    r = service.receive(from_phone=phone, body=body, now=at)
    service.send_now(at)
    return r


def to(fake: FakeTransport, phone: str) -> list[str]:
    return [a.body for a in fake.accepted if a.to == phone]


def last_reply(service: Service) -> Reply:
    with service.db.read() as s:
        r = s.scalars(select(Reply).order_by(Reply.id.desc())).first()
        assert r is not None
        return r


def alert_rows(service: Service) -> list[Alert]:
    with service.db.read() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


WED_NOON = ny(2026, 12, 2, 12, 0)


# --- risk tiers ----------------------------------------------------------------------------
def test_rule_concern_gets_gentle_reply_non_urgent_alert_and_alert_row(
    service: Service, fake: FakeTransport
) -> None:
    night = ny(2026, 12, 2, 23, 30)  # quiet hours: the reply still goes
    r = service.receive(from_phone=ANA, body="what's the point anymore", now=night)
    service.send_now(night)
    assert r.category == "concern" and "concern" in r.signals
    (reply,) = to(fake, ANA)
    assert "988" in reply and "reach out" in reply
    (alert,) = to(fake, ONCALL)
    assert "Ana (C1)" in alert and "Not an emergency" in alert and "point" not in alert
    (row,) = alert_rows(service)
    assert (row.kind, row.client_id, row.notify_at) == ("concern", 1, night)
    assert row.reply_id == r.reply_id and row.acknowledged_at is None


def test_rule_crisis_urgent_is_911_first_and_not_urgent_is_988_first(
    service: Service, fake: FakeTransport
) -> None:
    say(service, ANA, "I think I'm overdosing", WED_NOON)
    say(service, ANA, "I want to kill myself", WED_NOON + timedelta(minutes=1))
    urgent, followup = to(fake, ANA)
    assert urgent.index("911") < urgent.index("988")
    # The second message joins the open alert: one episode, a follow-up, on-call paged once.
    assert followup.index("988") < followup.index("911") and "wait for us" in followup
    assert [a.kind for a in alert_rows(service)] == ["crisis"]
    assert len(to(fake, ONCALL)) == 1
    say(service, BEN, "I want to kill myself", WED_NOON + timedelta(minutes=2))
    (not_urgent,) = to(fake, BEN)
    assert not_urgent.index("988") < not_urgent.index("911")


def test_rule_spanish_crisis_names_988_spanish_line(service: Service, fake: FakeTransport) -> None:
    say(service, CARLA, "quiero morirme", WED_NOON)
    (text,) = to(fake, CARLA)
    assert "988" in text and "oprima 2" in text and "AYUDA" in text


@pytest.mark.parametrize("body", ["stop texting me, I want to die",
                                  "what's the point anymore. stop texting me"])  # fmt: skip
def test_rule_risk_text_that_revokes_opts_out_after_responding(
    service: Service, clock: Clock, fake: FakeTransport, body: str
) -> None:
    run_until(service, clock, ny(2026, 11, 29, 12, 30))
    assert [m for m in messages(service.db, client_id=1) if m.status == PENDING]
    r = say(service, ANA, body, clock.now)
    assert r.category in ("crisis", "concern")
    response = [m for m in messages(service.db, client_id=1) if m.label == r.category]
    assert len(response) == 1 and response[0].status == SENT  # answered first...
    with service.db.read() as s:
        client = s.scalar(select(Client).where(external_id_filter(service.db.crypto, "C1")))
        assert client is not None and client.opted_out_at is not None  # ...then opted out
    pending = [m for m in messages(service.db, client_id=1) if m.status == PENDING]
    assert pending == [] and any(m.status == CANCELED for m in messages(service.db, client_id=1))
    assert "opt_out_confirm" in r.queued


@pytest.mark.parametrize("body", ["el lee todos mis mensajes, no me escriban nada del programa",
                                  "el revisa mis mensajes, no me escriban mas"])  # fmt: skip
def test_rule_a_partner_reading_the_phone_and_a_revocation_opts_out_discreetly(
    service: Service, fake: FakeTransport, body: str
) -> None:
    # The twenty-second and twenty-fourth rounds read these as abuse at home (concern, safety)
    # where they had been a bare opt-out: the revocation is still honoured at once, and nothing
    # sent to the phone the partner reads names abuse, a hotline or the program's nature.
    r = say(service, CARLA, body, WED_NOON)
    assert (r.category, "safety" in r.signals) == ("concern", True)
    with service.db.read() as s:
        client = s.scalar(select(Client).where(external_id_filter(service.db.crypto, "C3")))
        assert client is not None and client.opted_out_at is not None
    assert "opt_out_confirm" in r.queued
    sent = " ".join(to(fake, CARLA)).lower()
    for word in ("988", "abuso", "violencia", "linea", "adiccion", "tratamiento"):
        assert word not in sent


def test_rule_the_means_still_at_hand_after_a_crisis_reply_is_911_first_in_the_episode(
    service: Service, fake: FakeTransport
) -> None:
    # The twenty-sixth round: with no risk reply before them the rule does not read these words;
    # after one, the means in hand is 911 first and joins the episode.
    say(service, ANA, "I want to kill myself", WED_NOON)
    r = say(service, ANA, "they let me go home and i still have the rope",
            WED_NOON + timedelta(hours=3))  # fmt: skip
    assert r.category == "crisis" and last_reply(service).urgent is True
    _first, again = to(fake, ANA)
    assert again.index("911") < again.index("988")
    assert [a.kind for a in alert_rows(service)] == ["crisis"]  # one episode
    later = say(service, BEN, "i still have the rope", WED_NOON)
    assert later.rule != "crisis.means_after_risk.en"  # no risk reply before it


# --- call-back -----------------------------------------------------------------------------
def test_rule_callback_inside_program_hours_alerts_on_call_now(
    service: Service, fake: FakeTransport
) -> None:
    r = say(service, ANA, "can someone call me please", WED_NOON)
    assert r.signals == ("callback",)
    (text,) = to(fake, ANA)
    assert "reach out today" in text and "988" in text
    (alert,) = to(fake, ONCALL)
    assert "call back" in alert
    (row,) = alert_rows(service)
    assert (row.kind, row.notify_at) == ("callback", WED_NOON)


def test_rule_callback_outside_program_hours_alerts_at_next_opening(
    service: Service, fake: FakeTransport
) -> None:
    friday_evening = ny(2026, 12, 4, 19, 0)
    say(service, ANA, "can someone call me please", friday_evening)
    (text,) = to(fake, ANA)
    assert "Mon after 9 AM" in text
    assert to(fake, ONCALL) == []  # not yet
    (row,) = alert_rows(service)
    monday = ny(2026, 12, 7, 9, 0)
    assert row.notify_at == monday
    (queued,) = messages(service.db, kind=ALERT)
    assert queued.due_at == monday and queued.status == PENDING
    service.send_now(monday)
    assert len(to(fake, ONCALL)) == 1


# --- signals and rules stored --------------------------------------------------------------
def test_rule_use_signal_is_stored_and_answered_without_judgement(
    service: Service, fake: FakeTransport
) -> None:
    # A plain lapse told with nothing else. (Not "I relapsed last night": since the model's
    # retraining after the twenty-ninth round that reads concern at 0.34, over its 0.30 bar; a
    # relapse after clean time is a loss of tolerance in POLICY.md, and a same-day person is the
    # safe side of that reading.)
    r = say(service, ANA, "I used last night", WED_NOON)
    assert r.category == "free_text"
    stored = last_reply(service)
    assert json.loads(stored.signals or "[]") == ["use"]
    (text,) = to(fake, ANA)
    assert "honest" in text and "relapse" not in text.lower() and alert_rows(service) == []


def test_rule_signals_and_rule_are_stored_and_in_replies_json(
    service: Service,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    say(service, ANA, "I relapsed last night, can someone call me", WED_NOON)
    say(service, ANA, "what's the point anymore", WED_NOON + timedelta(minutes=1))
    say(service, "+13125550177", "hello", WED_NOON + timedelta(minutes=2))
    stored = last_reply(service)
    assert stored.rule and json.loads(stored.signals or "null") == []
    env = tmp_path / "cli.env"
    env.write_text(
        f"NOTIFIER_DATABASE_URL={database_url}\nNOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        "NOTIFIER_LOG_FORMAT=json\n"
    )
    capsys.readouterr()
    assert main(["--env-file", str(env), "replies", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "client", "received_at", "body", "category", "score", "in_reply_to",
            "signals", "rule"} <= set(rows[0])  # fmt: skip
    by_body = {r["body"]: r for r in rows}
    first = by_body["I relapsed last night, can someone call me"]
    assert first["signals"] == ["use", "callback"] and first["rule"]
    assert by_body["what's the point anymore"]["signals"] == ["concern"]
    assert main(["--env-file", str(env), "replies", "--category", "concern", "--format",
                 "json"]) == 0  # fmt: skip
    assert [r["category"] for r in json.loads(capsys.readouterr().out)] == ["concern"]


def test_urgency_and_the_words_that_made_it_are_stored_and_in_replies_json(
    service: Service,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    say(service, ANA, "my husband is having a seizure on the floor", WED_NOON)
    urgent = last_reply(service)
    assert urgent.urgent is True and urgent.urgent_evidence
    assert "seizure" in urgent.urgent_evidence
    say(service, ANA, "ran out of my suboxone, pharmacy wont fill it", WED_NOON + timedelta(1))
    calm = last_reply(service)
    assert calm.urgent is False and calm.urgent_evidence is None
    assert "medication" in json.loads(calm.signals or "[]")
    env = tmp_path / "cli.env"
    env.write_text(
        f"NOTIFIER_DATABASE_URL={database_url}\nNOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        "NOTIFIER_LOG_FORMAT=json\n"
    )
    capsys.readouterr()
    assert main(["--env-file", str(env), "replies", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[urgent.id]["urgent"] is True
    assert rows[urgent.id]["signals"] == ["crisis", "medical"]
    assert rows[calm.id]["urgent"] is False


# --- attendance and attribution ------------------------------------------------------------
def test_rule_confirm_and_decline_are_acknowledged(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    run_until(service, clock, ny(2026, 11, 29, 18, 30))  # Monday's 24h reminder went out
    say(service, ANA, "5/10", ny(2026, 11, 29, 18, 35))  # the day's check-in, answered
    say(service, ANA, "1", ny(2026, 11, 29, 18, 40))
    assert to(fake, ANA)[-1] == "Thanks, Ana, see you tomorrow at 6:00 PM."
    say(service, ANA, "2", ny(2026, 11, 29, 18, 45))
    assert to(fake, ANA)[-1] == (
        "Thanks for letting us know, Ana. We have you down as not coming tomorrow at 6:00 PM."
    )


def test_rule_decline_never_attaches_to_a_meeting_that_started(
    service: Service, clock: Clock
) -> None:
    run_until(service, clock, ny(2026, 12, 3, 16, 30))  # Thursday's 2h reminder went out
    friday = ny(2026, 12, 4, 13, 0)
    with service.db.read() as s:
        meetings = {
            a.starts_at: a.id
            for a in s.scalars(select(Appointment).where(Appointment.group_name == "evening"))
        }
    r = service.receive(from_phone=ANA, body="not coming monday", now=friday)
    assert r.category == "decline"
    stored = last_reply(service)
    assert stored.session_id == meetings[ny(2026, 12, 7, 18, 0)]  # Monday, not Thursday
    assert stored.session_id != meetings[ny(2026, 12, 3, 18, 0)]


def test_rule_bare_number_answers_the_prompt_still_waiting(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    # Sunday: the 12:00 check-in, then the 18:00 reminder for Monday, answered "1".
    run_until(service, clock, ny(2026, 11, 29, 18, 30))
    say(service, ANA, "1", ny(2026, 11, 29, 18, 35))
    # A bare "2" now answers the check-in still waiting, not the reminder answered already.
    r = say(service, ANA, "2", ny(2026, 11, 29, 18, 40))
    assert r.category == "checkin_answer" and r.score == 2
    checkin = next(m for m in messages(service.db, kind=CHECKIN) if m.status == SENT)
    assert last_reply(service).in_reply_to == checkin.id
    assert "got your 2" in to(fake, ANA)[-1]  # the acknowledgement shows the reading


def test_rule_coping_skill_fits_the_question_answered(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    run_until(service, clock, ny(2026, 11, 29, 12, 30))
    checkin = next(m for m in messages(service.db, kind=CHECKIN) if m.status == SENT)
    say(service, ANA, "5", ny(2026, 11, 29, 12, 40))
    ack = to(fake, ANA)[-1]
    skills = DEFAULT_SKILLS_BY_LABEL["en"][checkin.label or ""]
    assert any(skill in ack for skill in skills)
    others = [s for label, group in DEFAULT_SKILLS_BY_LABEL["en"].items()
              if label != checkin.label for s in group]  # fmt: skip
    assert not any(skill in ack for skill in others)


def test_rule_reminder_for_started_meeting_is_not_open_without_a_next_meeting(
    database_url: str, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    s = make_settings(database_url=database_url, checkin_days="off")
    svc = Service(s, transport=FakeTransport(), clock=clock)
    add_client(svc.db, "C9", phone="+13125550109", group=None, now=clock.now)
    add_individual(svc.db, "C9", ny(2026, 11, 30, 15, 0), timedelta(minutes=50), None,
                   clock.now, s)  # fmt: skip
    run_until(svc, clock, ny(2026, 11, 30, 13, 30))  # the 2h reminder went out
    assert [m for m in messages(svc.db, kind=REMINDER) if m.status == SENT]
    r = svc.receive(from_phone="+13125550109", body="2", now=ny(2026, 11, 30, 16, 0))
    assert r.category == "free_text"  # the session started; none ahead: no decline
    svc.close()


def test_followup_reads_stored_signals_and_shows_the_reply_behind_each_flag(
    service: Service,
) -> None:
    from notifier.followup.digest import build_digest

    concern = say(service, ANA, "what's the point anymore", ny(2026, 11, 30, 10, 0))
    use = say(service, ANA, "I used last night", ny(2026, 11, 30, 11, 0))
    say(service, CARLA, "llamenme por favor", ny(2026, 11, 30, 11, 30))
    d = build_digest(service.db, service.settings, "evening", ny(2026, 11, 30, 12, 0))
    ana, carla = d.clients[0], d.clients[1]
    assert (ana.first_name, ana.flags) == ("Ana", ["concern", "use"])
    assert ana.flag_replies["concern"].reply_id == concern.reply_id
    assert ana.flag_replies["use"].reply_id == use.reply_id
    assert (carla.first_name, carla.flags) == ("Carla", ["callback"])


def test_open_alerts_lists_unacknowledged_alerts_once_staff_were_told(service: Service) -> None:
    from notifier.inbound.alerts import open_alerts

    friday_evening = ny(2026, 12, 4, 19, 0)
    say(service, ANA, "I want to kill myself", friday_evening)
    say(service, CARLA, "llamenme por favor", friday_evening)
    say(service, "+13125550177", "i want to die", friday_evening)
    assert [(a.kind, a.client) for a in open_alerts(service.db, friday_evening)] == [
        ("crisis", "C1"),
        ("crisis", None),
    ]
    everything = open_alerts(service.db)
    assert [a.kind for a in everything] == ["crisis", "callback", "crisis"]
    assert everything[1].notify_at == ny(2026, 12, 7, 9, 0)
