"""The Textual interview (``gkassist`` without arguments).

``run_app`` is the only entry point; Textual is imported inside it, after the environment is set
up for Chinese input methods (see below), so that importing ``gkassist.ui`` stays cheap.
"""

from __future__ import annotations

import os


def prepare_environment() -> None:
    """Settings Textual reads once, at import: they must be in place before ``import textual``.

    Textual 8.2.7+ turns on the Kitty keyboard protocol's "report all keys" mode, under which
    iTerm2 (and other terminals) drop Chinese IME commits and garble long ones; without it the
    terminal delivers committed text as plain characters. A value the user set is respected.
    """
    os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")


def run_app(session: str | None = None) -> int:
    """Open the picker (or ``session`` directly) and run until the user quits."""
    prepare_environment()
    from gkassist.ui.app import GkApp

    app = GkApp(open_session=session)
    app.run()
    return app.return_code or 0
