"""The staff-pages fixture (``staff_app``), shared by every web test module."""

from __future__ import annotations

from tests.helpers.staffkit import staff_app

__all__ = ["staff_app"]
