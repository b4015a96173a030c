"""jobs/ wiring under freezegun: advance the clock, the right jobs run, once each."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.executors.debug import DebugExecutor
from freezegun import freeze_time

from jobs import build_scheduler
from notifier.core.settings import Settings
from notifier.service import JobRun, Service

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


class CountingService(Service):
    """The real Service.job wrapper around steps that only count (no database needed)."""

    def __init__(self, settings: Settings, fail: set[str] | None = None) -> None:
        self.settings = settings
        self.metrics = None
        self.jobs: dict[str, JobRun] = {}
        self.ran: Counter[str] = Counter()
        self.fail = fail or set()
        self.changed = threading.Condition()

    def _step(self, name: str) -> None:
        with self.changed:
            self.ran[name] += 1
            self.changed.notify_all()
        if name in self.fail:
            raise RuntimeError(f"{name} broke")

    def plan_step(self, now: datetime | None = None) -> None:  # type: ignore[override]
        self._step("plan")

    def dispatch_step(self, now: datetime | None = None) -> None:  # type: ignore[override]
        self._step("dispatch")

    def expire_step(self, now: datetime | None = None) -> None:  # type: ignore[override]
        self._step("expire")

    def extra_jobs(self) -> dict[str, tuple[Callable[[], object], timedelta]]:
        return {}  # the optional jobs are checked on their own below

    def wait_for(self, expected: dict[str, int]) -> Counter[str]:
        # Bounded by a count of real waits, not by the clock: freezegun stops time.monotonic.
        with self.changed:
            for _ in range(100):
                if all(self.ran[k] >= v for k, v in expected.items()):
                    break
                self.changed.wait(0.1)
        time.sleep(0.05)  # let any (wrong) extra run show up before we compare
        return Counter(self.ran)


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(plan_interval="5m", dispatch_interval="5s", expire_interval="1m")


def test_jobs_are_coalesced_single_instance_with_misfire_grace(settings: Settings) -> None:
    svc = CountingService(settings)
    sched = build_scheduler(svc, executor=DebugExecutor(), start_now=T0)
    sched.start(paused=True)  # job defaults are applied when the scheduler starts
    try:
        for job in sched.get_jobs():
            assert job.coalesce is True and job.max_instances == 1
            assert job.misfire_grace_time == 60
        assert {j.id for j in sched.get_jobs()} == {"plan", "dispatch", "expire"}
    finally:
        sched.shutdown(wait=False)


def test_advancing_the_clock_runs_the_right_jobs_once(settings: Settings) -> None:
    with freeze_time(T0) as clock:
        svc = CountingService(settings)
        sched = build_scheduler(svc, executor=DebugExecutor(), start_now=T0)
        sched.start()
        try:
            assert svc.wait_for({"plan": 1}) == Counter(plan=1)
            clock.move_to(T0 + timedelta(seconds=1))
            sched.wakeup()
            assert svc.wait_for({"dispatch": 1}) == Counter(plan=1, dispatch=1)
            clock.move_to(T0 + timedelta(seconds=2))
            sched.wakeup()
            assert svc.wait_for({"expire": 1}) == Counter(plan=1, dispatch=1, expire=1)
            # Ten minutes pass at once (a paused process): every job runs once, not once per
            # missed interval (coalesce), and planning catches up in a single run.
            clock.move_to(T0 + timedelta(minutes=10, seconds=2))
            sched.wakeup()
            ran = svc.wait_for({"plan": 2, "dispatch": 2, "expire": 2})
            assert ran == Counter(plan=2, dispatch=2, expire=2)
        finally:
            sched.shutdown(wait=True)


def test_a_job_that_raises_is_logged_and_the_scheduler_keeps_running(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with freeze_time(T0) as clock:
        svc = CountingService(settings, fail={"dispatch"})
        sched = build_scheduler(svc, executor=DebugExecutor(), start_now=T0)
        sched.start()
        try:
            clock.move_to(T0 + timedelta(seconds=1))
            sched.wakeup()
            svc.wait_for({"dispatch": 1})
            clock.move_to(T0 + timedelta(seconds=7))
            sched.wakeup()
            ran = svc.wait_for({"dispatch": 2})
            assert ran["dispatch"] == 2  # ran again at its next interval
            assert sched.running
        finally:
            sched.shutdown(wait=True)
    assert svc.jobs["dispatch"].failures == 2 and svc.jobs["dispatch"].last_error == "RuntimeError"
    assert any(
        r.getMessage() == "job failed" and getattr(r, "job", "") == "dispatch"
        for r in caplog.records
    )


def test_optional_jobs_follow_the_settings(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    console = Service(make_settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"))
    assert set(console.extra_jobs()) == {"purge", "escalate"}
    twilio = Service(
        make_settings(
            database_url=f"sqlite:///{tmp_path / 'b.db'}",
            sms_backend="twilio",
            escalation_tiers="15m: +13125550191",
            twilio_account_sid="AC" + "1" * 32,
            twilio_auth_token="t",
            twilio_from_number="+13125550100",
            public_url="https://n.example.org",
            reports_dir=str(tmp_path / "reports"),
        )
    )
    jobs = twilio.extra_jobs()
    assert set(jobs) == {"poll", "reports", "purge", "escalate"}
    assert jobs["escalate"][1] == timedelta(minutes=1)
    assert jobs["poll"][1] == timedelta(minutes=1)
    sched = build_scheduler(twilio, executor=DebugExecutor(), start_now=T0)
    assert {j.id for j in sched.get_jobs()} == {
        "plan",
        "dispatch",
        "expire",
        "poll",
        "reports",
        "purge",
        "escalate",
    }
    console.close()
    twilio.close()
