"""Every time a person reads is program-local with its zone; machines get ISO 8601."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from notifier.core import output

NY = ZoneInfo("America/New_York")


def test_local_time_names_the_zone_in_winter_and_summer() -> None:
    assert output.local_time(datetime(2026, 12, 7, 23, 0, tzinfo=UTC), NY) == "Mon 7 Dec 18:00 EST"
    assert output.local_time(datetime(2026, 7, 6, 22, 0, tzinfo=UTC), NY) == "Mon 6 Jul 18:00 EDT"
    phoenix = ZoneInfo("America/Phoenix")
    assert output.local_time(datetime(2026, 12, 7, 23, 0, tzinfo=UTC), phoenix) == (
        "Mon 7 Dec 16:00 MST"
    )


def test_local_time_without_a_zone_keeps_the_values_own() -> None:
    assert output.local_time(datetime(2026, 12, 7, 23, 0, tzinfo=UTC)) == "Mon 7 Dec 23:00 UTC"
    assert output.local_time(datetime(2026, 12, 7, 23, 0)) == "Mon 7 Dec 23:00 UTC"  # stored UTC


def test_tables_show_local_times_json_and_csv_stay_iso() -> None:
    rows = [{"id": 1, "due_at": datetime(2026, 12, 7, 23, 0, tzinfo=UTC)}]
    assert "Mon 7 Dec 18:00 EST" in output.table(rows, ["id", "due_at"], tz=NY)
    assert json.loads(output.dumps(rows))[0]["due_at"] == "2026-12-07T23:00:00+00:00"
    assert "2026-12-07T23:00:00+00:00" in output.csv_text(rows, ["id", "due_at"])
