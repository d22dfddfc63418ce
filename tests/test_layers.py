"""The layer contracts of pyproject.toml ([tool.importlinter]) hold: the core never imports the UI
or Textual, only gkassist.engine.durable imports durable-rules, reading never depends on writing,
each layer imports only those below it, and no two sibling modules import each other."""

import os
from pathlib import Path

from importlinter.cli import lint_imports


def test_the_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)  # lint-imports reads pyproject.toml from here
    monkeypatch.setenv("GRIMP_CACHE_DIR", os.devnull)  # never write a cache into the checkout
    assert lint_imports(no_cache=True) == 0
