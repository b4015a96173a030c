"""/healthz and /readyz."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from notifier.core.db import Database
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.web import create_app
from tests.conftest import TEST_CRYPTO


def test_healthz_and_readyz_on_a_migrated_database(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    svc = Service(make_settings(database_url=database_url))
    client = TestClient(create_app(svc))
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    svc.close()


def test_readyz_is_503_when_not_migrated(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    svc = Service(make_settings(database_url=url), database=Database(url, crypto=TEST_CRYPTO))
    client = TestClient(create_app(svc))
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["detail"] == "database not migrated"
    svc.close()


def test_readyz_is_503_when_the_database_is_unreachable(
    make_settings: Callable[..., Settings],
) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"
    svc = Service(make_settings(database_url=url), database=Database(url, crypto=TEST_CRYPTO))
    client = TestClient(create_app(svc))
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["detail"] == "database unreachable"
    svc.close()
