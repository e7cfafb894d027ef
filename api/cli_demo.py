"""`hms demo seed`: a realistic synthetic history, for demos and benchmarks."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the `hms` parser."""
