"""The follow-up list's risk flags: concern, use and callback in their place in the order,
low scores on low-end scales, and the reply that raised each flag in every format."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from notifier.core.settings import Settings
from notifier.followup.digest import (
    FLAG_TEXT,
    FLAGS,
    ClientRow,
    Digest,
    ReplyRow,
    SentRow,
    digest_from_rows,
)
from notifier.followup.render import as_dict, csv_text, page, table

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Wed 18:00 EST
WINDOW = START - timedelta(days=2)
NOW = START - timedelta(hours=3)
_ids = iter(range(1, 1000))


def reply(cid: int, hours: float, category: str, body: str, *signals: str, score: int | None = None,
          label: str | None = None) -> ReplyRow:  # fmt: skip
    return ReplyRow(cid, START - timedelta(hours=hours), category, body, score, label, None,
                    None, next(_ids), tuple(signals))  # fmt: skip


CLIENTS = [ClientRow(i, f"C{i}", name, None) for i, name in
           enumerate(["Ana", "Ben", "Carla", "Dev", "Erin", "Frank", "Gus"], 1)]  # fmt: skip
REPLIES = [
    reply(1, 20, "help", "HELP"),
    reply(2, 30, "checkin_answer", "8, can someone call me", "callback", score=8,
          label="cravings"),
    reply(3, 10, "free_text", "I relapsed last night", "use"),
    reply(3, 9, "free_text", "drank again today", "use"),
    reply(4, 12, "concern", "what's the point anymore", "concern"),
    reply(5, 8, "crisis", "I want to kill myself", "crisis"),
    reply(6, 6, "checkin_answer", "1", score=1, label="mood"),
    reply(7, 5, "checkin_answer", "9", score=9, label="cravings"),
]  # fmt: skip


def build(settings: Settings) -> Digest:
    return digest_from_rows(
        group="evening",
        session=(7, START, START + timedelta(hours=3), "Suite 200"),
        window_start=WINDOW,
        previous_start=WINDOW - timedelta(days=2),
        now=NOW,
        clients=CLIENTS,
        replies=REPLIES,
        sent=[],
        settings=settings,
    )


def test_followup_flag_names_most_urgent_first() -> None:
    # DESIGN.md's list for `followup --format json`, in its order: the kinds a clinic acts on
    # at once (docs/kinds.md) rank right after crisis and concern.
    assert FLAGS == ("crisis", "concern", "medical", "violence", "safety", "use", "callback",
                     "medication", "naloxone", "pregnancy", "life_event", "help", "high_craving",
                     "high_score", "low_score", "missed_twice", "declined", "no_reply",
                     "unreachable", "wrong_number", "opted_out", "confirmed")  # fmt: skip


def test_every_kind_of_message_raises_its_flag_with_the_reply_that_raised_it(
    make_settings: Callable[..., Settings],
) -> None:
    kinds = ["medical", "violence", "safety", "medication", "naloxone", "pregnancy",
             "life_event", "wrong_number"]  # fmt: skip
    clients = [ClientRow(i, f"K{i}", f"N{i}", None) for i in range(1, len(kinds) + 1)]
    replies = [reply(i, 5, "free_text", f"words {k}", k) for i, k in enumerate(kinds, 1)]
    d = digest_from_rows(
        group="evening",
        session=(7, START, START + timedelta(hours=3), "Suite 200"),
        window_start=WINDOW,
        previous_start=WINDOW - timedelta(days=2),
        now=NOW,
        clients=clients,
        replies=replies,
        sent=[],
        settings=make_settings(),
    )
    by_id = {c.external_id: c for c in d.clients}
    for i, k in enumerate(kinds, 1):
        c = by_id[f"K{i}"]
        assert c.flags == [k]
        assert c.flag_replies[k].body == f"words {k}"
        assert k in FLAG_TEXT
    # Most urgent first: a body in danger before someone else's danger, before a lost number.
    assert [c.flags[0] for c in d.clients][:3] == ["medical", "violence", "safety"]
    assert d.clients[-1].flags == ["wrong_number"]
    assert as_dict(d)["clients"][0]["flags"] == ["medical"]


def test_a_client_whose_texts_stopped_arriving_is_unreachable(
    make_settings: Callable[..., Settings],
) -> None:
    clients = [ClientRow(1, "U1", "Una", None), ClientRow(2, "U2", "Ugo", None)]
    sent = [
        SentRow(1, "checkin", START - timedelta(hours=30), 11),
        SentRow(1, "checkin", START - timedelta(hours=6), 12, status="undelivered"),
        SentRow(2, "checkin", START - timedelta(hours=30), 21, status="failed"),
        SentRow(2, "checkin", START - timedelta(hours=6), 22),  # a later text arrived
    ]
    d = digest_from_rows(
        group="evening",
        session=(7, START, START + timedelta(hours=3), "Suite 200"),
        window_start=WINDOW,
        previous_start=WINDOW - timedelta(days=2),
        now=NOW,
        clients=clients,
        replies=[],
        sent=sent,
        settings=make_settings(),
    )
    by_id = {c.external_id: c for c in d.clients}
    assert "unreachable" in by_id["U1"].flags
    assert "unreachable" not in by_id["U2"].flags
    assert by_id["U1"].checkins_sent == 1  # a text that never arrived is not a check-in sent


def test_followup_orders_crisis_concern_use_callback_help_then_scores(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(make_settings())
    assert [(c.first_name, c.flags) for c in d.clients] == [
        ("Erin", ["crisis"]),
        ("Dev", ["concern"]),
        ("Carla", ["use"]),
        ("Ben", ["callback", "high_craving"]),
        ("Ana", ["help"]),
        # Mood 1 and cravings 9 are as far past their thresholds: they rank together, by name.
        ("Frank", ["low_score"]),
        ("Gus", ["high_craving"]),
    ]


def test_followup_shows_the_reply_that_raised_each_flag(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(make_settings())
    carla = next(c for c in d.clients if c.first_name == "Carla")
    assert carla.flag_replies["use"].body == "drank again today"  # the latest
    ben = next(c for c in d.clients if c.first_name == "Ben")
    assert ben.flag_replies["callback"].body == "8, can someone call me"
    assert ben.flag_replies["high_craving"].reply_id == REPLIES[1].id
    assert "I relapsed last night" in [r.body for r in carla.replies]  # signals are verbatim


def test_followup_flag_replies_in_json_table_csv_and_html(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(make_settings())
    data = as_dict(d)
    dev = next(c for c in data["clients"] if c["first_name"] == "Dev")
    assert {"external_id", "first_name", "flags", "scores", "replies", "flag_replies"} <= set(dev)
    concern = dev["flag_replies"]["concern"]
    assert concern["body"] == "what's the point anymore" and concern["reply_id"] == REPLIES[4].id
    assert concern["received_at"] == REPLIES[4].received_at
    assert dev["replies"][0]["signals"] == ["concern"]

    text = table(d, NY)
    assert "FLAGGED_BY" in text.splitlines()[1].upper()
    assert "concern: Wed 06:00" in text  # points at the reply, shown whole under REPLIES
    assert "what's the point anymore" in text

    rows = list(csv.DictReader(io.StringIO(csv_text(d, NY))))
    carla = next(r for r in rows if r["first_name"] == "Carla")
    assert carla["flag_replies"] == 'use: Wed 09:00 "drank again today"'

    html = page(d, NY)
    assert '<span class="flag concern">concern</span>' in html
    why = f"{FLAG_TEXT['use']}: <time>Wed 09:00</time> &ldquo;drank again today&rdquo;"
    assert why in html
