"""Shared test set-up: no test ever touches the real user data folder."""

import pytest


@pytest.fixture(autouse=True)
def gkassist_home(tmp_path, monkeypatch):
    """Point GKASSIST_HOME at a fresh folder for each test; returns that folder."""
    home = tmp_path / "gkassist-home"
    monkeypatch.setenv("GKASSIST_HOME", str(home))
    return home


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
