"""``gkassist`` with no arguments: the interview."""

from __future__ import annotations

import contextlib


def run(_args: object) -> int:
    from gkassist.session import SessionError, SessionStore
    from gkassist.ui import run_app

    # what killed writers left (temp files, dead locks) goes before any session is opened; an
    # unusable data folder is the app's to report
    with contextlib.suppress(SessionError):
        SessionStore().sweep()
    return run_app()
