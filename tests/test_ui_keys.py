"""Keys as a terminal delivers them: bursts (a paste, a fast typist, a slow computer), type-ahead
while an answer is being saved, drafts kept on quit, /commands typed in an editor.

The bursts are handed to the app all at once, before any key is handled, as the terminal driver
does with the keys of one read (``drive.burst``); ``pilot.press`` waits for each key and hides
what goes wrong (Textual issue 6605). The tmux walkthrough sends such bursts to the real program.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from drive import (
    AGENCY,
    SIZE,
    answer,
    burst,
    editor,
    interview,
    key_event,
    meta,
    open_table,
    said,
    say,
    settle,
    start_new,
    type_text,
)
from textual import events

from gkassist.interview.flow import SKIPPED
from gkassist.ui.app import GkApp


async def test_a_burst_of_answers_saves_each_answer_as_typed_in_order() -> None:
    # issue 13 item 1: 「name Enter Ctrl+U 2024 Enter 2 Enter 4 Enter」 in one burst saved the agency as
    # 「…信息化局202424」 and nothing else
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await burst(pilot, AGENCY, "enter", "ctrl+u", "2024", "enter", "2", "enter", "4", "enter")
        screen = interview(app)
        answers = screen.session.answers
        assert answers["meta.agency"] == AGENCY
        assert answers["meta.year"] == 2024
        assert answers["meta.agency_kind"] == "department" and answers["meta.level"] == "county"
        assert screen.flow.step_id == "overview.intro"
        assert said(app, "user")[-4:] == [AGENCY, "2024", "2", "4"], "each answer echoed as typed"
        # the questions' suggestions (the year's 2025) were no typing: none is carried into the next
        assert editor(app).text == "" and screen.query_one("#line").value == ""


async def test_type_ahead_goes_to_the_next_question_never_into_the_last_answer() -> None:
    # issue 13 item 1: on 「行政强制」 typing 7 Enter 9 Enter saved 79
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await open_table(pilot, "二")
        screen = interview(app)
        while screen.flow.step_id != "active.coercion":
            await answer(pilot, "0")
        await burst(pilot, "7", "enter", "9", "enter")
        assert screen.session.answers["active.coercion"] == 7
        assert screen.session.answers["active.fees"] == Decimal(9)
        # and typing goes on into the question after them, never back into theirs
        await burst(pilot, "有")
        assert screen.query_one("#line").value == "有" and screen.flow.step_id == "requests.any"


async def test_a_pasted_text_of_several_lines_is_that_many_answers() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await open_table(pilot, "三")
        app.post_message(events.Paste("3\t1\t0\t0\t0\t0\n1 0 0 0 0 0\n2"))
        await burst(pilot)
        screen = interview(app)
        assert screen.session.answers["requests.new.natural"] == 3
        assert screen.session.answers["requests.carried.natural"] == 1
        assert screen.flow.step_id == "requests.granted" and screen.query_one("#line").value == "2"


async def test_an_answer_refused_comes_back_and_what_followed_it_is_said_unused() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await open_table(pilot, "三")
        await burst(pilot, "3 1 0", "enter", "0", "enter")  # a row of six wants six numbers
        screen = interview(app)
        assert screen.flow.step_id == "requests.new" and "requests.new.natural" not in screen.session.answers
        assert screen.query_one("#line").value == "3 1 0", "the refused answer is back, to be fixed"
        assert said(app, "info")[-1] == say("typed_ahead_unused", answers="0")
        assert "requests.carried.natural" not in screen.session.answers, "「0」 was not taken for the next row"


async def test_a_command_typed_in_a_prose_editor_runs_and_is_never_report_text() -> None:
    # issue 13 item 2: Ctrl+End, /skip, Ctrl+J saved 「…政府信息公开力度。/skip」
    text = "2024年，我局进一步加强了政府信息公开力度。"
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "overview.intro"
        await type_text(pilot, text)
        await burst(pilot, "ctrl+end", "/skip", "ctrl+j")
        assert "overview.intro" not in screen.session.answers
        assert "overview.intro" in screen.session.workbench[SKIPPED], "the command ran: the paragraph is skipped"
        assert screen.session.drafts["overview.intro"] == text, "what was written is kept, without /skip"
        assert screen.flow.step_id == "overview.proactive"
        # /check and Enter in the editor: the check runs, no line is opened, nothing is submitted
        await type_text(pilot, "主动公开信息120条。")
        await burst(pilot, "enter", "/check", "enter")
        assert said(app, "info")[-1].startswith(say("check_title", error=0, warning=0, hint=0)[:6])
        assert editor(app).text == "主动公开信息120条。" and screen.flow.step_id == "overview.proactive"


async def test_ctrl_q_keeps_what_was_typed_as_a_draft_and_resume_puts_it_back(home) -> None:
    # issue 13 item 3: Ctrl+Q threw away the unsubmitted text of an editor
    text = "2024年，我局认真贯彻落实《条例》"
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await type_text(pilot, text[:4])
        await burst(pilot, text[4:], "ctrl+q")  # typed right up to Ctrl+Q, in one burst
        await pilot.pause()
    assert app.return_code == 0
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the report just left
        await settle(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "overview.intro"
        assert editor(app).text == text, "the draft is back in place"
        assert "overview.intro" not in screen.session.answers and say("draft_restored") in said(app, "info")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.session.answers["overview.intro"] == text and not screen.session.drafts


async def test_a_line_typed_and_left_for_another_question_is_kept_as_its_draft() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await type_text(pilot, "怀化市洪江区")
        screen = interview(app)
        sections = screen.query_one("#sections")  # off to table 三 by the side panel
        sections.highlighted = sections.get_option_index("requests")
        sections.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.flow.step_id == "requests.any"
        await answer(pilot, "/goto 基本信息")
        assert screen.flow.step_id == "meta.agency"
        assert screen.query_one("#line").value == "怀化市洪江区", "the unfinished name is back"


def _saved_session() -> Any:
    from gkassist.session import SessionStore

    [info] = SessionStore().list()
    return SessionStore().open(info.path, lock=False)


async def test_ctrl_q_right_after_a_burst_of_answers_keeps_each_answer_and_the_draft_after_them(home) -> None:
    # Ctrl+Q (a priority key) used to quit before the answers submitted just ahead of it were taken:
    # 「name Enter 2024 Enter 2 Ctrl+Q」 saved no answer, and 「2」 as the draft of the name
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await burst(pilot, AGENCY, "enter", "ctrl+u", "2024", "enter", "2", "ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    with _saved_session() as s:
        assert (s.answers["meta.agency"], s.answers["meta.year"]) == (AGENCY, 2024)
        assert dict(s.drafts) == {"meta.agency_kind": "2"}, "typed at the question the answers led to"


async def test_ctrl_q_after_a_submitted_paragraph_keeps_it_and_the_next_ones_draft(home) -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await burst(pilot, "2024年，我局认真贯彻落实《条例》。", "ctrl+j", "主动公开信息", "ctrl+q")
        await pilot.pause()
    with _saved_session() as s:
        assert s.answers["overview.intro"] == "2024年，我局认真贯彻落实《条例》。"
        assert dict(s.drafts) == {"overview.proactive": "主动公开信息"}


@pytest.fixture
def engine_starting(monkeypatch) -> None:
    """The engine still starting, as in a real run's first seconds: each answer is checked in a
    worker that takes 0.3 s, and the answers typed meanwhile wait their turn."""
    import threading
    import time

    from gkassist.interview.service import InterviewService

    check = InterviewService.check

    def starting(self: Any, changes: Any = None) -> Any:
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.3)
        return check(self, changes)

    monkeypatch.setattr(InterviewService, "check", starting)
    monkeypatch.setattr(InterviewService, "ready", property(lambda self: False))


async def test_ctrl_q_while_the_engine_still_starts_records_the_answers_waiting_their_turn(home, engine_starting) -> None:
    # the first answers' checks wait for the engine (in a worker) and the answers after them wait
    # their turn: Ctrl+Q records them all, unchecked, and keeps what was typed after them
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        for key in [*AGENCY, "enter", "ctrl+u", *"2024", "enter", "2", "enter", "县", "ctrl+q"]:
            app.post_message(key_event(key))
        await pilot.pause()
        for _ in range(100):
            if not app.is_running:
                break
            await pilot.pause(0.05)
    assert app.return_code == 0
    with _saved_session() as s:
        assert (s.answers["meta.agency"], s.answers["meta.year"], s.answers["meta.agency_kind"]) == (AGENCY, 2024, "department")
        assert dict(s.drafts) == {"meta.level": "县"}
        assert s.position["step"] == "meta.level"


async def test_enter_pressed_before_the_next_proposal_shows_neither_takes_nor_erases_it(home, engine_starting) -> None:
    # a new user's walk, carrying on from last year's report while the engine still started:
    # 「Enter Enter」 took the kind (2), and the second Enter, pressed before the level question
    # and its proposal (4, last year's) were on screen, was refused as 「还没有输入内容」 and
    # emptied the line: the proposal was gone from it
    from drive import import_last_year

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await import_last_year(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "meta.agency"
        await burst(pilot, "enter", "enter", "enter", "enter", "enter")
        assert not [m for m in said(app) if say("empty_answer") in m]
        q = screen.flow.question()
        assert q.prefill.strip(), "stopped at a question that proposes an answer"
        assert screen.query_one("#line").value == q.prefill, "the proposal is still in the line"
        taken = screen.flow.step_id
        await burst(pilot, "enter")  # seen, then confirmed
        assert screen.flow.step_id != taken


async def test_enters_typed_in_one_burst_confirm_no_proposal_they_came_before(home) -> None:
    # the same walk with the engine ready, in a real terminal: 「Enter Enter」 in one read reaches the
    # line before the first is handled, so the second submits the line emptied by the first, and is
    # handled only once the next question and its proposal are on screen
    from drive import import_last_year

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await import_last_year(pilot)
        screen = interview(app)
        await burst(pilot, "enter", "enter", "enter")
        assert not [m for m in said(app) if say("empty_answer") in m]
        assert screen.flow.step_id == "meta.year", "only the first Enter confirmed a proposal"
        q = screen.flow.question()
        assert screen.query_one("#line").value == q.prefill and q.prefill.strip()
        await burst(pilot, "enter")
        assert screen.flow.step_id == "meta.agency_kind"
        assert screen.session.answers["meta.year"] == 2025


async def test_enter_pressed_early_on_a_question_that_proposes_nothing_is_told_so(home, engine_starting) -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await burst(pilot, AGENCY, "enter")
        screen = interview(app)
        assert screen.flow.step_id == "meta.year" and screen.flow.question().prefill.strip()
        await burst(pilot, "enter", "enter")  # the year proposed, confirmed; then Enter on the kind
        assert screen.flow.step_id == "meta.agency_kind" and not screen.flow.question().prefill.strip()
        assert [m for m in said(app) if say("empty_answer") in m]


async def test_what_is_typed_is_kept_as_a_draft_every_few_seconds(monkeypatch) -> None:
    # kept on disk while the officer writes, not only on quitting: a power cut loses a few seconds
    import json

    from gkassist.ui import interview as interview_module

    monkeypatch.setattr(interview_module, "DRAFT_EVERY", 0.2)
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        text = "2024年，我局认真贯彻"
        await type_text(pilot, text)
        path = interview(app).session.path
        on_disk: dict = {}
        for _ in range(100):  # (the text may be kept part-typed first: typing takes longer)
            await pilot.pause(0.05)
            on_disk = json.loads(path.read_text(encoding="utf-8")).get("drafts", {})
            if on_disk == {"overview.intro": text}:
                break
        assert on_disk == {"overview.intro": text}
        assert app.is_running, "written while the program runs"


async def test_a_path_typed_in_one_burst_in_the_picker_is_the_path_used(home) -> None:
    # the picker's path field is a plain line too: Ctrl+U ran after the keys typed behind it
    from drive import SAMPLE_TXT

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#import-path").focus()
        await burst(pilot, "x", "ctrl+u", str(SAMPLE_TXT), "enter")
        await settle(pilot)
        screen = interview(app)
        assert screen.session.previous and screen.session.previous.get("meta.agency") == AGENCY


async def test_a_command_on_a_line_of_its_own_in_the_items_editor_runs_and_is_no_item() -> None:
    # 五's editor (one item per line) as much as a paragraph's: a line that is only /skip is a command
    from drive import to_section_five

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "problems.items"
        await type_text(pilot, "栏目更新不及时")
        await burst(pilot, "enter", "/skip", "enter")
        assert screen.flow.step_id == "measures.items"
        assert "problems" not in screen.session.answers
        assert screen.session.drafts["problems.items"].strip() == "栏目更新不及时", "no 「/skip」 item"
        # a new user's walk: 「/goto 二」 typed right after an item (no line of its own), Enter, then
        # Ctrl+J recorded 「……整体水平/goto 二。」; now Enter runs it and the item stays as written
        await type_text(pilot, "建立栏目更新清单")
        await burst(pilot, "/goto 二", "enter")
        assert screen.flow.step_id.startswith("active"), "Enter ran the command"
        assert screen.session.drafts["measures.items"].strip() == "建立栏目更新清单", "no 「/goto 二」 in the item"
        assert "measures" not in screen.session.answers
