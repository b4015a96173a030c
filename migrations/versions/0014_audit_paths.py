"""audit trail: no record numbers in audit_events.detail

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

Until now ``view_client`` and ``access_denied`` rows stored the request path as typed
(``GET /clients/C002``, ``POST /clients/C002/alerts/3``): a record number in clear, in rows
that are never purged, beside the row's group and time. The rows already carry the client's
row id (``client_id``) where there was a client, so the path segment adds nothing but the leak:
it is rewritten to the route's template (``GET /clients/{external_id}``). A typed path that
named no client is rewritten the same way (what was typed is not kept).

Reads the matching rows in batches of 500; running it again changes nothing (a rewritten
detail rewrites to itself). Needs no key (nothing encrypted is read). Downgrade leaves the rows
as they are: what was removed is not put back.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PREFIX = re.compile(r"^([A-Z]+) /clients/([^/?#]*)(.*)$", re.DOTALL)
TEMPLATE = "{external_id}"
BATCH = 500


def rewritten(detail: str) -> str:
    """``GET /clients/C002/phone`` -> ``GET /clients/{external_id}/phone``; anything after the
    client segment is kept only when it is a known sub-route (alerts/N, phone, text)."""
    found = PREFIX.match(detail)
    if found is None:
        return detail
    method, _, rest = found.groups()
    if not re.fullmatch(r"(/phone|/text|/alerts/\d{1,12})?", rest):
        rest = ""
    return f"{method} /clients/{TEMPLATE}{rest}"


def upgrade() -> None:
    bind = op.get_bind()
    audit = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("detail", sa.String(200))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(audit.c.id, audit.c.detail)
            .where(audit.c.id > last, audit.c.detail.like("% /clients/%"))
            .order_by(audit.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row_id, detail in rows:
            new = rewritten(detail)
            if new != detail:
                bind.execute(sa.update(audit).where(audit.c.id == row_id).values(detail=new))
        last = rows[-1][0]


def downgrade() -> None:
    pass  # what was removed is not put back
