"""What ops see: logs (never a number or a text), /metrics, `notifier status`."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from notifier.cli import main
from notifier.core.logs import JsonFormatter, TextFormatter, mask_phone, setup_logging
from notifier.core.metrics import Metrics
from notifier.core.models import Client, Message, Reply
from notifier.core.settings import Settings
from notifier.demo import run_demo
from notifier.service import Service
from notifier.web import create_app, create_metrics_app
from tests.fakes.transport import FakeTransport, permanent
from tests.helpers import add_client

ROOT = Path(__file__).resolve().parents[2]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def phone_forms(e164: str) -> list[str]:
    digits = e164[2:]  # +1 and ten digits
    return [
        e164,
        digits,
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        f"{digits[3:6]}-{digits[6:]}",
    ]


def test_rule_privacy_the_whole_demo_logs_no_phone_number_and_no_body() -> None:
    logs = io.StringIO()
    setup_logging("json", "DEBUG", stream=logs)
    secrets: dict[str, list[str]] = {}

    def collect(service: Service, now: datetime, out: io.TextIOBase) -> None:
        with service.db.read() as s:
            secrets["phones"] = [c.phone for c in s.scalars(select(Client))]
            secrets["bodies"] = [m.body for m in s.scalars(select(Message)) if m.body]
            secrets["replies"] = [r.body for r in s.scalars(select(Reply))]
        secrets["phones"] += list(service.settings.oncall_numbers)

    try:
        run_demo(io.StringIO(), epilogue=collect)  # type: ignore[arg-type]
    finally:
        logging.getLogger().handlers.clear()
    lines = logs.getvalue().splitlines()
    assert len(lines) > 100  # the demo did log: sends, plans, replies
    assert all(json.loads(line) for line in lines)  # one JSON object per line
    text = "\n".join(lines)
    found = [f for p in secrets["phones"] for f in phone_forms(p) if f in text]
    assert found == []
    long_texts = [b for b in secrets["bodies"] + secrets["replies"] if len(b) >= 8]
    assert len(long_texts) > 100  # every text sent (planned ones get their words then)
    assert [b for b in long_texts if b in text] == []
    # Words only a client wrote never appear either.
    assert "rough weekend" not in text and "no puedo ir" not in text
    # What is there: masked numbers to tell sends apart.
    assert re.search(r'"to": "\+1\*+\d\d"', text)


def test_logs_are_readable_text_on_a_terminal() -> None:
    tty = _Tty()
    setup_logging("auto", "INFO", stream=tty)
    try:
        logging.getLogger("notifier.test").info(
            "sent", extra={"event": "x", "message_id": 7, "to": mask_phone("+13125550101")}
        )
    finally:
        logging.getLogger().handlers.clear()
    line = tty.getvalue().strip()
    assert "INFO" in line and "message_id=7" in line and re.search(r"to=\+1\*+01", line)
    assert not line.startswith("{")


def test_formatters_scrub_anything_shaped_like_a_number() -> None:
    record = logging.LogRecord("x", logging.INFO, "", 0, "call %s now", ("(312) 555-0101",), None)
    record.detail = "texted +13125550101"
    for formatter in (JsonFormatter(), TextFormatter()):
        out = formatter.format(record)
        assert "555-0101" not in out and "3125550101" not in out and "[number]" in out


def metric(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(want) + r"\}" if want else "") + r" (\S+)"
    m = re.search(pattern, text, re.M)
    assert m, f"{name} {labels} not in /metrics"
    return float(m.group(1))


def test_metrics_cover_messages_errors_replies_outbox_jobs_webhooks_and_alerts(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    now = datetime.now(UTC).replace(hour=17, minute=0)  # noon in New York: not quiet
    s = make_settings(database_url=database_url, checkin_days="daily", sms_backend="twilio",
                      escalation_tiers="15m: +13125550191",
                      twilio_account_sid="AC" + "1" * 32, twilio_auth_token="tok",
                      twilio_from_number="+13125550100", public_url="https://n.example.org",
                      quiet_hours="off")  # fmt: skip
    fake = FakeTransport(script=[None, permanent("21211")])
    svc = Service(s, transport=fake, clock=lambda: now, metrics=Metrics())
    add_client(svc.db, "C1", phone="+13125550101", now=now - timedelta(days=1))
    add_client(svc.db, "C2", phone="+13125550102", now=now - timedelta(days=1))
    svc.job("plan", svc.plan_step)()
    svc.job("dispatch", svc.dispatch_step)()
    app = TestClient(create_app(svc))
    form = {"MessageSid": "SM" + "a" * 32, "From": "+13125550101", "Body": "I want to die"}
    sig = RequestValidator("tok").compute_signature("https://n.example.org/twilio/inbound", form)
    assert app.post("/twilio/inbound", data=form, headers={"X-Twilio-Signature": sig}
                    ).status_code == 200  # fmt: skip
    body = TestClient(create_metrics_app(svc)).get("/metrics").text
    assert metric(body, "notifier_messages_total", kind="checkin", status="sent") >= 1
    assert metric(body, "notifier_messages_total", kind="checkin", status="failed") == 1
    assert metric(body, "notifier_send_errors_total", code="21211") == 1
    assert metric(body, "notifier_replies_total", category="crisis") == 1
    assert metric(body, "notifier_crisis_alerts_total") == 1
    assert metric(body, "notifier_messages_total", kind="alert", status="sent") == 1
    assert metric(body, "notifier_outbox_messages", status="pending") > 0
    assert metric(body, "notifier_outbox_oldest_due_age_seconds") >= 0
    assert metric(body, "notifier_job_last_success_timestamp_seconds", job="dispatch") > 0
    assert metric(body, "notifier_job_duration_seconds_count", job="plan") == 1
    assert metric(body, "notifier_webhook_latency_seconds_count", hook="inbound") == 1
    svc.close()


def test_status_summarises_outbox_jobs_clients_and_replies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "s.env"
    env.write_text(
        (ROOT / "settings.example.env")
        .read_text()
        .replace(
            "NOTIFIER_DATABASE_URL=sqlite:///notifier.db",
            f"NOTIFIER_DATABASE_URL=sqlite:///{tmp_path / 'n.db'}",
        )
    )
    run = lambda *a: main(["--env-file", str(env), *a])  # noqa: E731
    run(
        "clients",
        "import",
        str(ROOT / "notifier" / "examples" / "roster.csv"),
        "--now",
        "2026-11-01T09:00",
    )
    run("tick", "--now", "2026-11-28T12:00")
    run("inbound", "--from", "(312) 555-0105", "--body", "STOP", "--now", "2026-11-28T12:30")
    capsys.readouterr()
    assert run("status", "--now", "2026-11-28T13:00") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("notifier status: sqlite at revision")
    # Saturday noon: five check-ins (Carla's noon is 14:00 here), then Erin's STOP confirmation.
    assert "sent 6" in out and "1 opted out" in out
    assert "last received Sat 28 Nov 12:30 EST" in out
    assert "inbox     0 waiting, 0 failed" in out
    assert run("status", "--now", "2026-11-28T13:00", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outbox"]["sent"] == 6 and data["clients"]["opted_out"] == 1
    assert set(data) >= {"outbox", "next_due", "jobs", "clients", "last_reply_at"}
    assert data["inbox"] == {"waiting": 0, "failed": 0}


def test_job_runs_are_shared_through_the_database(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    from notifier.core.state import job_runs

    svc = Service(make_settings(database_url=database_url), transport=FakeTransport())

    def broken() -> None:
        raise RuntimeError("boom")

    svc.job("plan", svc.plan_step)()
    svc.job("plan", svc.plan_step)()
    svc.job("dispatch", broken)()
    runs = {r.name: r for r in job_runs(svc.db)}
    assert runs["plan"].runs == 2 and runs["plan"].last_success is not None
    assert runs["dispatch"].failures == 1 and runs["dispatch"].last_error == "RuntimeError"
    svc.close()
