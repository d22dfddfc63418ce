"""Shared test set-up: no test ever touches the real user data folder; the helpers tests share.

Test modules never import one another: what two modules need is a fixture here.
"""

from __future__ import annotations

import json
import os

# as gkassist.ui.run_app does before Textual is imported (Textual reads it once, at import)
os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import platformdirs
import pytest
import yaml

from gkassist.answers import from_json
from gkassist.form import FORM

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_REPORT = FIXTURES / "hongjiang-kjgxj-2024.txt"  # the published sample, copied byte for byte
SAMPLE_SESSION = FIXTURES / "hongjiang-2024.session.json"  # the same report as a session
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


# --- both rule engines, side by side ------------------------------------------------------------------

try:
    from gkassist.engine import durable as _durable_engine
except ImportError:  # durable-rules not installed, or not loadable on this Python: Python evaluator only
    _durable_engine = None


def _finding_tuple(f) -> tuple:
    return (f.code, f.severity, f.fields, f.message, f.section, f.kind, sorted(f.numbers.items(), key=str))


@pytest.fixture(autouse=True)
def both_engines_agree(monkeypatch):
    """Wherever both evaluators import, every check a test makes without naming an engine runs on
    durable-rules and on the Python evaluator, and they must fire the same rule cases on the same
    facts and give the same findings (messages and numbers included). So every rules test is a
    differential test too (issue 15); a test that names an engine gets that one alone."""
    if _durable_engine is None:
        yield
        return
    from gkassist import engine
    from gkassist.engine.base import Evaluator, Matcher

    real = engine.evaluator

    class Both(Matcher):
        def __init__(self, book):
            super().__init__(book)
            self.a, self.b = real("durable").matcher(book), real("python").matcher(book)

        def sync(self, new_facts):
            new_facts = list(new_facts)
            self.a.sync(new_facts)
            self.b.sync(new_facts)
            assert self.a.fired == self.b.fired, "durable-rules and the Python evaluator fired differently"
            self.facts, self.fired = self.a.facts, self.a.fired

        def findings(self):
            found = self.a.findings()
            assert [_finding_tuple(f) for f in found] == [_finding_tuple(f) for f in self.b.findings()]
            return found

        def close(self):
            self.a.close()
            self.b.close()

        def release_when_dropped(self):
            return self.a.release_when_dropped()

        def _apply(self, gone, added):
            raise AssertionError("not used: sync is overridden")

    class BothEvaluator(Evaluator):
        name = "durable+python"
        label = "durable-rules + Python"

        def matcher(self, book):
            return Both(book)

        def live_sessions(self):
            return real("durable").live_sessions()

    both = BothEvaluator()
    monkeypatch.setattr(engine, "evaluator", lambda name=None: both if name is None else real(name))
    yield


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


# --- the sample as answers, and variants of it -------------------------------------------------------


def _sample_answers() -> dict[str, Any]:
    """The sample report's answers (all tables zero), typed as a session holds them."""
    raw = json.loads(SAMPLE_SESSION.read_text(encoding="utf-8"))["answers"]
    return {fid: from_json(fid, value) for fid, value in raw.items()}


def _consistent_answers() -> dict[str, Any]:
    """The sample with non-zero tables that balance everywhere."""
    a = _sample_answers()
    a.update({
        # 自然人: 3 new + 1 carried = (2 granted + 1 partial) + 1 carried over
        "requests.new.natural": 3, "requests.carried.natural": 1, "requests.granted.natural": 2,
        "requests.partial.natural": 1, "requests.carry_over.natural": 1,
        # 商业企业: 1 new = 1 本机关不掌握
        "requests.new.commercial": 1, "requests.unable.not_held.commercial": 1,
        "review.upheld": 1,
        "active.normative.issued": 2, "active.normative.repealed": 1, "active.normative.in_force": 5,
        "active.fees": Decimal("26.55"),
    })
    return a


def _numbered_answers() -> dict[str, Any]:
    """The sample with every input number distinct, so that a misplaced cell shows."""
    answers = _sample_answers()
    n = 0
    for f in FORM.input_fields():
        if f.kind == "count":
            n += 1
            answers[f.id] = n
    answers["active.fees"] = Decimal("26.55")
    return answers


def _one_finding(findings: list, code: str) -> Any:
    """The one finding of ``code`` (fails, listing them all, when there is none or several)."""
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in findings]
    return found[0]


@pytest.fixture
def store(gkassist_home):
    """The session store of the test's own data folder."""
    from gkassist.session import SessionStore

    return SessionStore()


@pytest.fixture
def session(store):
    """A new session (测试局, 2024), open for editing; closed after the test."""
    s = store.create({"meta.agency": "测试局", "meta.year": 2024})
    yield s
    s.close()


@pytest.fixture(scope="session")
def sample_session() -> Path:
    """The sample report as a session JSON file."""
    return SAMPLE_SESSION


@pytest.fixture(scope="session")
def sample_answers() -> Callable[[], dict[str, Any]]:
    """``sample_answers()``: a fresh dict of the sample's typed answers."""
    return _sample_answers


@pytest.fixture(scope="session")
def consistent_answers() -> Callable[[], dict[str, Any]]:
    """``consistent_answers()``: the sample with non-zero tables that balance everywhere."""
    return _consistent_answers


@pytest.fixture(scope="session")
def numbered_answers() -> Callable[[], dict[str, Any]]:
    """``numbered_answers()``: the sample with every input number distinct."""
    return _numbered_answers


@pytest.fixture(scope="session")
def one_finding() -> Callable[[list, str], Any]:
    """``one_finding(findings, code)``: the single finding of that code."""
    return _one_finding


@pytest.fixture(scope="session")
def hostile_text() -> str:
    """Template syntax, HTML, Markdown and a table bar: user text that must stay text everywhere."""
    return "{{ 7*7 }}{% if 1 %}x{% endif %}<script>alert('x')</script>*粗* [链](http://e.cn) | &amp;"


@pytest.fixture(scope="session")
def slot_values() -> dict[str, str]:
    """What an officer of the sample agency puts into each slot of the standard wording."""
    return yaml.safe_load((Path(__file__).parent / "data" / "slot_values.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def home(gkassist_home):
    """The test's data folder (GKASSIST_HOME)."""
    return gkassist_home
