"""What the screens look like, as SVG snapshots (pytest-textual-snapshot), at 120×40 and 80×24.

The picker, a prose question, a table 三 question with a finding, section 五's editor with its
offers, the review and the preview, all with Chinese content. Nothing on these screens depends on
the clock, the machine or the temporary folder: saved reports carry fixed times, the cursor does
not blink, and every session is made here with fixed answers.

A changed screen fails the test; look at the report (``snapshot_report.html``) and, if the new look
is right, accept it with ``pytest tests/test_ui_snapshots.py --snapshot-update``. Textual, the
plugin and Python must match the versions the baselines were made with (pyproject pins Textual).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from drive import AGENCY, answer, sample_answers, settle, type_text

from gkassist.session import SessionStore
from gkassist.ui.app import GkApp

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]
META = {"meta.agency": AGENCY, "meta.year": 2024, "meta.agency_kind": "department", "meta.level": "county"}


@pytest.fixture(autouse=True)
def china_time() -> Iterator[None]:
    """The picker shows local times: the same on every machine, as in China."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def session(answers: dict[str, Any], *, step: str, workbench: dict | None = None, updated: str | None = None,
            sid: str = "snapshot1") -> str:
    """A saved report standing at ``step``; returns its path. Its id and times are fixed: the
    picker shows them."""
    with SessionStore().create(answers, session_id=sid) as s:
        s.set_position(step=step)
        for key, value in (workbench or {}).items():
            s.update_workbench(key, value)
        path = s.path
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["created"] = "2025-01-15T08:00:00+08:00"
    doc["updated"] = updated or "2025-01-20T09:30:00+08:00"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def then(*steps: Callable[[Any], Awaitable[None]]) -> Callable[[Any], Awaitable[None]]:
    """``run_before``: the steps in order, settled, then every cursor steady."""

    async def run(pilot: Any) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
            await settle(pilot)
        for widget in pilot.app.screen.query("*"):
            if hasattr(widget, "cursor_blink"):
                widget.cursor_blink = False
        await pilot.pause()

    return run


def answering(text: str) -> Callable[[Any], Awaitable[None]]:
    async def step(pilot: Any) -> None:
        await answer(pilot, text)

    return step


def pressing(*keys: str) -> Callable[[Any], Awaitable[None]]:
    async def step(pilot: Any) -> None:
        await pilot.press(*keys)

    return step


def typing(text: str) -> Callable[[Any], Awaitable[None]]:
    async def step(pilot: Any) -> None:
        await type_text(pilot, text)

    return step


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare: Any, size: tuple[int, int]) -> None:
    session({**META, "overview.intro": "2024年，我局认真贯彻落实《条例》。"}, step="overview.proactive",
            updated="2025-01-20T09:30:00+08:00")
    session({"meta.agency": "怀化市洪江区市场监督管理局", "meta.year": 2024}, step="meta.agency_kind",
            updated="2025-01-18T16:05:00+08:00", sid="snapshot2")
    assert snap_compare(GkApp(), terminal_size=size, run_before=then())


@pytest.mark.parametrize("size", SIZES)
def test_prose_question(snap_compare: Any, size: tuple[int, int]) -> None:
    path = session(META, step="overview.intro")
    assert snap_compare(GkApp(open_session=path), terminal_size=size,
                        run_before=then(typing("2024年，我局认真贯彻落实《中华人民共和国政府信息公开条例》")))


@pytest.mark.parametrize("size", SIZES)
def test_table_three_question_with_a_finding(snap_compare: Any, size: tuple[int, int]) -> None:
    answers = dict(META)
    rows = {"new": (3, 1, 0, 0, 0, 0), "granted": (2, 1, 0, 0, 0, 0)}
    from gkassist.form import FORM

    for f in FORM.fields.values():
        if f.table == "requests" and not f.derived and not f.id.startswith("requests.carry_over."):
            row = f.id.split(".")[1]
            cols = [c.id for c in FORM.requests_columns if not c.derived]
            answers[f.id] = rows[row][cols.index(f.col)] if row in rows else 0
    path = session(answers, step="requests.carry_over")
    # 结转下年度 typed as 0 so that the table does not balance (N4), then back to the row to fix it
    assert snap_compare(GkApp(open_session=path), terminal_size=size,
                        run_before=then(answering("0"), answering("/back")))


@pytest.mark.parametrize("size", SIZES)
def test_section_five_editor_with_offers(snap_compare: Any, size: tuple[int, int]) -> None:
    path = session(META, step="problems.items", workbench={"asks": {"section5.mode": "yes"}})
    assert snap_compare(GkApp(open_session=path), terminal_size=size, run_before=then(typing("信息更新不及时")))


@pytest.mark.parametrize("size", SIZES)
def test_review(snap_compare: Any, size: tuple[int, int]) -> None:
    path = session(sample_answers(), step="review_all")
    assert snap_compare(GkApp(open_session=path), terminal_size=size, run_before=then(pressing("f4")))


@pytest.mark.parametrize("size", SIZES)
def test_preview(snap_compare: Any, size: tuple[int, int]) -> None:
    path = session(sample_answers(), step="review_all")
    assert snap_compare(GkApp(open_session=path), terminal_size=size, run_before=then(pressing("f2")))

