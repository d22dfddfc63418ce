"""Shared test set-up: no test ever touches the real user data folder.

Helpers that drive the interview are in ``drive.py`` (a module, not a test), the slot values an
officer types in ``slot_values.py``.
"""

import os

# as gkassist.ui.run_app does before Textual is imported (Textual reads it once, at import)
os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def gkassist_home(tmp_path, monkeypatch):
    """Point GKASSIST_HOME at a fresh folder for each test; returns that folder."""
    home = tmp_path / "gkassist-home"
    monkeypatch.setenv("GKASSIST_HOME", str(home))
    return home


@pytest.fixture
def home(gkassist_home):
    """The test's data folder (GKASSIST_HOME)."""
    return gkassist_home
