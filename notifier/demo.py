"""`notifier demo`: a simulated fortnight on a temporary SQLite database, in seconds.

The example roster (six clients in two groups, one in Arizona, which keeps no DST, one who
texts in Spanish) goes through two weeks that cross the US fall-back change on Sun 1 Nov 2026.
Simulated time jumps from one due message to the next, running the real planner, dispatcher
and console transport at each instant. Staff actions and client replies are scripted.
The timeline shows names and kinds, never numbers.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from notifier.core.crypto import new_key
from notifier.core.models import Appointment, Client, Message
from notifier.core.settings import Settings
from notifier.followup.attendance import mark
from notifier.roster.appointments import cancel
from notifier.roster.clients import discharge, import_roster
from notifier.service import Service

PROGRAM_TZ = ZoneInfo("America/New_York")
START = datetime(2026, 10, 26, 0, 0, tzinfo=PROGRAM_TZ)
DAYS = 14
PLAN_EVERY = timedelta(hours=6)


def demo_settings(database_url: str) -> Settings:
    # Validated from a dict, not built from the environment: the demo is the same everywhere.
    return Settings.model_validate(
        dict(
            database_url=database_url,
            encryption_keys=new_key(),  # a throwaway key for a throwaway database
            sms_backend="console",
            timezone="America/New_York",
            groups="evening: mon,wed,thu 18:00-21:00 @ Suite 200; morning: tue,thu,fri 09:00-12:00",
            reminder_offsets="24h,2h",
            checkin_days="non-session",
            checkin_time="12:00",
            quiet_hours="21:00-08:00",
            skip_dates="2026-11-03",
            oncall_numbers="(312) 555-0190",
            program_phone="(312) 555-0100",
            plan_horizon="8d",
            send_concurrency=4,
            max_send_rate=0,
            log_format="text",
            log_level="WARNING",
        )
    )


@dataclass
class Scripted:
    at: datetime
    label: str
    action: Callable[[Service, datetime], str]


def staff_script() -> list[Scripted]:
    def cancel_thursday(svc: Service, now: datetime) -> str:
        cancel(svc.db, svc.settings, now, group="evening", day=date(2026, 10, 29))
        return "staff cancel Thu 29 Oct evening group (pending reminders canceled)"

    def discharge_frank(svc: Service, now: datetime) -> str:
        n = discharge(svc.db, "C006", now)
        return f"staff discharge Frank ({n} pending texts canceled)"

    def take_attendance(svc: Service, now: datetime) -> str:
        marks = {
            "C001": ("attended", "late", "attended"),
            "C002": ("attended", "absent", "absent"),
            "C003": ("attended", "excused", "attended"),
        }
        days = (date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 5))
        for client, statuses in marks.items():
            for day, status in zip(days, statuses, strict=True):
                mark(svc.db, group="evening", day=day, external_id=client, status=status,
                     now=now, settings=svc.settings)  # fmt: skip
        return "staff mark attendance for the evening group's meetings of 2, 4 and 5 Nov"

    return [
        Scripted(datetime(2026, 10, 27, 10, 0, tzinfo=PROGRAM_TZ), "cancel", cancel_thursday),
        Scripted(datetime(2026, 11, 5, 13, 0, tzinfo=PROGRAM_TZ), "discharge", discharge_frank),
        Scripted(datetime(2026, 11, 5, 19, 0, tzinfo=PROGRAM_TZ), "attendance", take_attendance),
    ]


PHONES = {
    "Ana": "(312) 555-0101", "Ben": "(312) 555-0102", "Carla": "(602) 555-0103",
    "Dev": "(312) 555-0104", "Erin": "(312) 555-0105", "Frank": "(312) 555-0106",
}  # fmt: skip

# (local time in New York, who, what they text back)
REPLIES: list[tuple[datetime, str, str]] = [
    (datetime(2026, 10, 26, 16, 10, tzinfo=PROGRAM_TZ), "Ana", "1"),
    (datetime(2026, 10, 26, 16, 30, tzinfo=PROGRAM_TZ), "Carla", "si, ahi estare"),
    (datetime(2026, 10, 27, 12, 20, tzinfo=PROGRAM_TZ), "Ana", "3"),
    (datetime(2026, 10, 27, 12, 45, tzinfo=PROGRAM_TZ), "Ben", "5"),
    (datetime(2026, 10, 30, 12, 15, tzinfo=PROGRAM_TZ), "Ana", "4"),
    (datetime(2026, 10, 31, 12, 30, tzinfo=PROGRAM_TZ), "Ana", "like a 6"),
    (datetime(2026, 10, 31, 13, 0, tzinfo=PROGRAM_TZ), "Frank", "2"),
    (datetime(2026, 11, 1, 12, 5, tzinfo=PROGRAM_TZ), "Ana", "7/10"),
    (datetime(2026, 11, 1, 18, 20, tzinfo=PROGRAM_TZ), "Ana", "see you there"),
    (datetime(2026, 11, 4, 12, 5, tzinfo=PROGRAM_TZ), "Erin", "STOP"),
    (datetime(2026, 11, 6, 12, 10, tzinfo=PROGRAM_TZ), "Ana", "8"),
    (datetime(2026, 11, 6, 12, 40, tzinfo=PROGRAM_TZ), "Ana", "rough weekend coming, family stuff"),
    (datetime(2026, 11, 7, 9, 30, tzinfo=PROGRAM_TZ), "Dev", "HELP"),
    (datetime(2026, 11, 7, 12, 15, tzinfo=PROGRAM_TZ), "Ana", "9 honestly"),
    (
        datetime(2026, 11, 7, 23, 10, tzinfo=PROGRAM_TZ),
        "Ben",
        "i dont want to be here anymore, i want to die",
    ),
    (
        datetime(2026, 11, 8, 10, 15, tzinfo=PROGRAM_TZ),
        "Dev",
        "slipped last night, had a few drinks. can someone call me monday",
    ),
    (datetime(2026, 11, 8, 18, 30, tzinfo=PROGRAM_TZ), "Carla", "no puedo ir el lunes"),
    (
        datetime(2026, 11, 8, 20, 5, tzinfo=PROGRAM_TZ),
        "Carla",
        "la verdad ya no le veo sentido a nada",
    ),
]


def reply_script() -> list[Scripted]:
    def make(who: str, body: str) -> Callable[[Service, datetime], str]:
        def act(svc: Service, now: datetime) -> str:
            r = svc.receive(from_phone=PHONES[who], body=body, now=now, source="demo")
            score = f" {r.score}" if r.score is not None else ""
            answered = f"; sent back: {', '.join(r.queued)}" if r.queued else ""
            signals = f" [{', '.join(r.signals)}]" if r.signals else ""
            return f'{who} replies "{body}" -> {r.category}{score}{signals}{answered}'

        return act

    return [Scripted(at, "reply", make(who, body)) for at, who, body in REPLIES]


def print_followups(svc: Service, now: datetime, out: TextIO) -> None:
    from notifier.followup.render import table

    for group in ("evening", "morning"):
        out.write("\n" + table(svc.followup(group, now), PROGRAM_TZ) + "\n")


def run_demo(
    out: TextIO,
    *,
    keep: bool = False,
    days: int = DAYS,
    extra_script: list[Scripted] | None = None,
    epilogue: Callable[[Service, datetime, TextIO], None] | None = None,
) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="notifier-demo-"))
    url = f"sqlite:///{workdir / 'demo.db'}"
    settings = demo_settings(url)
    now_box = [START.astimezone(UTC)]
    service = Service(settings, clock=lambda: now_box[0], worker_id="demo")
    try:
        roster = resources.files("notifier") / "examples" / "roster.csv"
        with resources.as_file(roster) as roster_path:
            import_roster(service.db, roster_path, settings, now_box[0])
        script = staff_script() + reply_script() + (extra_script or [])
        _simulate(service, now_box, days, out, script)
        _summary(service, out)
        (epilogue or print_followups)(service, now_box[0], out)
    finally:
        service.close()
        if keep:
            out.write(f"\n(database kept at {workdir / 'demo.db'})\n")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _simulate(
    service: Service, now_box: list[datetime], days: int, out: TextIO, script: list[Scripted]
) -> None:
    end = (START + timedelta(days=days)).astimezone(UTC)
    pending_script = sorted(script, key=lambda e: e.at)
    notes: list[tuple[datetime, str]] = []
    out.write(
        f"notifier demo: a simulated fortnight, {START:%a %d %b} to "
        f"{(START + timedelta(days=days - 1)):%a %d %b %Y} (US clocks fall back Sun 1 Nov)\n"
        "program zone America/New_York; quiet hours 21:00-08:00 in each client's zone; "
        "closed Tue 3 Nov\n"
        "groups: evening Mon/Wed/Thu 18:00 @ Suite 200; morning Tue/Thu/Fri 09:00\n"
        "clients: Ana, Ben, Carla (Phoenix, no DST; Spanish) in evening; Dev, Erin (from Thu 29 "
        "Oct), Frank in morning\n"
    )
    next_plan = now_box[0]
    t = now_box[0]
    while t < end:
        now_box[0] = t
        while pending_script and pending_script[0].at.astimezone(UTC) <= t:
            event = pending_script.pop(0)
            notes.append((t, event.action(service, t)))
        if t >= next_plan:
            service.plan_step(t)
            next_plan = t + PLAN_EVERY
        service.dispatcher.drain(t)
        t = min(
            x
            for x in (
                _next_due(service, t),
                next_plan,
                end,
                pending_script[0].at.astimezone(UTC) if pending_script else end,
            )
            if x > t
        )
    now_box[0] = end
    _timeline(service, START.astimezone(UTC), end, notes, out)


def _next_due(service: Service, t: datetime) -> datetime:
    with service.db.session() as s:
        due = s.scalar(
            select(func.min(Message.due_at)).where(Message.status == "pending", Message.due_at > t)
        )
    return due or t + timedelta(days=365)


def _timeline(
    service: Service, start: datetime, end: datetime, notes: list[tuple[datetime, str]], out: TextIO
) -> None:
    with service.db.session() as s:
        rows = s.execute(
            select(Message, Client, Appointment)
            .outerjoin(Client, Client.id == Message.client_id)
            .outerjoin(Appointment, Appointment.id == Message.session_id)
            .where(Message.due_at >= start, Message.due_at < end)
        ).all()
    events: list[tuple[datetime, str]] = [
        (t, f"  {t.astimezone(PROGRAM_TZ):%H:%M}  ** {text}") for t, text in notes
    ]
    for m, c, a in rows:
        when = m.sent_at or m.due_at
        name = c.first_name if c else "?"
        local_note = ""
        if c and c.timezone != PROGRAM_TZ.key:
            local_note = f" ({when.astimezone(ZoneInfo(c.timezone)):%H:%M} her time)"
        if m.kind == "reminder" and a is not None:
            what = (
                f"reminder {m.label:<4} {name:<6} for {a.group_name or 'individual'} "
                f"{a.starts_at.astimezone(PROGRAM_TZ):%a %H:%M}"
            )
        elif m.kind == "checkin":
            what = f"check-in      {name:<6} ({m.label})"
        elif m.kind == "alert":
            what = f"ALERT to on-call about {name}"
        else:
            what = f"reply         {name:<6} ({m.label})"
        status = "" if m.status in ("sent", "delivered") else f"  [{m.status}: {m.reason}]"
        if m.status == "canceled" and m.reason in ("replanned", "opted_out"):
            continue  # superseded plans are noise in a timeline
        events.append((when, f"  {when.astimezone(PROGRAM_TZ):%H:%M}  {what}{local_note}{status}"))
    events.sort(key=lambda e: e[0])
    day = None
    for when, line in events:
        local_day = when.astimezone(PROGRAM_TZ).date()
        if local_day != day:
            day = local_day
            dst = " (clocks fell back at 02:00)" if local_day == date(2026, 11, 1) else ""
            out.write(f"\n{local_day:%a %d %b}{dst}\n")
        out.write(line + "\n")


def _summary(service: Service, out: TextIO) -> None:
    with service.db.session() as s:
        rows = s.execute(
            select(Message.kind, Message.status, func.count()).group_by(
                Message.kind, Message.status
            )
        ).all()
    counts: Counter[tuple[str, str]] = Counter({(k, st): n for k, st, n in rows})
    kinds = sorted({k for k, _ in counts})
    statuses = sorted({st for _, st in counts})
    out.write("\nmessages by kind and status (pending ones are planned for after the fortnight)\n")
    out.write(
        "  " + "kind".ljust(10) + "".join(st.rjust(10) for st in statuses) + "total".rjust(8) + "\n"
    )
    for k in kinds:
        total = sum(counts[(k, st)] for st in statuses)
        out.write(
            "  "
            + k.ljust(10)
            + "".join(str(counts[(k, st)]).rjust(10) for st in statuses)
            + str(total).rjust(8)
            + "\n"
        )
