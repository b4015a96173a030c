"""decide() for every kind in docs/kinds.md, episodes, and the promises a text may make.
Classifications are built by hand (the reader's new signals are plain strings), so these
rules hold whatever the reader finds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from notifier.core.settings import Settings
from notifier.inbound.decision import (
    Actions,
    ClientView,
    Context,
    Episode,
    Flood,
    Prompt,
    decide,
    decide_unknown,
)
from notifier.outbound.texts import Templates
from notifier.outbound.wording import segments
from notifier.understanding import Classification
from tests.helpers import ny

T = Templates()
TIERS = "15m: +13125550191; 30m call: +13125550192"


ANA = ClientView(1, "C1", "Ana", "en", "America/New_York", opted_out=False)
CARLA = ClientView(3, "C3", "Carla", "es", "America/New_York", opted_out=False)
RAMON = ClientView(4, "C4", "Ramón", "es", "America/New_York", opted_out=False)
WED_NOON = ny(2026, 12, 2, 12, 0)
TWO_AM = ny(2026, 12, 3, 2, 0)  # Thursday 2 AM: quiet hours, program closed


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(escalation_tiers=TIERS)


def ctx(now: datetime = WED_NOON, client: ClientView = ANA, **kw: object) -> Context:
    return Context(client=client, now=now, **kw)  # type: ignore[arg-type]


def one_text(a: Actions) -> tuple[str, str]:
    (send,) = a.sends
    return send.label, send.text


def c(category: str, *signals: str, urgent: bool = False, **kw: object) -> Classification:
    return Classification(category, signals=signals, urgent=urgent, **kw)  # type: ignore[arg-type]


# --- the kinds table -----------------------------------------------------------------------
def test_rule_kinds_suicide_thoughts_get_988_first_and_a_crisis_alert_with_tiers(
    settings: Settings,
) -> None:
    a = decide(c("crisis", "crisis"), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "crisis" and text.index("988") < text.index("911")
    assert "not alone" in text and "We have let our team know." in text
    (alert,) = a.alerts
    assert (alert.kind, alert.level, alert.due_reason) == ("crisis", "crisis", "tier")
    assert alert.due_at == WED_NOON + timedelta(minutes=15)


def test_rule_kinds_life_in_danger_now_puts_911_first(settings: Settings) -> None:
    label, text = one_text(decide(c("crisis", "crisis", urgent=True), ctx(), settings, T))
    assert label == "crisis_urgent" and text.index("911") < text.index("988")


def test_rule_kinds_overdose_now_911_first_naloxone_line_only_when_set(
    settings: Settings, make_settings: Callable[..., Settings]
) -> None:
    overdose = c("crisis", "crisis", "use", urgent=True)
    label, text = one_text(decide(overdose, ctx(), settings, T))
    assert label == "overdose" and text.startswith("Ana, call 911 now") and "naloxone" not in text
    with_line = make_settings(escalation_tiers=TIERS, overdose_naloxone_line=True)
    _, text = one_text(decide(overdose, ctx(), with_line, T))
    assert "If you have naloxone, give it now." in text
    assert segments(text)[0] == "GSM-7"


def test_rule_kinds_medical_emergency_says_911_without_suicide_wording(
    settings: Settings,
) -> None:
    a = decide(c("crisis", "medical", urgent=True), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "medical" and "911" in text and "988" not in text
    assert a.alerts[0].kind == "medical" and a.alerts[0].level == "crisis"
    assert "medical emergency" in a.alerts[0].text


def test_rule_kinds_severe_withdrawal_is_a_concern_with_a_promise(settings: Settings) -> None:
    a = decide(c("concern", "concern", "medical"), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "withdrawal" and "seizure" in text and "911" in text
    assert "reach out today" in text
    (alert,) = a.alerts
    assert (alert.kind, alert.level) == ("medical", "concern")
    assert alert.deadline == ny(2026, 12, 2, 17, 0) == alert.due_at  # today's close


def test_rule_kinds_harm_to_others_never_gets_the_988_text(settings: Settings) -> None:
    a = decide(c("crisis", "crisis", "violence"), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "violence" and "988" not in text and "911" in text
    assert "counselor will call you as soon as possible" in text
    assert "duty to warn" in a.alerts[0].text and a.alerts[0].level == "crisis"


@pytest.mark.parametrize("urgent", [False, True])
def test_rule_kinds_abuse_at_home_is_discreet(settings: Settings, urgent: bool) -> None:
    category = "crisis" if urgent else "concern"
    a = decide(c(category, "safety", urgent=urgent), ctx(TWO_AM), settings, T)
    _, text = one_text(a)
    when = "soon" if urgent else "today after 9 AM"  # on-call is paged now for a crisis
    assert text.startswith(f"Got it, Ana. We will be in touch {when}.")
    assert ("911" in text) is urgent
    for word in ("988", "abuse", "hotline", "violence", "safe"):
        assert word not in text.lower()
    (alert,) = a.alerts
    assert alert.discreet and "call, don't text" in alert.text
    assert alert.level == ("crisis" if urgent else "concern")


def test_rule_kinds_use_alone_now_and_tolerance_loss_are_concern_texts(
    settings: Settings,
) -> None:
    label, text = one_text(decide(c("concern", "concern", "use"), ctx(), settings, T))
    assert label == "concern" and "988" in text
    crisis = decide(c("crisis", "crisis", "use"), ctx(), settings, T)  # indifference to dying
    assert one_text(crisis)[0] == "crisis"


def test_rule_kinds_medication_interrupted_is_a_task_at_the_next_opening(
    settings: Settings,
) -> None:
    a = decide(c("free_text", "medication"), ctx(TWO_AM), settings, T)
    label, text = one_text(a)
    assert label == "medication" and "today after 9 AM about this" in text
    (alert,) = a.alerts
    assert alert.kind == "medication" and alert.level == "task"
    assert alert.notify_at == ny(2026, 12, 3, 9, 0)
    assert alert.deadline == ny(2026, 12, 3, 10, 0) == alert.due_at


def test_rule_kinds_naloxone_alerts_at_once_and_names_no_drug(settings: Settings) -> None:
    a = decide(c("free_text", "naloxone"), ctx(TWO_AM), settings, T)
    label, text = one_text(a)
    assert label == "naloxone" and "without a prescription" in text and "911" in text
    assert "naloxone" not in text.lower() and "narcan" not in text.lower()
    assert a.alerts[0].notify_at == TWO_AM and a.alerts[0].kind == "naloxone"


def test_rule_kinds_pregnancy_is_a_same_day_nurse_task(settings: Settings) -> None:
    a = decide(c("free_text", "pregnancy", "use"), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "pregnancy" and "reach out today" in text and "pregnan" not in text.lower()
    assert a.alerts[0].kind == "pregnancy" and "nurse" in a.alerts[0].text


def test_rule_kinds_life_event_is_a_flag_with_no_alert(settings: Settings) -> None:
    a = decide(c("free_text", "life_event"), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "life_event" and "counselor will see this" in text and a.alerts == ()


def test_rule_kinds_wrong_number_stops_texts_with_one_reply_and_a_task(
    settings: Settings,
) -> None:
    a = decide(c("free_text", "wrong_number"), ctx(), settings, T)
    label, text = one_text(a)
    assert label == "wrong_number" and "Ana" not in text and "no more texts" in text
    assert a.consent == "wrong_number" and a.confirmation is None
    assert a.alerts[0].kind == "wrong_number" and a.alerts[0].level == "none"


def test_rule_kinds_several_kinds_the_highest_decides_and_every_signal_is_kept(
    settings: Settings,
) -> None:
    a = decide(c("crisis", "crisis", "use", "callback", "life_event"), ctx(), settings, T)
    assert [x.kind for x in a.alerts] == ["crisis"] and one_text(a)[0] == "crisis"
    assert a.signals == ("crisis", "use", "callback", "life_event")
    # Harm to others beside suicidal words: its own text, never the 988 one.
    a = decide(c("crisis", "crisis", "violence"), ctx(), settings, T)
    assert one_text(a)[0] == "violence"


def test_rule_kinds_a_life_event_in_a_check_in_answer_is_one_reply(settings: Settings) -> None:
    prompt = Prompt(300, "checkin", "mood", WED_NOON - timedelta(minutes=5))
    a = decide(c("checkin_answer", "life_event", score=2), ctx(prompts=(prompt,)), settings, T)
    assert one_text(a)[0] == "life_event" and a.score == 2 and a.in_reply_to == 300


# --- only what is true ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("category", "signals"),
    [("crisis", ()), ("crisis", ("use",)), ("concern", ()), ("free_text", ("callback",))],
)
def test_rule_promises_without_oncall_numbers_no_text_says_staff_were_told(
    make_settings: Callable[..., Settings], category: str, signals: tuple[str, ...]
) -> None:
    nobody = make_settings(oncall_numbers="")
    _, text = one_text(decide(c(category, *signals, urgent=bool(signals)), ctx(), nobody, T))
    for claim in ("our team", "reach out", "let our", "in touch"):
        assert claim not in text
    assert "988" in text or "911" in text


def test_rule_promises_a_callback_on_christmas_eve_is_promised_for_the_next_open_day(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(skip_dates="2026-12-24,2026-12-25")
    eve = ny(2026, 12, 24, 11, 0)  # a Thursday the program is closed
    a = decide(c("free_text", "callback"), ctx(eve), s, T)
    assert "Mon after 9 AM" in one_text(a)[1]
    (alert,) = a.alerts
    assert alert.notify_at == ny(2026, 12, 28, 9, 0) and alert.deadline == ny(2026, 12, 28, 10, 0)


def test_rule_promises_high_score_offers_988_not_any_time_and_is_sent_in_quiet_hours(
    settings: Settings,
) -> None:
    late = ny(2026, 12, 2, 23, 0)
    prompt = Prompt(300, "checkin", "cravings", ny(2026, 12, 2, 12, 0))
    label, text = one_text(
        decide(c("checkin_answer", score=10), ctx(late, prompts=(prompt,)), settings, T)
    )
    assert label == "ack_high" and "988" in text and "(312)" not in text
    assert "Call us any time" not in text
    # A plain score in quiet hours still gets no text.
    low = decide(c("checkin_answer", score=2), ctx(late, prompts=(prompt,)), settings, T)
    assert low.sends == ()


def test_rule_promises_help_names_the_program_its_hours_and_988(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(program_name="Westside Texts", program_hours="mon-fri 09:00-17:00")
    _, text = one_text(decide(c("help"), ctx(), s, T))
    assert text.startswith("Westside Texts:") and "not read 24/7" in text
    assert "Mon-Fri 9 AM-5 PM" in text and "988" in text and "911" in text
    assert "(312) 555-0100" in text and "STOP" in text
    _, es = one_text(decide(c("help"), ctx(client=CARLA), s, T))
    assert "lun-vie 9:00-17:00" in es and "BAJA" in es and "988" in es


def test_rule_keywords_spanish_opt_in_teaches_info_not_ayuda(settings: Settings) -> None:
    gone = ClientView(3, "C3", "Carla", "es", "America/New_York", opted_out=True)
    a = decide(c("opt_in"), ctx(client=gone), settings, T)
    assert a.confirmation is not None
    assert "INFO para ayuda" in a.confirmation.text and "AYUDA" not in a.confirmation.text
    assert a.confirmation.text.startswith(settings.program_name)


@pytest.mark.parametrize("category", ["help", "crisis"])
def test_rule_keywords_ayuda_within_a_day_of_a_risk_reply_says_how_to_reach_988(
    settings: Settings, category: str
) -> None:
    # The reader files HELP/AYUDA after a risk reply as a crisis; before it knows the
    # context it still says "help": both are answered with how to reach 988.
    ayuda = c(category, rule="help.keyword" if category == "help" else "help.after_risk",
              language="es")  # fmt: skip
    a = decide(ayuda, ctx(client=CARLA, recent_risk=True), settings, T)
    label, text = one_text(a)
    assert label == "risk_help" and "la palabra AYUDA al 988, no a este numero" in text
    assert a.category == "crisis" and a.alerts[0].kind == "crisis"
    # Without a recent risk reply AYUDA is the program's help.
    assert one_text(decide(c("help"), ctx(client=CARLA), settings, T))[0] == "help"


def test_rule_texts_accented_names_stay_one_gsm7_segment(settings: Settings) -> None:
    a = decide(c("crisis", language="es"), ctx(client=RAMON), settings, T)
    _, text = one_text(a)
    assert text.startswith("Ramon,") and segments(text) == ("GSM-7", 1)
    assert "Si corre peligro" in text and "¿" not in text


# --- one episode per person ----------------------------------------------------------------
EP = Episode(alert_id=7, kind="crisis", level="crisis", told_at=TWO_AM)


def test_rule_episodes_a_second_crisis_joins_the_open_alert_with_a_follow_up(
    settings: Settings,
) -> None:
    later = TWO_AM + timedelta(minutes=2)
    a = decide(c("crisis"), ctx(later, episode=EP), settings, T)
    assert a.alerts == () and a.join is not None and a.join.alert_id == 7
    label, text = one_text(a)
    assert label == "followup" and "988 now" in text and "wait for us" in text
    assert a.join.text is None  # on-call was told two minutes ago
    # Ten minutes on, on-call hears of the new message; the follow-up waits its own window.
    much_later = TWO_AM + timedelta(minutes=12)
    followed = replace_ep(followup_at=TWO_AM + timedelta(minutes=5))
    a = decide(c("crisis"), ctx(much_later, episode=followed), settings, T)
    assert a.join is not None and a.join.text is not None and "another message" in a.join.text
    assert a.sends == ()


def replace_ep(**kw: object) -> Episode:
    from dataclasses import replace

    return replace(EP, **kw)  # type: ignore[arg-type]


def test_rule_episodes_an_urgent_message_gets_the_urgent_text_again(settings: Settings) -> None:
    a = decide(c("crisis", "use", urgent=True), ctx(TWO_AM, episode=EP), settings, T)
    assert one_text(a)[0] == "overdose" and a.join is not None and a.join.urgent


def test_rule_episodes_a_crisis_in_a_concern_episode_raises_it(settings: Settings) -> None:
    concern = replace_ep(kind="concern", level="concern")
    a = decide(c("crisis"), ctx(TWO_AM, episode=concern), settings, T)
    assert a.join is not None and a.join.upgrade is not None
    assert a.join.upgrade.level == "crisis" and one_text(a)[0] == "crisis"


def test_rule_episodes_a_discreet_episode_gets_no_follow_up(settings: Settings) -> None:
    safety = replace_ep(kind="safety", level="concern", discreet=True)
    a = decide(c("concern", "safety"), ctx(TWO_AM, episode=safety), settings, T)
    assert a.sends == () and a.join is not None


def test_rule_episodes_non_alerting_messages_do_not_join(settings: Settings) -> None:
    a = decide(c("free_text"), ctx(TWO_AM, episode=EP), settings, T)
    assert a.join is None and a.sends == ()


# --- unknown numbers -----------------------------------------------------------------------
def test_rule_unknown_numbers_a_crisis_gets_a_neutral_reply_and_a_kept_number(
    settings: Settings,
) -> None:
    a = decide_unknown(c("crisis"), Flood(), TWO_AM, settings, T)
    label, text = one_text(a)
    assert label == "unknown_crisis" and text.index("911") < text.index("988")
    assert settings.program_name not in text and "team" not in text
    assert a.keep_sender and a.alerts[0].due_reason == "tier"
    assert "not on the roster" in a.alerts[0].text
    es = decide_unknown(c("crisis", language="es"), Flood(), TWO_AM, settings, T)
    assert "oprima 2" in one_text(es)[1]
    assert decide_unknown(c("concern"), Flood(), TWO_AM, settings, T).sends == ()


def test_rule_unknown_numbers_a_second_message_joins_their_open_alert(
    settings: Settings,
) -> None:
    ep = replace_ep(told_at=TWO_AM, followup_at=TWO_AM)
    a = decide_unknown(c("crisis"), Flood(1, 1), TWO_AM + timedelta(minutes=3), settings, T, ep)
    assert a.join is not None and a.sends == () and a.held is None and a.alerts == ()


def test_rule_kinds_a_life_event_told_at_night_is_answered_in_the_morning(
    settings: Settings,
) -> None:
    a = decide(c("free_text", "life_event"), ctx(TWO_AM), settings, T)
    (send,) = a.sends
    assert send.due_at == ny(2026, 12, 3, 8, 0)  # the end of quiet hours
    crisis = decide(c("crisis"), ctx(TWO_AM), settings, T)
    assert crisis.sends[0].due_at == TWO_AM  # risk replies go at once
