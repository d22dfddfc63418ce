"""Where rules/ and prompts/ are found: inside an installed package, or beside it in a checkout
(an editable install, which is what the test command makes). test_install.py proves the wheel."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

import gkassist
from gkassist import paths, resources

CHECKOUT = Path(__file__).resolve().parent.parent


def test_a_checkout_finds_the_folders_beside_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(resources.resources, "files", lambda package: tmp_path)  # nothing packaged
    assert resources.rules_dir() == CHECKOUT / "rules"
    assert resources.prompts_dir() == CHECKOUT / "prompts"


def test_this_editable_install_uses_the_checkouts_folders():
    if CHECKOUT not in Path(gkassist.__file__).resolve().parents:
        pytest.skip("gkassist is installed from elsewhere, not from this checkout")
    assert not (Path(gkassist.__file__).parent / "rules").exists()
    assert resources.rules_dir() == CHECKOUT / "rules"


def test_an_installed_package_uses_its_own_folders(monkeypatch, tmp_path):
    (tmp_path / "rules").mkdir()
    monkeypatch.setattr(resources.resources, "files", lambda package: tmp_path)
    assert resources.rules_dir() == tmp_path / "rules"


def test_an_incomplete_install_says_to_reinstall(monkeypatch, tmp_path):
    monkeypatch.setattr(resources.resources, "files", lambda package: tmp_path)
    monkeypatch.setattr(gkassist, "__file__", str(tmp_path / "site-packages" / "gkassist" / "__init__.py"))
    with pytest.raises(FileNotFoundError, match="重新安装"):
        resources.data_dir("rules")


def test_without_gkassist_home_the_platforms_data_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("GKASSIST_HOME")
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "platform"))
    assert paths.sessions_dir() == tmp_path / "platform" / "sessions"
    assert paths.log_dir().is_dir()
