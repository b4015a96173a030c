"""Kinds of meeting, support persons and step-down phases: the pure parts (explicit `now`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from notifier.core.calendar import CheckinDays
from notifier.core.phases import Phase, parse_phases, phase_on
from notifier.core.settings import Settings
from notifier.core.settings_load import SettingsError, load_settings
from notifier.outbound.plan_views import ClientView, SessionView, SupportView
from notifier.outbound.planning import PlannedMessage, checkin_day, plan_messages
from notifier.outbound.render import reminder_template
from tests.helpers import NY, ny

EXAMPLE = Path(__file__).resolve().parents[3] / "settings.example.env"
TABLE = "intensive: 0w mon,tue,wed,thu,fri; step-down: 6w mon,wed,fri; continuing: 12w wed"
MON, TUE, WED, FRI = 0, 1, 2, 4


def client(
    cid: int = 1,
    *,
    start: date | None = None,
    phase: str | None = None,
    language: str = "en",
    group: str | None = "evening",
) -> ClientView:
    return ClientView(cid, f"C{cid:03}", "Ana", group, NY, language, start, None, True, phase)


def checkin_weekdays(rows: list[PlannedMessage]) -> set[int]:
    return {r.due_at.astimezone(NY).weekday() for r in rows if r.kind == "checkin"}


# --- the phase table ---------------------------------------------------------------------------
def test_phases_parse_in_order_with_their_days() -> None:
    phases = parse_phases(TABLE)
    assert [(p.name, p.from_week) for p in phases] == [
        ("intensive", 0),
        ("step-down", 6),
        ("continuing", 12),
    ]
    assert phases[1].days == CheckinDays("days", frozenset({MON, WED, FRI}))
    assert parse_phases("all: 0w daily")[0].days == CheckinDays("daily")
    assert parse_phases("") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("intensive mon,tue", 'expected "name: Nw days'),
        ("intensive: 2w mon", "first phase to begin at 0w"),
        ("a: 0w mon; b: 6w wed; c: 6w fri", "after the one before"),
        ("a: 0w mon; a: 6w wed", "repeated"),
        ("a: 0w someday", "weekdays"),
    ],
)
def test_a_bad_phase_table_is_one_line_naming_the_problem(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_phases(text)


def test_a_bad_notifier_phases_stops_start_up_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFIER_PHASES", "intensive: 3w mon")
    with pytest.raises(SettingsError) as err:
        load_settings(EXAMPLE)
    line = str(err.value)
    assert "\n" not in line and line.startswith("NOTIFIER_PHASES=")
    assert "0w" in line


def test_unset_phases_give_nobody_a_phase(make_settings: Callable[..., Settings]) -> None:
    assert make_settings().phases == ()
    assert phase_on((), date(2026, 1, 1), date(2026, 12, 7)) is None


def test_phase_of_a_client_on_a_date_follows_the_weeks_since_the_start() -> None:
    phases = parse_phases(TABLE)
    start = date(2026, 10, 1)
    assert phase_on(phases, start, date(2026, 10, 1)).name == "intensive"  # type: ignore[union-attr]
    assert phase_on(phases, start, date(2026, 11, 11)).name == "intensive"  # type: ignore[union-attr]
    assert phase_on(phases, start, date(2026, 11, 12)).name == "step-down"  # 6 weeks  # type: ignore[union-attr]
    assert phase_on(phases, start, date(2026, 12, 24)).name == "continuing"  # type: ignore[union-attr]
    assert phase_on(phases, None, date(2026, 12, 24)).name == "intensive"  # type: ignore[union-attr]
    # Before the start date (imported ahead): the first phase.
    assert phase_on(phases, start, date(2026, 9, 1)).name == "intensive"  # type: ignore[union-attr]


def test_a_phase_staff_set_holds_whatever_the_weeks() -> None:
    phases = parse_phases(TABLE)
    start = date(2026, 12, 1)
    assert phase_on(phases, start, date(2026, 12, 2), "continuing").name == "continuing"  # type: ignore[union-attr]
    # A phase no longer in the table falls back to the weeks.
    assert phase_on(phases, start, date(2026, 12, 2), "gone").name == "intensive"  # type: ignore[union-attr]


# --- which days get a check-in -------------------------------------------------------------------
def test_checkin_days_taper_with_the_phase(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(phases=TABLE, checkin_days="daily")
    new = client(1, start=date(2026, 12, 1))  # intensive: weekdays
    stepped = client(2, start=date(2026, 10, 1))  # 9 weeks in: mon, wed, fri
    late = client(3, start=date(2026, 8, 1))  # 18 weeks in: wed
    monday = date(2026, 12, 7)
    tuesday = date(2026, 12, 8)
    assert checkin_day(s, new, tuesday, set()) and checkin_day(s, new, monday, set())
    assert checkin_day(s, stepped, monday, set()) and not checkin_day(s, stepped, tuesday, set())
    assert not checkin_day(s, late, monday, set())
    assert checkin_day(s, late, date(2026, 12, 9), set())


def test_planned_checkins_follow_each_clients_phase(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(phases=TABLE, plan_horizon="7d")
    now = ny(2026, 12, 6, 8, 0)  # Sun; the week Mon 7 .. Sun 13
    rows = plan_messages([client(1, start=date(2026, 10, 1), group=None)], [], s, now)
    assert checkin_weekdays(rows) == {MON, WED, FRI}
    rows = plan_messages([client(1, start=date(2026, 12, 1), group=None)], [], s, now)
    assert checkin_weekdays(rows) == {MON, TUE, WED, 3, FRI}
    rows = plan_messages([client(1, start=date(2026, 12, 1), group=None, phase="continuing")],
                         [], s, now)  # fmt: skip
    assert checkin_weekdays(rows) == {WED}


def test_a_phase_that_begins_mid_week_changes_the_days_from_that_day(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(phases=TABLE, plan_horizon="7d")
    now = ny(2026, 12, 6, 8, 0)
    # Started Thu 2026-10-29: week 6 begins Thu 2026-12-10.
    rows = plan_messages([client(1, start=date(2026, 10, 29), group=None)], [], s, now)
    days = sorted(r.due_at.astimezone(NY).date() for r in rows if r.kind == "checkin")
    assert days == [date(2026, 12, d) for d in (7, 8, 9, 11)]  # Mon-Wed intensive, then Fri


def test_without_phases_checkins_are_exactly_as_before(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(plan_horizon="7d")
    now = ny(2026, 12, 6, 8, 0)
    with_phase_field = plan_messages([client(1, start=date(2026, 10, 1), phase="x")], [], s, now)
    plain = plan_messages(
        [ClientView(1, "C001", "Ana", "evening", NY, "en", date(2026, 10, 1), None, True)],
        [], s, now,
    )  # fmt: skip
    assert with_phase_field == plain


def test_phases_keep_the_non_session_rule_and_no_checkin_dates(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(
        phases="all: 0w non-session", plan_horizon="7d", no_checkin_dates="2026-12-08"
    )
    now = ny(2026, 12, 6, 8, 0)
    meeting = SessionView(9, "group", "evening", None, ny(2026, 12, 7, 18, 0), None)
    rows = plan_messages([client(1)], [meeting], s, now)
    days = {r.due_at.astimezone(NY).date() for r in rows if r.kind == "checkin"}
    assert date(2026, 12, 7) not in days and date(2026, 12, 8) not in days
    assert date(2026, 12, 9) in days


# --- wording per kind of meeting -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "language", "words"),
    [
        ("group", "en", "your group meets"),
        ("individual", "en", "your appointment"),
        ("family", "en", "your family session is"),
        ("workshop", "en", "your workshop is"),
        ("family", "es", "su sesion familiar"),
        ("workshop", "es", "su taller"),
    ],
)
def test_each_kind_of_meeting_has_its_own_reminder_wording(
    kind: str, language: str, words: str, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    now = ny(2026, 12, 6, 10, 0)
    own = None if kind == "group" else 1
    meeting = SessionView(7, kind, "evening" if kind == "group" else None, own,
                          ny(2026, 12, 7, 18, 0), "Suite 200")  # fmt: skip
    rows = plan_messages([client(1, language=language)], [meeting], s, now)
    reminders = [r for r in rows if r.kind == "reminder"]
    assert len(reminders) == 2
    assert all(words in r.body for r in reminders), reminders[0].body
    assert all(r.recipient is None for r in reminders)


def test_reminder_template_by_kind_and_for_support_persons() -> None:
    assert reminder_template("group") == "reminder_group"
    assert reminder_template("family") == "reminder_family"
    assert reminder_template("workshop") == "reminder_workshop"
    assert reminder_template(None) == "reminder_individual"
    assert reminder_template("family", "support:24h") == "reminder_support"


# --- support persons ----------------------------------------------------------------------------
def family(supports: tuple[SupportView, ...], kind: str = "family") -> SessionView:
    return SessionView(7, kind, None, 1, ny(2026, 12, 9, 17, 0), "Suite 200", supports)


def test_a_family_session_reminds_a_consented_support_person_too(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(program_name="Northside Wellness")
    now = ny(2026, 12, 6, 10, 0)
    rosa = SupportView(3, "+13125550142", date(2026, 12, 1), date(2027, 6, 1))
    rows = plan_messages([client(1)], [family((rosa,))], s, now)
    support = [r for r in rows if r.recipient is not None]
    own = [r for r in rows if r.kind == "reminder" and r.recipient is None]
    assert [r.label for r in support] == ["support:24h", "support:2h"]
    assert [r.due_at for r in support] == [r.due_at for r in own]
    assert {r.recipient for r in support} == {"+13125550142"}
    assert support[0].dedupe_key.startswith("support:3:7:")
    body = support[0].body
    assert body.startswith("Northside Wellness: a reminder that the family session with Ana")
    assert "+1312" not in body


@pytest.mark.parametrize(
    "person",
    [
        SupportView(3, "+13125550142", date(2026, 12, 10), None),  # signed after the session
        SupportView(3, "+13125550142", date(2026, 1, 1), date(2026, 12, 8)),  # expired before
    ],
)
def test_no_text_to_a_support_person_whose_consent_does_not_cover_the_date(
    person: SupportView, make_settings: Callable[..., Settings]
) -> None:
    rows = plan_messages([client(1)], [family((person,))], make_settings(), ny(2026, 12, 6, 10, 0))
    assert [r for r in rows if r.recipient] == []
    assert len([r for r in rows if r.kind == "reminder"]) == 2  # the client's own go on


def test_only_family_sessions_remind_support_persons(
    make_settings: Callable[..., Settings],
) -> None:
    rosa = SupportView(3, "+13125550142", date(2026, 12, 1), None)
    rows = plan_messages(
        [client(1)], [family((rosa,), kind="individual")], make_settings(), ny(2026, 12, 6, 10, 0)
    )
    assert [r for r in rows if r.recipient] == []


def test_support_person_reminder_is_one_gsm7_segment_and_discloses_nothing(
    make_settings: Callable[..., Settings],
) -> None:
    from notifier.core.disclosure import DEFAULT_DISCLOSURE_WORDS, disclosing
    from notifier.outbound.texts import Templates
    from notifier.outbound.wording import segments

    t = Templates()
    for lang in ("en", "es"):
        for name in ("reminder_family", "reminder_workshop", "reminder_support"):
            text = t.render(
                name, lang, first_name="Christopher", when="on Wed, Dec 30 at 12:30 PM",
                at_place=" at Suite 200", program_name="A" * 30,
            )  # fmt: skip
            assert segments(text) == ("GSM-7", 1), (lang, name)
            assert disclosing(text, DEFAULT_DISCLOSURE_WORDS) == []


def test_phase_dataclass_is_a_value() -> None:
    assert Phase("a", 0, CheckinDays("daily")) == parse_phases("a: 0w daily")[0]


# --- a group declares its kind in NOTIFIER_GROUPS ------------------------------------------------
def test_a_group_may_declare_its_kind(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(
        groups="evening: mon,wed 18:00-21:00 @ Suite 200; skills [workshop]: sat 10:00-12:00"
    )
    assert [(g.name, g.kind) for g in s.groups] == [("evening", "group"), ("skills", "workshop")]
    now = ny(2026, 12, 11, 10, 0)  # Fri
    meeting = SessionView(5, "group", "skills", None, ny(2026, 12, 12, 10, 0), None)
    rows = plan_messages([client(1, group="skills")], [meeting], s, now)
    reminders = [r for r in rows if r.kind == "reminder"]
    assert reminders and all("your workshop is" in r.body for r in reminders)


def test_a_groups_kind_is_checked(make_settings: Callable[..., Settings]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="expected a kind of group, workshop or family"):
        make_settings(groups="skills [party]: sat 10:00-12:00")


def test_the_dispatcher_renders_a_groups_declared_kind(
    make_settings: Callable[..., Settings],
) -> None:
    from notifier.outbound.render import planned_text
    from notifier.outbound.texts import Templates

    s = make_settings(groups="skills [workshop]: sat 10:00-12:00")
    text = planned_text(
        Templates(), s, kind="reminder", label="24h", first_name="Ana", language="en", tz=NY,
        due_at=ny(2026, 12, 11, 10, 0), session_kind="group", starts_at=ny(2026, 12, 12, 10, 0),
        location=None, group_name="skills",
    )  # fmt: skip
    assert text is not None and "your workshop is tomorrow" in text
