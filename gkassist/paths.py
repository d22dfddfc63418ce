"""The user's data folder: sessions, logs. ``GKASSIST_HOME`` overrides it (tests, portable use)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    override = os.environ.get("GKASSIST_HOME")
    root = Path(override).expanduser() if override else Path(platformdirs.user_data_dir("gkassist", appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def sessions_dir() -> Path:
    d = home() / "sessions"
    d.mkdir(parents=True, exist_ok=True)
    return d


def log_dir() -> Path:
    d = home() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    return d
