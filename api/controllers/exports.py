"""Exports of what a person may read (CSV for spreadsheets and AMU reports)."""

from __future__ import annotations

HANDLERS: list = []
