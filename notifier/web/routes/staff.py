"""The staff pages' start: ``GET /``, the groups the signed-in person may open, each with its
next meeting and how many clients carry each follow-up flag (from ``service.followup``).

Group and client pages (``/groups/{group}``, ``/clients/{external_id}``) build on the
dependencies in ``notifier.web.deps`` (``CurrentStaff``, ``GroupAccess``, ``ClientAccess``,
``CsrfForm``) and extend ``base.html``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from notifier.followup.digest import FLAGS, NoSession
from notifier.service import Service
from notifier.staff import audit
from notifier.staff.accounts import may_see_group, visible_groups
from notifier.web import views
from notifier.web.deps import CurrentStaff, address_of, get_service, now_of
from notifier.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages, not an API


@dataclass
class GroupSummary:
    name: str
    session_start: datetime | None
    location: str | None
    clients: int = 0
    flags: dict[str, int] = field(default_factory=dict)


def summaries(service: Service, groups: tuple[str, ...], now: datetime) -> list[GroupSummary]:
    found = []
    for name in groups:
        try:
            digest = service.followup(name, now)
        except NoSession:
            found.append(GroupSummary(name, None, None))
            continue
        counts = Counter(flag for c in digest.clients for flag in c.flags)
        found.append(
            GroupSummary(
                name,
                digest.session_start.astimezone(service.settings.timezone),
                digest.location,
                len(digest.clients),
                {f: counts[f] for f in FLAGS if counts[f]},
            )
        )
    return found


@router.get("/")
def home(request: Request, staff: CurrentStaff) -> Response:
    service = get_service(request)
    now = now_of(request)
    names = visible_groups(staff.role, staff.groups, service.settings)
    audit.record(service.db, action="view_home", staff_id=staff.staff_id, now=now,
                 address=address_of(request))  # fmt: skip
    from notifier.web.routes.pages import open_alert_counts

    context = {
        "groups": summaries(service, names, now),
        "flags": FLAGS,
        # Alerts from numbers on no client's record have no group: an admin's only.
        "alerts": open_alert_counts(
            service, names, now, may_see_group(staff.role, staff.groups, None)
        ),
        # Someone keeping an account locked out shows here, for admins only.
        "lockouts": audit.lockouts(service.db, now)
        if may_see_group(staff.role, staff.groups, None)
        else [],
        "tz": service.settings.timezone,
        "when": lambda t: views.when(t, service.settings.timezone),
    }
    return render(request, "home.html", context)
