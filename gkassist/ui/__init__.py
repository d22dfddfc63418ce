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
    terminal delivers committed text as plain characters.

    Frames at up to 120 a second rather than Textual's 60: a screen's update timer, resumed after
    a pause, ticks on a grid of frame periods and may skip one, so an answer's changes waited up to
    two periods (33 ms at 60) behind a frame just drawn (a cursor blink): a third of the answers
    over 25 ms, p95 26–31 ms. At 120 the wait is at most about 17 ms (p95 12–15 ms); a frame is
    still drawn only when something changed, so an interview costs no more CPU
    (docs/performance.md). ``TEXTUAL_FPS`` is one of Textual's documented environment constants.
    A value the user set is respected for both.
    """
    os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
    os.environ.setdefault("TEXTUAL_FPS", "120")


def run_app(session: str | None = None) -> int:
    """Open the picker (or ``session`` directly) and run until the user quits."""
    prepare_environment()
    from gkassist.ui.app import GkApp

    app = GkApp(open_session=session)
    app.run()
    return app.return_code or 0
