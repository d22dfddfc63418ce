"""Shared test set-up: no test ever touches the real user data folder."""

import pytest


@pytest.fixture(autouse=True)
def gkassist_home(tmp_path, monkeypatch):
    """Point GKASSIST_HOME at a fresh folder for each test; returns that folder."""
    home = tmp_path / "gkassist-home"
    monkeypatch.setenv("GKASSIST_HOME", str(home))
    return home
