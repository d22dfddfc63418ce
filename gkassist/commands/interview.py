"""``gkassist`` with no arguments: the interview."""

from __future__ import annotations


def run(_args: object) -> int:
    from gkassist.ui import run_app

    return run_app()
