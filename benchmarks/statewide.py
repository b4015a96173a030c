"""A statewide roster for the benchmarks at state scale: N clients in G groups (a roster CSV
as clinics export it, and the NOTIFIER_GROUPS line for those groups)."""

from __future__ import annotations

from pathlib import Path

PATTERNS = (
    "mon,wed,thu 18:00-21:00",
    "tue,thu,fri 09:00-12:00",
    "mon,wed 12:00-15:00",
    "tue,thu 18:00-21:00",
    "mon,fri 09:00-12:00",
    "wed,sat 10:00-13:00",
)


def group_name(g: int) -> str:
    return f"g{g + 1:03d}"


def groups_setting(groups: int) -> str:
    """NOTIFIER_GROUPS for ``groups`` groups, meeting on six weekly patterns in turn."""
    return "; ".join(f"{group_name(g)}: {PATTERNS[g % len(PATTERNS)]}" for g in range(groups))


def phone(i: int) -> str:
    """Valid, distinct US numbers (the same as tests/helpers/harness.py's, for i < 1,000,000)."""
    return f"+1312{200 + i // 10000:03d}{i % 10000:04d}"


def write_roster(path: Path, clients: int, groups: int, start_date: str = "2026-09-01") -> Path:
    """The roster CSV: client i in group i mod ``groups``, consent given, New York time."""
    with path.open("w") as fh:
        fh.write("external_id,first_name,phone,group,start_date,end_date,timezone,consent\n")
        for i in range(clients):
            fh.write(
                f"S{i:07d},Client,{phone(i)},{group_name(i % groups)},{start_date},,"
                "America/New_York,yes\n"
            )
    return path
