"""The clock of the service. APScheduler only decides WHEN steps run; every piece of state is
in the database, so a restart, a missed run or a second replica changes nothing that matters.

Every job: ``coalesce`` (a backlog of missed runs becomes one run), ``max_instances=1`` (a slow
run is never overlapped by the next), and a misfire grace time (a run that was due while the
process was paused still happens if it is not too late).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from notifier.service import Service

MISFIRE_GRACE = 60  # seconds


def build_scheduler(
    service: Service, *, executor: BaseExecutor | None = None, start_now: datetime | None = None
) -> BackgroundScheduler:
    s = service.settings
    scheduler = BackgroundScheduler(
        timezone=UTC,
        executors={"default": executor or ThreadPoolExecutor(max_workers=6)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    first = start_now or datetime.now(UTC)

    def every(name: str, step: object, interval: timedelta, delay: timedelta) -> None:
        scheduler.add_job(
            service.job(name, step),  # type: ignore[arg-type]
            "interval",
            seconds=interval.total_seconds(),
            id=name,
            name=name,
            next_run_time=first + delay,
            replace_existing=True,
        )

    # Plan first, then send what planning made due; expiry runs on its own so stale rows are
    # marked even when sending is stuck.
    every("plan", service.plan_step, s.plan_interval, timedelta(0))
    every("dispatch", service.dispatch_step, s.dispatch_interval, timedelta(seconds=1))
    every("expire", service.expire_step, s.expire_interval, timedelta(seconds=2))
    # poll (Twilio only), reports, purge, and escalate (every minute: crisis alerts nobody
    # acknowledged in time); see Service.extra_jobs.
    for name, (step, interval) in service.extra_jobs().items():
        every(name, step, interval, timedelta(seconds=3))
    return scheduler
