"""APScheduler wiring: which loop step runs when. Nothing else lives here."""

from jobs.scheduler import build_scheduler

__all__ = ["build_scheduler"]
