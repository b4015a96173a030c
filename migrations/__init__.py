"""Alembic migrations for notifier (run with `notifier db upgrade`)."""
