"""Keys as a terminal delivers them: bursts (a paste, a fast typist, a slow computer), type-ahead
while an answer is being saved, drafts kept on quit, /commands typed in an editor.

The bursts are handed to the app all at once, before any key is handled, as the terminal driver
does with the keys of one read (``drive.burst``); ``pilot.press`` waits for each key and hides
what goes wrong (Textual issue 6605). The tmux walkthrough sends such bursts to the real program.
"""

from __future__ import annotations

from decimal import Decimal

from drive import (
    AGENCY,
    SIZE,
    answer,
    burst,
    editor,
    interview,
    meta,
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
        await answer(pilot, "/goto 二")
        await answer(pilot, "有")
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
        await answer(pilot, "/goto 三")
        await answer(pilot, "有")
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
        await answer(pilot, "/goto 三")
        await answer(pilot, "有")
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
