"""Shared test set-up: no test ever touches the real user data folder; the helpers tests share.

Test modules never import one another: what two modules need is a fixture here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_REPORT = FIXTURES / "hongjiang-kjgxj-2024.txt"  # the published sample, copied byte for byte
REVIEW_HEADING = "五、存在的主要问题及改进情况"


# --- the data folder: each test its own, the real one never touched --------------------------------

# The data folders of the person running the tests, as they were before any test ran: the
# platform's (platformdirs) and a GKASSIST_HOME set in their shell.
REAL_DATA_FOLDERS = tuple(
    dict.fromkeys(
        [Path(platformdirs.user_data_dir("gkassist", appauthor=False))]
        + ([Path(os.environ["GKASSIST_HOME"]).expanduser()] if os.environ.get("GKASSIST_HOME") else [])
    )
)


def _snapshot(folders: tuple[Path, ...]) -> dict[str, tuple[int, int] | None]:
    """Every file under ``folders`` with its size and modification time; a missing folder as None."""
    out: dict[str, tuple[int, int] | None] = {}
    for folder in folders:
        if not folder.exists():
            out[str(folder)] = None
            continue
        for root, _dirs, files in os.walk(folder):
            out[root] = (0, 0)
            for name in files:
                path = os.path.join(root, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                out[path] = (st.st_size, st.st_mtime_ns)
    return out


def _changes(before: dict, after: dict) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p, "absent") != after.get(p, "absent"))


@pytest.fixture(scope="session", autouse=True)
def real_data_folder_untouched():
    """Fails the run if anything (a test, a thread or process it left behind) wrote to the real
    data folder; ``gkassist_home`` below names the test when it happens during one."""
    before = _snapshot(REAL_DATA_FOLDERS)
    yield
    changed = _changes(before, _snapshot(REAL_DATA_FOLDERS))
    assert not changed, f"the tests wrote to the real data folder: {changed}"


@pytest.fixture(autouse=True)
def gkassist_home(tmp_path, monkeypatch):
    """Point GKASSIST_HOME at a fresh folder for each test; returns that folder."""
    home = tmp_path / "gkassist-home"
    before = _snapshot(REAL_DATA_FOLDERS)
    monkeypatch.setenv("GKASSIST_HOME", str(home))
    yield home
    changed = _changes(before, _snapshot(REAL_DATA_FOLDERS))
    assert not changed, f"this test wrote to the real data folder: {changed}"


# --- the published sample as text, and variants of it made by changing printed cells -----------


def _set_row(text: str, label: str, values: list) -> str:
    """Replace the cells printed after the row label ``label`` (one cell per line, as scraped)."""
    lines = text.split("\n")
    i = lines.index(f"{label} |")
    for k, value in enumerate(values):
        assert lines[i + 1 + k].endswith("|") and not lines[i + 1 + k].startswith("|"), lines[i + 1 + k]
        lines[i + 1 + k] = f"{value} |"
    return "\n".join(lines)


def _set_review(text: str, values: list) -> str:
    """Replace table 四's one row of 15 numbers (the 15 cell lines before section 五)."""
    assert len(values) == 15
    lines = text.split("\n")
    end = lines.index(REVIEW_HEADING)
    for k, value in enumerate(values):
        lines[end - 15 + k] = f"{value} |"
    return "\n".join(lines)


def _fix_structure(text: str) -> str:
    """The sample's real fault (S1), corrected: 其他需要报告的事项 as section 六."""
    return text.replace("(三)其他需要报告的事项", "六、其他需要报告的事项")


def _consistent_text(text: str | None = None) -> str:
    """The sample (or ``text``) with non-zero numbers that satisfy every identity of the format."""
    t = _fix_structure(SAMPLE_REPORT.read_text(encoding="utf-8") if text is None else text)
    t = _set_row(t, "行政规范性文件", [2, 1, 5])
    t = _set_row(t, "行政许可", [12])
    t = _set_row(t, "行政处罚", [3])
    t = _set_row(t, "行政事业性收费", ["2.55"])
    t = _set_row(t, "一、本年新收政府信息公开申请数量", [3, 1, 0, 0, 0, 0, 4])
    t = _set_row(t, "二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1])
    t = _set_row(t, "(一)予以公开", [2, 1, 0, 0, 0, 0, 3])
    t = _set_row(t, "1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1])
    t = _set_row(t, "(七)总计", [3, 1, 0, 0, 0, 0, 4])
    t = _set_row(t, "四、结转下年度继续办理", [1, 0, 0, 0, 0, 0, 1])
    return _set_review(t, [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])


@pytest.fixture(scope="session")
def sample_report() -> Path:
    """The published sample report (scraped text, one cell per line)."""
    return SAMPLE_REPORT


@pytest.fixture(scope="session")
def set_row() -> Callable[[str, str, list], str]:
    """``set_row(text, label, values)``: the report text with that row's printed cells replaced."""
    return _set_row


@pytest.fixture(scope="session")
def set_review() -> Callable[[str, list], str]:
    """``set_review(text, values)``: the report text with table 四's 15 numbers replaced."""
    return _set_review


@pytest.fixture(scope="session")
def fix_structure() -> Callable[[str], str]:
    return _fix_structure


@pytest.fixture(scope="session")
def consistent_text() -> Callable[..., str]:
    """``consistent_text(text=sample)``: a published report whose non-zero numbers all balance."""
    return _consistent_text
