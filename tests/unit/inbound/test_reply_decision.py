"""decide(): what a reply leads to, as a pure function of the classification, the context and
an explicit ``now``. Classifications are built by hand, so these rules hold whatever the
classifier is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from notifier.core.settings import Settings
from notifier.inbound.decision import (
    Actions,
    ClientView,
    Context,
    Flood,
    Meeting,
    Prompt,
    decide,
    decide_unknown,
    open_kinds,
    open_prompts,
    target,
)
from notifier.outbound.texts import Templates
from notifier.understanding import Classification
from tests.helpers import ny

T = Templates()


ANA = ClientView(1, "C1", "Ana", "en", "America/New_York", opted_out=False)
CARLA = ClientView(3, "C3", "Carla", "es", "America/New_York", opted_out=False)
WED_NOON = ny(2026, 12, 2, 12, 0)  # a Wednesday, inside program hours (mon-fri 09:00-17:00)


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


def ctx(now: datetime = WED_NOON, client: ClientView = ANA, **kw: object) -> Context:
    return Context(client=client, now=now, **kw)  # type: ignore[arg-type]


def texts(a: Actions) -> dict[str, str]:
    return {s.label: s.text for s in a.sends}


# --- risk tiers ----------------------------------------------------------------------------
def test_rule_crisis_urgent_puts_911_first(settings: Settings) -> None:
    c = Classification("crisis", signals=("crisis", "use"), rule="crisis.overdose_now.en",
                       urgent=True)  # fmt: skip
    a = decide(c, ctx(), settings, T)
    text = texts(a)["overdose"]  # urgent with use: the overdose text, 911 first
    assert text.index("911") < text.index("stay with them")
    assert [x.kind for x in a.alerts] == ["crisis"] and a.alerts[0].notify_at == WED_NOON
    assert a.signals == ("crisis", "use") and a.rule == "crisis.overdose_now.en"


def test_rule_crisis_not_urgent_puts_988_first(settings: Settings) -> None:
    a = decide(Classification("crisis", signals=("crisis",)), ctx(), settings, T)
    text = texts(a)["crisis"]
    assert "988" in text and text.index("988") < text.index("911")


def test_rule_spanish_crisis_names_988_spanish_line(settings: Settings) -> None:
    a = decide(Classification("crisis", language="es"), ctx(client=CARLA), settings, T)
    text = texts(a)["crisis"]
    assert "988" in text and "oprima 2" in text and "AYUDA" in text
    # A client on the English roster who writes in Spanish is answered in Spanish.
    a = decide(Classification("crisis", language="es"), ctx(), settings, T)
    assert "oprima 2" in texts(a)["crisis"]


def test_rule_crisis_signal_always_present_for_crisis_and_concern(settings: Settings) -> None:
    assert decide(Classification("crisis"), ctx(), settings, T).signals == ("crisis",)
    assert decide(Classification("concern"), ctx(), settings, T).signals == ("concern",)


def test_rule_concern_gentle_reply_offers_988_and_non_urgent_alert_at_once(
    settings: Settings,
) -> None:
    a = decide(Classification("concern", signals=("concern",)), ctx(), settings, T)
    text = texts(a)["concern"]
    assert "988" in text and "reach out" in text and "911" not in text
    (alert,) = a.alerts
    assert alert.kind == "concern" and alert.label == "concern_alert"
    assert alert.notify_at == WED_NOON
    crisis_alert = decide(Classification("crisis"), ctx(), settings, T).alerts[0]
    assert alert.text != crisis_alert.text and "Not an emergency" in alert.text


@pytest.mark.parametrize("category", ["crisis", "concern"])
def test_rule_risk_text_that_revokes_still_opts_out_after_responding(
    settings: Settings, category: str
) -> None:
    a = decide(Classification(category, revokes=True), ctx(), settings, T)
    assert a.sends[0].label == category  # the response is decided...
    assert a.consent == "opt_out"  # ...and the opt-out is applied after it
    assert a.confirmation is not None and a.confirmation.label == "opt_out_confirm"


# --- call-back -----------------------------------------------------------------------------
def test_rule_callback_inside_program_hours_alerts_now_and_says_today(settings: Settings) -> None:
    c = Classification("free_text", signals=("callback",))
    a = decide(c, ctx(), settings, T)
    (alert,) = a.alerts
    assert alert.kind == "callback" and alert.notify_at == WED_NOON
    assert "today" in texts(a)["callback"] and "988" in texts(a)["callback"]


def test_rule_callback_outside_program_hours_waits_for_next_opening(settings: Settings) -> None:
    friday_night = ny(2026, 12, 4, 20, 0)
    a = decide(Classification("free_text", signals=("callback",)), ctx(friday_night), settings, T)
    (alert,) = a.alerts
    assert alert.notify_at == ny(2026, 12, 7, 9, 0)  # Monday 09:00
    assert "Mon after 9 AM" in texts(a)["callback"]


def test_rule_callback_in_spanish_says_when_in_spanish(settings: Settings) -> None:
    early = ny(2026, 12, 2, 7, 30)
    a = decide(Classification("free_text", signals=("callback",)), ctx(early, CARLA), settings, T)
    assert "hoy después de las 09:00" in texts(a)["callback"]


def test_rule_callback_inside_crisis_raises_only_the_crisis_alert(settings: Settings) -> None:
    a = decide(Classification("crisis", signals=("crisis", "callback")), ctx(), settings, T)
    assert [x.kind for x in a.alerts] == ["crisis"] and "callback" not in texts(a)


def test_rule_callback_from_opted_out_client_alerts_staff_but_sends_no_text(
    settings: Settings,
) -> None:
    gone = ClientView(1, "C1", "Ana", "en", "America/New_York", opted_out=True)
    a = decide(Classification("free_text", signals=("callback",)), ctx(client=gone), settings, T)
    assert [x.kind for x in a.alerts] == ["callback"] and a.sends == ()


def test_rule_use_signal_gets_a_short_non_judgmental_text_and_no_alert(
    settings: Settings,
) -> None:
    a = decide(Classification("free_text", signals=("use",)), ctx(), settings, T)
    assert a.signals == ("use",) and a.alerts == ()
    (text,) = texts(a).values()
    assert "honest" in text and "used" not in text.lower()


# --- attribution and acknowledgements ------------------------------------------------------
THU = Meeting(10, ny(2026, 12, 3, 18, 0), "Suite 200")
MON = Meeting(11, ny(2026, 12, 7, 18, 0), "Suite 200")
THU_REMINDER = Prompt(100, "reminder", None, ny(2026, 12, 3, 16, 0), THU)
FRI_NIGHT = ny(2026, 12, 4, 19, 0)


def test_rule_decline_never_attaches_to_a_meeting_that_started(settings: Settings) -> None:
    # Friday: "not coming monday" after Thursday's reminder; Thursday's meeting is over.
    c = ctx(FRI_NIGHT, prompts=(THU_REMINDER,), next_meeting=MON)
    a = decide(Classification("decline"), c, settings, T)
    assert a.session_id == MON.id and a.in_reply_to == THU_REMINDER.id
    assert "not coming" in texts(a)["ack_decline"] and "Mon" in texts(a)["ack_decline"]
    # With no meeting ahead, the reminder is no longer open at all.
    lonely = ctx(FRI_NIGHT, prompts=(THU_REMINDER,), next_meeting=None)
    assert open_kinds(lonely) == []
    assert target(THU_REMINDER, None, FRI_NIGHT) is None


def test_rule_confirm_is_acknowledged_with_the_meeting_time(settings: Settings) -> None:
    c = ctx(ny(2026, 12, 3, 16, 5), prompts=(THU_REMINDER,), next_meeting=THU)
    a = decide(Classification("confirm"), c, settings, T)
    assert a.session_id == THU.id
    assert texts(a)["ack_confirm"] == "Thanks, Ana, see you today at 6:00 PM."


def test_rule_attendance_ack_in_quiet_hours_waits_for_their_end(settings: Settings) -> None:
    late = ny(2026, 12, 5, 23, 0)  # Saturday night, about Monday
    mon_reminder = Prompt(101, "reminder", None, ny(2026, 12, 5, 22, 0), MON)
    a = decide(Classification("decline"), ctx(late, prompts=(mon_reminder,)), settings, T)
    (ack,) = a.sends
    assert ack.due_at == ny(2026, 12, 6, 8, 0) and ack.not_after <= MON.starts_at


def test_rule_bare_number_answers_the_prompt_still_waiting_then_the_latest(
    settings: Settings,
) -> None:
    checkin = Prompt(200, "checkin", "cravings", ny(2026, 12, 6, 12, 0))
    reminder = Prompt(201, "reminder", None, ny(2026, 12, 6, 18, 0), MON)
    now = ny(2026, 12, 6, 18, 30)
    # Both waiting: the later one (the reminder) is tried first.
    assert open_kinds(ctx(now, prompts=(checkin, reminder))) == ["reminder", "checkin"]
    # The reminder already answered: the check-in still waiting comes first.
    answered = Prompt(201, "reminder", None, reminder.sent_at, MON, answered=True)
    assert open_kinds(ctx(now, prompts=(checkin, answered))) == ["checkin", "reminder"]
    assert [p.id for p in open_prompts(ctx(now, prompts=(answered, checkin)))] == [200, 201]


def test_rule_score_ack_shows_the_score_and_fits_the_question(settings: Settings) -> None:
    def ack(label: str, score: int, client: ClientView = ANA) -> str:
        prompt = Prompt(300, "checkin", label, WED_NOON - timedelta(minutes=5))
        c = ctx(client=client, prompts=(prompt,))
        return decide(Classification("checkin_answer", score=score), c, settings, T).sends[0].text

    assert "got your 3" in ack("cravings", 3) and "urge" in ack("cravings", 3)
    assert "breath" in ack("stress", 3).lower() or "5-4-3-2-1" in ack("stress", 3)
    assert "urge" not in ack("mood", 8)
    assert "recibimos su 3" in ack("cravings", 3, CARLA) and "impulso" in ack("cravings", 3, CARLA)


def test_rule_coping_skills_by_label_setting_wins_and_general_list_is_the_fallback(
    make_settings: Callable[..., Settings],
) -> None:
    prompt = Prompt(300, "checkin", "stress", WED_NOON - timedelta(minutes=5))
    custom = make_settings(coping_skills_by_label="stress: Stretch for a minute.")
    a = decide(Classification("checkin_answer", score=2), ctx(prompts=(prompt,)), custom, T)
    assert "Stretch for a minute." in a.sends[0].text
    general = make_settings(coping_skills="Call a friend.")
    a = decide(Classification("checkin_answer", score=2), ctx(prompts=(prompt,)), general, T)
    assert "Call a friend." in a.sends[0].text


# --- unknown numbers -----------------------------------------------------------------------
def test_rule_unknown_number_alert_limits(settings: Settings) -> None:
    crisis = Classification("crisis")
    assert decide_unknown(crisis, Flood(0, 0), WED_NOON, settings, T).alerts
    assert decide_unknown(crisis, Flood(1, 1), WED_NOON, settings, T).held == "same_number"
    capped = decide_unknown(crisis, Flood(0, 10), WED_NOON, settings, T)
    assert capped.held == "cap" and capped.alerts == ()
    assert decide_unknown(Classification("concern"), Flood(), WED_NOON, settings, T).alerts == ()
