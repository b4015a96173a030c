"""The follow-up list from rows (pure): flags, scores and trend, order, verbatim replies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from notifier.core.settings import Settings
from notifier.followup.digest import ClientRow, ReplyRow, SentRow, digest_from_rows
from notifier.followup.render import as_dict, csv_text, page, table

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Wed 18:00 EST
WINDOW = START - timedelta(days=2)  # the previous meeting, Mon 18:00
PREVIOUS = WINDOW - timedelta(days=2)
NOW = START - timedelta(hours=3)


def at(hours_before_start: float) -> datetime:
    return START - timedelta(hours=hours_before_start)


def reply(
    cid: int,
    hours: float,
    category: str,
    body: str,
    score: int | None = None,
    label: str | None = None,
    session_id: int | None = None,
    in_reply_to: int | None = None,
) -> ReplyRow:
    return ReplyRow(cid, at(hours), category, body, score, label, session_id, in_reply_to)


CLIENTS = [
    ClientRow(1, "C1", "Ana", None),
    ClientRow(2, "C2", "Ben", None),
    ClientRow(3, "C3", "Carla", None),
    ClientRow(4, "C4", "Dev", None),
    ClientRow(5, "C5", "Erin", START - timedelta(days=1)),
    ClientRow(6, "C6", "Frank", None),
]
SENT = [SentRow(cid, "checkin", at(30), 100 + cid) for cid in range(1, 7)]
REPLIES = [
    # Ana: cravings rising against the previous window, one free text.
    reply(1, 60, "checkin_answer", "3", 3, "cravings", in_reply_to=90),
    reply(1, 40, "checkin_answer", "5", 5, "cravings", in_reply_to=95),
    reply(1, 30, "checkin_answer", "8", 8, "cravings", in_reply_to=101),
    reply(1, 29, "free_text", "rough weekend, my brother is back in town"),
    reply(1, 5, "confirm", "1", session_id=7),
    # Ben: crisis.
    reply(2, 20, "crisis", "i want to end it all"),
    # Carla: declined the session.
    reply(3, 4, "decline", "can't make it, kid is sick", session_id=7),
    # Dev: nothing at all (went quiet).
    # Erin: opted out.
    reply(5, 24, "opt_out", "STOP"),
    # Frank: asked for help, calm scores.
    reply(6, 10, "help", "HELP"),
    reply(6, 28, "checkin_answer", "2", 2, "cravings", in_reply_to=106),
]


def build(settings: Settings) -> object:
    return digest_from_rows(
        group="evening",
        session=(7, START, START + timedelta(hours=3), "Suite 200"),
        window_start=WINDOW,
        previous_start=PREVIOUS,
        now=NOW,
        clients=CLIENTS,
        replies=REPLIES,
        sent=SENT,
        settings=settings,
    )


def test_followup_flags_and_most_urgent_first(make_settings: Callable[..., Settings]) -> None:
    d = build(make_settings())
    order = [(c.first_name, c.flags) for c in d.clients]  # type: ignore[attr-defined]
    assert order == [
        # no_reply: check-ins were sent since the last meeting and none was answered,
        # whatever else the client wrote.
        ("Ben", ["crisis", "no_reply"]),
        ("Frank", ["help"]),
        ("Ana", ["high_craving", "confirmed"]),
        ("Carla", ["declined", "no_reply"]),
        ("Dev", ["no_reply"]),
        ("Erin", ["no_reply", "opted_out"]),
    ]


def test_followup_scores_have_latest_highest_and_change(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(make_settings())
    ana = next(c for c in d.clients if c.first_name == "Ana")  # type: ignore[attr-defined]
    cravings = ana.scores["cravings"]
    assert (cravings.latest, cravings.highest) == (8, 8)
    assert cravings.change == 3.5  # (5 + 8) / 2 now against 3 in the window before
    assert ana.checkins_sent == 1 and ana.checkins_answered == 1
    assert ana.attendance == "confirmed"
    assert [r.body for r in ana.replies] == ["rough weekend, my brother is back in town"]


def test_followup_json_shape(make_settings: Callable[..., Settings]) -> None:
    data = as_dict(build(make_settings()))  # type: ignore[arg-type]
    assert {"group", "session_start", "clients"} <= set(data)
    client = data["clients"][0]
    assert {"external_id", "first_name", "flags", "scores", "replies"} <= set(client)
    assert client["replies"][0]["body"] == "i want to end it all"


def test_followup_renderers(make_settings: Callable[..., Settings]) -> None:
    d = build(make_settings())
    text = table(d, NY)  # type: ignore[arg-type]
    assert text.splitlines()[0].startswith("Follow-up for evening: Wed 02 Dec 2026 18:00 EST")
    assert "crisis" in text.splitlines()[2]
    csv = csv_text(d, NY)  # type: ignore[arg-type]
    assert csv.splitlines()[0].startswith("group,session_start,external_id,first_name,flags")
    assert "cravings_latest" in csv.splitlines()[0]
    html = page(d, NY)  # type: ignore[arg-type]
    assert html.count("<svg") == len(CLIENTS)  # one chart per label, or an empty one
    # Ana's and Frank's cravings; the others have none in four weeks.
    assert html.count('<figure class="chart" data-label="cravings">') == 2
    assert html.count('aria-label="no scores in 4 weeks"') == len(CLIENTS) - 2
    assert "http" not in html.split("<body>")[1].lower().replace("https://", "")  # self-contained
    assert "&ldquo;i want to end it all&rdquo;" in html


def test_followup_html_escapes_what_clients_write(make_settings: Callable[..., Settings]) -> None:
    replies = [reply(1, 5, "free_text", '<script>alert(1)</script> & "quotes"')]
    d = digest_from_rows(
        group="evening",
        session=(7, START, None, None),
        window_start=WINDOW,
        previous_start=PREVIOUS,
        now=NOW,
        clients=CLIENTS[:1],
        replies=replies,
        sent=[],
        settings=make_settings(),
    )
    html = page(d, NY)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_low_mood_is_urgent_but_not_a_craving_flag(make_settings: Callable[..., Settings]) -> None:
    replies = [reply(1, 5, "checkin_answer", "1", 1, "mood")]
    d = digest_from_rows(
        group="evening",
        session=(7, START, None, None),
        window_start=WINDOW,
        previous_start=PREVIOUS,
        now=NOW,
        clients=CLIENTS[:2],
        replies=replies,
        sent=[],
        settings=make_settings(),
    )
    assert d.clients[0].first_name == "Ana" and d.clients[0].concerning_score > 0
    assert "high_craving" not in d.clients[0].flags
