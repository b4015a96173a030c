"""Examples shown under each command's ``--help`` (tests/unit/test_cli_help.py parses every
one, so an example can never drift from the options it shows)."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "db upgrade": ("notifier --env-file settings.env db upgrade",),
    "clients import": (
        "notifier clients import roster.csv",
        "notifier clients import notifier/examples/roster.csv --env-file settings.env",
    ),
    "clients list": (
        "notifier clients list --group evening",
        "notifier clients list --format json  # phones unmasked, for scripts",
    ),
    "clients discharge": ("notifier clients discharge C001",),
    "clients phase": (
        "notifier clients phase --client C001 --set step-down",
        "notifier clients phase --client C001 --set auto",
    ),
    "sessions add": (
        "notifier sessions add --client C001 --at 2026-12-07T15:00 --location 'Room 2'",
        "notifier sessions add --client C002 --at 2026-12-08T10:30 --duration 90m",
        "notifier sessions add --client C003 --at 2026-12-09T17:00 --kind family",
    ),
    "sessions cancel": (
        "notifier sessions cancel --group evening --date 2026-12-24",
        "notifier sessions cancel --id 42",
    ),
    "sessions list": (
        "notifier sessions list",
        "notifier sessions list --group morning --days 14d --format json",
    ),
    "attendance mark": (
        "notifier attendance mark --group evening --date 2026-12-07 --client C001 "
        "--status attended --by lee@clinic.example",
    ),
    "attendance list": ("notifier attendance list --group evening",),
    "tick": ("notifier tick", "notifier tick --now 2026-12-07T09:00"),
    "outbox": (
        "notifier outbox --status pending",
        "notifier outbox --client C001 --kind reminder --format json",
    ),
    "run": ("notifier --env-file settings.env run",),
    "demo": ("notifier demo", "notifier demo --keep"),
    "status": ("notifier status", "notifier status --format json"),
    "purge": ("notifier purge",),
    "check-templates": ("notifier check-templates",),
    "inbound": (
        "notifier inbound --from '(312) 555-0101' --body HELP",
        "notifier inbound --from +13125550101 --body '7' --now 2026-12-07T12:05",
    ),
    "replies": ("notifier replies --client C001", "notifier replies --category crisis"),
    "alerts": ("notifier alerts --open", "notifier alerts --format json"),
    "alerts claim": ("notifier alerts claim 12 --by lee@clinic.example",),
    "alerts outcome": (
        "notifier alerts outcome 12 --outcome reached --by lee@clinic.example",
        "notifier alerts outcome 12 --outcome called_911 --by lee@clinic.example "
        "--to 'EMS crew' --facility 'County EMS' --emergency 'overdose reported'",
    ),
    "alerts ack": ("notifier alerts ack 12 --outcome safe --by lee@clinic.example",),
    "followup": (
        "notifier followup evening",
        "notifier followup morning --format html --output morning.html",
    ),
    "keys new": ("notifier keys new",),
    "keys add": ("notifier keys add",),
    "keys rotate": ("notifier keys rotate --batch 1000",),
    "consent export": ("notifier consent export --output consent.csv",),
    "consent support-add": (
        "notifier consent support-add --client C001 --name 'Rosa Diaz' --phone +13125550142 "
        "--relationship sister --purpose 'family session reminders' --signed 2026-12-01",
    ),
    "consent support-revoke": ("notifier consent support-revoke 3",),
    "staff add": (
        "notifier staff add lee@clinic.example --name 'Lee Park' --groups evening,morning",
        "notifier staff add ana@clinic.example --name 'Ana Ruiz' --role admin",
    ),
    "staff list": ("notifier staff list",),
    "staff disable": ("notifier staff disable lee@clinic.example",),
    "staff enable": ("notifier staff enable lee@clinic.example",),
    "staff reset": ("notifier staff reset lee@clinic.example",),
    "audit export": ("notifier audit export --since 2026-12-01 --output audit.csv",),
}


def epilog(command: str) -> str | None:
    """The examples block for ``command`` ("sessions add"), or None if it has none."""
    lines = EXAMPLES.get(command)
    if not lines:
        return None
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)
