"""``gkassist`` with no arguments: the interview."""

from __future__ import annotations


def run(_args: object) -> int:
    from gkassist.session import SessionError, SessionStore
    from gkassist.ui import run_app

    try:  # what killed writers left (temp files, dead locks): gone before any session is opened
        SessionStore().sweep()
    except SessionError:
        pass  # an unusable data folder: the app says so itself
    return run_app()
