"""The suite's own guard: a test that writes to the real data folder makes the run fail."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

LEAKY = '''
import os
from pathlib import Path


def test_isolated(gkassist_home):
    from gkassist.session import SessionStore

    SessionStore().create({"meta.agency": "某县某局"}).close()
    assert (gkassist_home / "sessions").is_dir()


def test_leaks():
    # what an unisolated test would do: write where the user's GKASSIST_HOME points
    folder = Path(os.environ["SHELL_HOME"]) / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leaked.json").write_text("{}")
'''


@pytest.mark.slow
def test_a_test_writing_to_the_real_data_folder_fails_the_run(pytester, monkeypatch, tmp_path):
    shell_home = tmp_path / "shell-home"  # the GKASSIST_HOME of the person running the tests
    monkeypatch.setenv("GKASSIST_HOME", str(shell_home))
    monkeypatch.setenv("SHELL_HOME", str(shell_home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs' folder, on Linux
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_leaky=LEAKY)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*test_leaks*", "*this test wrote to the real data folder*leaked.json*"])
    assert not (tmp_path / "xdg").exists(), "the isolated test stayed in its own folder"
